"""Facet counts: every filter option says how many entries it would yield, given the others."""

from django.test import TestCase
from django.urls import reverse

from places.cache import bump_generation
from places.filters import PlaceFilter
from places.models import Place
from tests.factories import make_category, make_district, make_feature, make_need, make_place
from tests.places.test_queries import LIST as LIST_QUERIES

LIST_URL = reverse("places:place-list")
FACET_QUERIES = 4
MAP_URL = reverse("places:place-map")


def counts(facet):
    return {option.value: option.count for group in facet.groups for option in group.options}


class FacetCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        cls.stendal = make_district(name="Landkreis Stendal", slug="landkreis-stendal")
        cls.boerde = make_district(name="Landkreis Börde", slug="landkreis-boerde")
        cls.empty = make_district(name="Landkreis Harz", slug="landkreis-harz")
        cls.coworking = make_feature(name="Coworking", slug="coworking")
        cls.workshop = make_feature(name="Werkstatt", slug="werkstatt")
        cls.sauna = make_feature(name="Sauna", slug="sauna")
        cls.residents = make_need(name="Mitbewohner:innen", slug="mitbewohner")
        cls.helpers = make_need(name="Handwerker:innen", slug="handwerker")
        make_place(
            name="Hof A",
            categories=[cls.living],
            district=cls.stendal,
            features=[cls.coworking, cls.workshop],
            needs=[cls.residents, cls.helpers],
        )
        make_place(
            name="Hof B",
            categories=[cls.living, cls.work],
            district=cls.stendal,
            features=[cls.coworking],
            kind=Place.Kind.PROJEKT,
            stage=Place.Stage.IDEE,
        )
        make_place(
            name="Sägewerk am Hof",
            categories=[cls.work],
            district=cls.boerde,
            features=[cls.workshop],
            needs=[cls.helpers],
        )
        # Never counted: not published.
        make_place(
            name="Entwurf",
            categories=[cls.work],
            district=cls.empty,
            features=[cls.sauna],
            status=Place.Status.DRAFT,
        )

    def facets(self, **params):
        filterset = PlaceFilter(params or None, queryset=Place.objects.published())
        return filterset.facets()

    def test_without_filters_each_option_counts_the_published_entries(self):
        facets = self.facets()
        assert counts(facets["kategorie"]) == {"wohnen-bauen": 2, "arbeiten-wirtschaft": 2}
        assert counts(facets["kreis"])["landkreis-stendal"] == 2
        assert counts(facets["kreis"])["landkreis-boerde"] == 1
        assert counts(facets["kreis"])["landkreis-harz"] == 0
        assert counts(facets["merkmal"]) == {"coworking": 2, "werkstatt": 2, "sauna": 0}
        assert counts(facets["art"])["projekt"] == 1
        assert counts(facets["art"])["ort"] == 2
        assert counts(facets["stand"])["idee"] == 1
        assert counts(facets["sucht"]) == {"alle": 2, "mitbewohner": 1, "handwerker": 2}

    def test_a_facet_ignores_its_own_value_but_applies_the_others(self):
        facets = self.facets(kreis="landkreis-stendal", kategorie="arbeiten-wirtschaft")
        # Districts: counted within "Arbeiten/Wirtschaft", whatever district is chosen.
        assert counts(facets["kreis"])["landkreis-stendal"] == 1
        assert counts(facets["kreis"])["landkreis-boerde"] == 1
        # Categories: counted within Stendal.
        assert counts(facets["kategorie"]) == {"wohnen-bauen": 2, "arbeiten-wirtschaft": 1}
        # Everything else: within both (only Hof B).
        assert counts(facets["art"]) == {"ort": 0, "projekt": 1, "initiative": 0}
        assert counts(facets["sucht"])["alle"] == 0

    def test_kind_stage_and_district_each_count_within_the_other_two(self):
        facets = self.facets(art="projekt", stand="idee")
        assert counts(facets["art"]) == {"ort": 0, "projekt": 1, "initiative": 0}
        assert counts(facets["stand"]) == {"realisiert": 0, "im_aufbau": 0, "idee": 1}
        assert counts(facets["kreis"])["landkreis-stendal"] == 1
        assert counts(facets["kreis"])["landkreis-boerde"] == 0
        facets = self.facets(kreis="landkreis-boerde")
        assert counts(facets["art"]) == {"ort": 1, "projekt": 0, "initiative": 0}
        assert counts(facets["stand"])["realisiert"] == 1
        assert counts(facets["kreis"])["landkreis-stendal"] == 2

    def test_features_combine_with_and_so_they_count_on_the_current_result(self):
        facets = self.facets(merkmal=["coworking"])
        assert counts(facets["merkmal"]) == {"coworking": 2, "werkstatt": 1, "sauna": 0}

    def test_zero_options_are_disabled_unless_chosen(self):
        facets = self.facets(kreis="landkreis-harz")
        options = {option.value: option for option in facets["kreis"].more}
        assert "landkreis-harz" not in options  # chosen: stays selectable, shown with (0)
        chosen = next(o for o in facets["kreis"].options if o.value == "landkreis-harz")
        assert chosen.selected and chosen.count == 0 and not chosen.disabled
        assert facets["merkmal"].more == [
            option for option in facets["merkmal"].more if option.count == 0
        ]

    def test_districts_keep_their_state_groups(self):
        labels = [group.label for group in self.facets()["kreis"].groups]
        assert labels == ["Sachsen-Anhalt"]

    def test_invalid_values_take_no_part(self):
        facets = self.facets(kategorie="quatsch")
        assert counts(facets["kreis"])["landkreis-stendal"] == 2

    def test_search_narrows_every_facet(self):
        facets = self.facets(q="Sägewerk")
        assert counts(facets["kategorie"]) == {"wohnen-bauen": 0, "arbeiten-wirtschaft": 1}


class FacetRenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        make_district(name="Landkreis Harz", slug="landkreis-harz")
        make_feature(name="Sauna", slug="sauna")
        make_feature(name="Coworking", slug="coworking")
        place = make_place(name="Hof", categories=[cls.living])
        place.features.set([make_feature(name="Atelier", slug="atelier")])

    def test_the_list_shows_counts_and_disables_dead_ends(self):
        response = self.client.get(LIST_URL)
        self.assertContains(response, '<option value="wohnen-bauen">Wohnen/Bauen (1)</option>')
        self.assertContains(
            response,
            '<option value="arbeiten-wirtschaft" disabled>Arbeiten/Wirtschaft (0)</option>',
        )
        self.assertContains(
            response, '<option value="landkreis-harz" disabled>Landkreis Harz (0)</option>'
        )
        # Features without entries wait under "weitere", not as live checkboxes.
        self.assertContains(response, "2 weitere ohne Treffer in dieser Auswahl")
        self.assertContains(response, 'value="sauna" id="id_merkmal_sauna" disabled>')
        self.assertContains(response, 'value="atelier" id="id_merkmal_atelier">')

    def test_a_chosen_option_stays_selected(self):
        response = self.client.get(LIST_URL, {"kategorie": "wohnen-bauen"})
        self.assertContains(
            response, '<option value="wohnen-bauen" selected>Wohnen/Bauen (1)</option>'
        )

    def test_counts_are_cached_per_generation_and_selection(self):
        with self.assertNumQueries(LIST_QUERIES):
            self.client.get(LIST_URL, {"kategorie": "wohnen-bauen"})
        # The same selection again (sorted differently): no facet query.
        with self.assertNumQueries(LIST_QUERIES - FACET_QUERIES):
            self.client.get(LIST_URL, {"kategorie": "wohnen-bauen", "sortierung": "name"})
        make_place(name="Neuer Hof", categories=[self.work])
        bump_generation()
        with self.assertNumQueries(LIST_QUERIES):
            response = self.client.get(LIST_URL, {"kategorie": "wohnen-bauen"})
        self.assertContains(
            response, '<option value="arbeiten-wirtschaft">Arbeiten/Wirtschaft (1)</option>'
        )

    def test_the_map_page_shows_the_same_facets(self):
        response = self.client.get(MAP_URL, {"kategorie": "arbeiten-wirtschaft"})
        self.assertContains(
            response,
            '<option value="arbeiten-wirtschaft" selected>Arbeiten/Wirtschaft (0)</option>',
        )
        self.assertContains(response, f'action="{MAP_URL}"')
