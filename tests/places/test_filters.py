from datetime import timedelta

from django.db import connection
from django.http import QueryDict
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from places.filters import MAX_SELECTED_FEATURES, PlaceFilter
from places.models import District, Place
from tests.factories import (
    make_category,
    make_district,
    make_feature,
    make_need,
    make_place,
)


def run(query=""):
    data = QueryDict(query) if query else None
    return PlaceFilter(data, queryset=Place.objects.published())


def names(filterset):
    return [place.name for place in filterset.qs]


class PlaceFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        cls.altmark = make_district(name="Altmarkkreis Salzwedel", slug="altmarkkreis-salzwedel")
        cls.havelland = make_district(
            name="Landkreis Havelland", slug="landkreis-havelland", state=District.State.BRANDENBURG
        )
        cls.coworking = make_feature(name="Coworking", slug="coworking")
        cls.beds = make_feature(name="Übernachtung", slug="uebernachtung")
        cls.flatmates = make_need(name="Mitbewohner:innen", slug="mitbewohner")
        cls.helpers = make_need(name="Handwerker:innen", slug="handwerker")
        now = timezone.now()
        cls.a = make_place(
            name="Alte Schule",
            categories=[cls.work],
            district=cls.altmark,
            features=[cls.coworking, cls.beds],
            kind=Place.Kind.ORT,
            stage=Place.Stage.REALISIERT,
            published_at=now - timedelta(days=3),
        )
        cls.b = make_place(
            name="Baugruppe Hof",
            categories=[cls.living, cls.work],
            district=cls.havelland,
            features=[cls.coworking],
            needs=[cls.flatmates, cls.helpers],
            kind=Place.Kind.PROJEKT,
            stage=Place.Stage.IM_AUFBAU,
            published_at=now - timedelta(days=1),
        )
        cls.c = make_place(
            name="Chor im Dorf",
            categories=[cls.living],
            district=cls.altmark,
            needs=[cls.helpers],
            kind=Place.Kind.INITIATIVE,
            stage=Place.Stage.IDEE,
            published_at=now - timedelta(days=2),
        )
        make_place(name="Draft Schule", categories=[cls.work], status=Place.Status.DRAFT)

    def test_unbound_lists_all_published_by_name(self):
        filterset = run()
        assert not filterset.is_bound
        assert names(filterset) == ["Alte Schule", "Baugruppe Hof", "Chor im Dorf"]

    def test_each_filter_alone(self):
        cases = {
            "kategorie=wohnen-bauen": ["Baugruppe Hof", "Chor im Dorf"],
            "kategorie=arbeiten-wirtschaft": ["Alte Schule", "Baugruppe Hof"],
            "art=projekt": ["Baugruppe Hof"],
            "kreis=altmarkkreis-salzwedel": ["Alte Schule", "Chor im Dorf"],
            "kreis=landkreis-havelland": ["Baugruppe Hof"],
            "merkmal=coworking": ["Alte Schule", "Baugruppe Hof"],
            "stand=idee": ["Chor im Dorf"],
            "stand=im_aufbau": ["Baugruppe Hof"],
            "sucht=alle": ["Baugruppe Hof", "Chor im Dorf"],
            "sucht=mitbewohner": ["Baugruppe Hof"],
            "q=schule": ["Alte Schule"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                filterset = run(query)
                assert filterset.is_valid(), filterset.errors
                assert names(filterset) == expected

    def test_filters_combine_with_and(self):
        cases = {
            "kategorie=wohnen-bauen&kreis=altmarkkreis-salzwedel": ["Chor im Dorf"],
            "kategorie=arbeiten-wirtschaft&sucht=alle": ["Baugruppe Hof"],
            "merkmal=coworking&merkmal=uebernachtung": ["Alte Schule"],
            "kategorie=wohnen-bauen&art=ort": [],
            "q=hof&kategorie=wohnen-bauen&stand=im_aufbau&sucht=handwerker": ["Baugruppe Hof"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                assert names(run(query)) == expected

    def test_seeking_any_lists_each_entry_once(self):
        # Baugruppe Hof seeks two groups; an EXISTS filter must not duplicate it.
        assert names(run("sucht=alle")).count("Baugruppe Hof") == 1

    def test_sort_orders(self):
        assert names(run("sortierung=neu")) == ["Baugruppe Hof", "Chor im Dorf", "Alte Schule"]
        assert names(run("sortierung=name")) == ["Alte Schule", "Baugruppe Hof", "Chor im Dorf"]

    def test_search_orders_by_relevance_unless_sorted(self):
        make_place(name="Zum Hof", teaser="Ein Ort.", description="")
        by_relevance = names(run("q=hof"))
        assert set(by_relevance) == {"Baugruppe Hof", "Zum Hof"}
        assert names(run("q=hof&sortierung=name")) == ["Baugruppe Hof", "Zum Hof"]

    def test_invalid_values_are_reported_and_ignored(self):
        filterset = run("kategorie=gibt-es-nicht&kreis=landkreis-havelland&merkmal=foo")
        assert not filterset.is_valid()
        assert set(filterset.errors) == {"kategorie", "merkmal"}
        assert filterset.errors["kategorie"] == [
            "Diese Auswahl gibt es nicht (mehr). Der Filter wurde nicht angewendet."
        ]
        assert names(filterset) == ["Baugruppe Hof"]

    def test_districts_are_grouped_by_state_with_sachsen_anhalt_first(self):
        choices = list(run().form.fields["kreis"].choices)
        groups = [label for label, options in choices if isinstance(options, list | tuple)]
        assert [str(group) for group in groups] == ["Sachsen-Anhalt", "Brandenburg"]

    def test_vocabulary_labels_use_names(self):
        field = run().form.fields["kategorie"]
        assert ("wohnen-bauen", "Wohnen/Bauen") in list(field.choices)

    def test_active_filters_with_removal_queries(self):
        filterset = run("q=hof&kategorie=wohnen-bauen&merkmal=coworking&merkmal=uebernachtung")
        filterset.is_valid()
        chips = {(chip.label, chip.value): chip.remove_query for chip in filterset.active_filters()}
        both = "merkmal=coworking&merkmal=uebernachtung"
        assert chips == {
            ("Suchbegriff", "hof"): f"?kategorie=wohnen-bauen&{both}",
            ("Kategorie", "Wohnen/Bauen"): f"?q=hof&{both}",
            ("Merkmale", "Coworking"): "?q=hof&kategorie=wohnen-bauen&merkmal=uebernachtung",
            ("Merkmale", "Übernachtung"): "?q=hof&kategorie=wohnen-bauen&merkmal=coworking",
        }

    def test_last_chip_removes_to_the_bare_list(self):
        (chip,) = run("kreis=landkreis-havelland").active_filters()
        assert (chip.label, chip.value, chip.remove_query) == (
            "Landkreis / Stadt",
            "Landkreis Havelland",
            "",
        )

    def test_invalid_values_get_no_chip_and_are_dropped_from_the_clean_query(self):
        filterset = run("kategorie=nope&stand=idee&sortierung=neu&utm_source=x")
        assert [chip.label for chip in filterset.active_filters()] == ["Stand"]
        assert filterset.cleaned_query().urlencode() == "stand=idee&sortierung=neu"


class RepeatedValueTests(TestCase):
    """A value repeated in the query string is one condition, not one subquery per repeat."""

    @classmethod
    def setUpTestData(cls):
        cls.coworking = make_feature(name="Coworking", slug="coworking")
        cls.beds = make_feature(name="Übernachtung", slug="uebernachtung")
        cls.garden = make_feature(name="Garten", slug="garten")
        cls.both = make_place(name="Alte Schule", features=[cls.coworking, cls.beds])
        cls.one = make_place(name="Baugruppe Hof", features=[cls.coworking, cls.garden])
        make_place(name="Chor im Dorf", features=[cls.beds])
        cls.through_table = Place.features.through._meta.db_table

    def filtered_sql(self, filterset):
        """The names found and the SQL of the one query that found them."""
        with CaptureQueriesContext(connection) as queries:
            found = names(filterset)
        (query,) = queries.captured_queries
        return found, query["sql"]

    def test_a_feature_repeated_a_thousand_times_is_one_condition(self):
        filterset = run("&".join(["merkmal=coworking"] * 1000))
        assert filterset.is_valid(), filterset.errors
        assert filterset.form.cleaned_data["merkmal"] == ["coworking"]
        found, sql = self.filtered_sql(filterset)
        assert found == ["Alte Schule", "Baugruppe Hof"]
        assert sql.count(self.through_table) == 1

    def test_several_features_repeated_still_need_all_of_them_in_one_subquery(self):
        filterset = run("&".join(["merkmal=coworking&merkmal=uebernachtung"] * 500))
        assert filterset.is_valid(), filterset.errors
        assert filterset.form.cleaned_data["merkmal"] == ["coworking", "uebernachtung"]
        found, sql = self.filtered_sql(filterset)
        assert found == ["Alte Schule"]
        assert sql.count(self.through_table) == 1
        assert names(run("merkmal=coworking&merkmal=garten&merkmal=coworking")) == ["Baugruppe Hof"]
        assert names(run("merkmal=garten&merkmal=uebernachtung")) == []

    def test_the_sql_does_not_grow_with_the_number_of_features(self):
        _, one = self.filtered_sql(run("merkmal=coworking"))
        _, three = self.filtered_sql(run("merkmal=coworking&merkmal=uebernachtung&merkmal=garten"))
        assert three.count(self.through_table) == one.count(self.through_table) == 1

    def test_repeats_give_one_chip_and_a_clean_query_without_repeats(self):
        filterset = run("&".join(["merkmal=coworking&merkmal=uebernachtung"] * 50))
        assert [chip.value for chip in filterset.active_filters()] == ["Coworking", "Übernachtung"]
        assert filterset.cleaned_query().urlencode() == "merkmal=coworking&merkmal=uebernachtung"

    def test_unknown_feature_among_repeats_is_refused(self):
        filterset = run("&".join(["merkmal=coworking"] * 10 + ["merkmal=gibt-es-nicht"]))
        assert not filterset.is_valid()
        assert set(filterset.errors) == {"merkmal"}

    def test_more_distinct_features_than_the_cap_are_refused(self):
        for number in range(MAX_SELECTED_FEATURES):
            make_feature(name=f"Merkmal {number}", slug=f"merkmal-{number}")
        too_many = [f"merkmal=merkmal-{n}" for n in range(MAX_SELECTED_FEATURES)]
        filterset = run("&".join(["merkmal=coworking", *too_many]))
        assert not filterset.is_valid()
        assert filterset.errors["merkmal"] == [
            f"Bitte höchstens {MAX_SELECTED_FEATURES} Merkmale auswählen."
        ]
        assert run("&".join(too_many)).is_valid()

    def test_single_value_filters_use_one_value_however_often_repeated(self):
        query = "&".join(["kategorie=quatsch", "stand=idee"] * 400 + ["stand=realisiert"])
        filterset = run(query)
        assert not filterset.is_valid()
        assert filterset.form.cleaned_data["stand"] == "realisiert"
        assert set(filterset.errors) == {"kategorie"}
        assert names(filterset) == ["Alte Schule", "Baugruppe Hof", "Chor im Dorf"]
