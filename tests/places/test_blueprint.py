"""'Wie es gemacht wurde': the facts, their filters, "Ideen finden" and the comparison."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from places.models import Milestone, Place
from tests.factories import (
    make_category,
    make_feature,
    make_funding_programme,
    make_milestone,
    make_place,
)


class ConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place()

    def test_choices_are_checked_by_the_database(self):
        for field in ["organisation_form", "ownership", "investment_band", "building_type"]:
            with self.subTest(field), self.assertRaises(IntegrityError), transaction.atomic():
                Place.objects.filter(pk=self.place.pk).update(**{field: "erfunden"})

    def test_empty_choices_are_allowed(self):
        self.place.full_clean()
        assert self.place.organisation_form == ""

    def test_own_work_share_is_a_percentage(self):
        self.place.own_work_share = 101
        with self.assertRaises(ValidationError) as raised:
            self.place.full_clean()
        assert "own_work_share" in raised.exception.message_dict
        with self.assertRaises(IntegrityError), transaction.atomic():
            Place.objects.filter(pk=self.place.pk).update(own_work_share=150)

    def test_milestone_month_and_text_are_checked(self):
        with self.assertRaises(ValidationError) as raised:
            Milestone(place=self.place, year=2020, month=13, text="").full_clean()
        assert {"month", "text"} <= set(raised.exception.message_dict)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Milestone.objects.create(place=self.place, year=2020, month=0, text="x")

    def test_milestones_are_ordered_by_date_with_unknown_months_first(self):
        later = make_milestone(self.place, year=2021, month=3, text="Eröffnung")
        month_known = make_milestone(self.place, year=2020, month=6, text="Kauf")
        year_only = make_milestone(self.place, year=2020, text="Verein")
        assert list(self.place.milestones.all()) == [year_only, month_known, later]
        assert month_known.when == "06/2020"
        assert year_only.when == "2020"


class DetailSectionTests(TestCase):
    def test_section_hidden_when_nothing_is_filled(self):
        place = make_place()
        response = self.client.get(place.get_absolute_url())
        self.assertNotContains(response, "Wie es gemacht wurde")

    def test_section_shows_facts_timeline_and_lessons(self):
        leader = make_funding_programme(name="LEADER/CLLD")
        place = make_place(
            organisation_form=Place._meta.get_field("organisation_form").choices[1][0],
            ownership="erbbaurecht",
            own_work_share=30,
            lessons_helped="Früh mit dem Dorf reden.",
            lessons_hard="Der Brandschutz.",
            funding_programmes=[leader],
        )
        make_milestone(place, year=2019, month=6, text="Hof gekauft")
        make_milestone(place, year=2021, text="Erste Gäste")
        response = self.client.get(place.get_absolute_url())
        self.assertContains(response, "Wie es gemacht wurde")
        self.assertContains(response, "<dt>Rechtsform des Trägers</dt><dd>Genossenschaft</dd>")
        self.assertContains(response, "<dd>Erbbaurecht</dd>")
        self.assertContains(response, "<dd>30 %</dd>")
        self.assertContains(response, "<dd>LEADER/CLLD</dd>")
        self.assertContains(response, '<ol class="blueprint-timeline">')
        content = response.content.decode()
        assert content.index("06/2019") < content.index("Erste Gäste")
        self.assertContains(response, "Früh mit dem Dorf reden.")
        self.assertContains(response, "Der Brandschutz.")


class FilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.leader = make_funding_programme(name="LEADER/CLLD", slug="leader-clld")
        cls.coworking = make_feature(name="Coworking", slug="coworking")
        cls.school = make_place(
            name="Alte Schule",
            building_type="schule",
            organisation_form="genossenschaft",
            ownership="gekauft",
            usable_area=400,
            workspaces=12,
            beds=0,
            funding_programmes=[cls.leader],
            features=[cls.coworking],
        )
        cls.farm = make_place(
            name="Gutshof",
            building_type="hof",
            organisation_form="verein",
            usable_area=1200,
            beds=20,
        )
        cls.draft = make_place(
            name="Schule im Entwurf",
            building_type="schule",
            status=Place.Status.DRAFT,
            funding_programmes=[cls.leader],
        )

    def list_names(self, query):
        response = self.client.get(f"{reverse('places:place-list')}?{query}")
        assert response.status_code == 200
        return [place.name for place in response.context["page_obj"].object_list]

    def test_each_filter_on_the_list(self):
        cases = {
            "vornutzung=schule": ["Alte Schule"],
            "vorhaben=coworking": ["Alte Schule"],
            "rechtsform=verein": ["Gutshof"],
            "eigentum=gekauft": ["Alte Schule"],
            "foerderung=leader-clld": ["Alte Schule"],
            "flaeche_min=500": ["Gutshof"],
            "flaeche_max=500": ["Alte Schule"],
            "arbeitsplaetze_min=10": ["Alte Schule"],
            "betten_min=1": ["Gutshof"],
            "betten_min=0": ["Alte Schule", "Gutshof"],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                assert self.list_names(query) == expected

    def test_bad_values_get_a_german_message_and_the_rest_applies(self):
        response = self.client.get(
            reverse("places:place-list"), {"flaeche_min": "viel", "rechtsform": "verein"}
        )
        assert response.status_code == 200
        self.assertContains(response, "Bitte eine ganze Zahl eingeben.")
        assert [p.name for p in response.context["page_obj"].object_list] == ["Gutshof"]
        for query in ["betten_min=-1", "flaeche_max=99999999999", "rechtsform=gmbh-und-so"]:
            with self.subTest(query):
                assert self.client.get(f"{reverse('places:place-list')}?{query}").status_code == 200

    def test_geojson_and_csv_follow_the_filters(self):
        geojson = self.client.get(reverse("places:place-geojson"), {"foerderung": "leader-clld"})
        (feature,) = geojson.json()["features"]
        assert feature["properties"]["name"] == "Alte Schule"
        assert feature["properties"]["gebaeudetyp"] == "Schule"
        assert feature["properties"]["rechtsform"] == "Genossenschaft"
        assert feature["properties"]["eigentum"] == "gekauft"
        assert feature["properties"]["foerderung"] == ["LEADER/CLLD"]
        response = self.client.get(reverse("places:place-csv"), {"rechtsform": "verein"})
        rows = list(
            csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert [row["name"] for row in rows] == ["Gutshof"]
        make_milestone(self.school, year=2019, month=4, text="Schule gekauft")
        make_milestone(self.school, year=2021, text="Eröffnung")
        response = self.client.get(reverse("places:place-csv"), {"vornutzung": "schule"})
        (row,) = csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
        assert row["gebaeudetyp"] == "Schule"
        assert row["rechtsform"] == "Genossenschaft"
        assert row["foerderung"] == "LEADER/CLLD"
        assert row["zeitleiste"] == "04/2019 Schule gekauft; 2021 Eröffnung"

    def test_invalid_filter_on_open_data_is_a_400(self):
        response = self.client.get(reverse("places:place-geojson"), {"betten_min": "x"})
        assert response.status_code == 400

    def test_filter_query_count_is_constant(self):
        from tests.places.test_queries import GEOJSON, LIST

        query = {
            "vornutzung": "schule",
            "rechtsform": "genossenschaft",
            "foerderung": "leader-clld",
        }
        with self.assertNumQueries(LIST):
            self.client.get(reverse("places:place-list"), query)
        with self.assertNumQueries(GEOJSON):
            self.client.get(reverse("places:place-geojson"), query)


class IdeasPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.leader = make_funding_programme(name="LEADER/CLLD", slug="leader-clld")
        housing = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.coop_school = make_place(
            name="Schulgenossenschaft",
            building_type="schule",
            organisation_form="genossenschaft",
            funding_programmes=[cls.leader],
            categories=[housing],
        )
        cls.club_school = make_place(
            name="Schulverein", building_type="schule", organisation_form="verein"
        )
        cls.unknown_school = make_place(name="Schule ohne Angabe", building_type="schule")
        cls.farm = make_place(name="Hof", building_type="hof")
        make_place(name="Entwurf", building_type="bahnhof", status=Place.Status.DRAFT)

    def test_start_offers_building_types_and_plans_with_counts(self):
        response = self.client.get(reverse("places:ideas"))
        assert response.status_code == 200
        assert response.context["building_types"] == [
            ("schule", "Schule", 3),
            ("hof", "Guts-, Bauern- oder Fachwerkhof", 1),
        ]
        assert [(slug, count) for slug, _, count in response.context["plans"]] == [("wohnen", 1)]
        self.assertContains(response, 'href="?vornutzung=schule"')
        self.assertNotContains(response, "Bahnhof</span>")

    def test_a_building_type_shows_who_did_it_grouped_by_organisation_form(self):
        response = self.client.get(reverse("places:ideas"), {"vornutzung": "schule"})
        assert response.context["total"] == 3
        assert [p.name for p in response.context["entries"]] == [
            "Schulgenossenschaft",
            "Schulverein",
            "Schule ohne Angabe",
        ]
        assert response.context["organisation_forms"][-1][1] == "ohne Angabe"
        self.assertContains(response, '<h3 id="group-1">Genossenschaft</h3>', html=False)
        self.assertContains(response, "Rechtsform ohne Angabe")
        self.assertContains(response, "LEADER/CLLD")
        self.assertContains(response, 'name="orte" value="schulverein"')
        self.assertContains(response, f'action="{reverse("places:compare")}"')

    def test_narrowing_keeps_the_starting_point(self):
        response = self.client.get(
            reverse("places:ideas"), {"vornutzung": "schule", "rechtsform": "genossenschaft"}
        )
        assert [p.name for p in response.context["entries"]] == ["Schulgenossenschaft"]

    def test_invalid_values_never_fail(self):
        for query in ["vornutzung=ufo", "vorhaben=x&vornutzung=schule", "flaeche_min=abc"]:
            with self.subTest(query):
                assert self.client.get(f"{reverse('places:ideas')}?{query}").status_code == 200

    def test_query_count_is_constant(self):
        def queries(query):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                self.client.get(reverse("places:ideas"), query)
            return len(captured)

        before = {"start": queries({}), "chosen": queries({"vornutzung": "schule"})}
        make_place(
            name="Noch eine Schule",
            building_type="schule",
            organisation_form="kirche",
            funding_programmes=[make_funding_programme()],
        )
        assert queries({}) == before["start"]
        assert queries({"vornutzung": "schule"}) == before["chosen"]


class ComparePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = make_place(name="Alpha", organisation_form="verein", beds=12)
        cls.b = make_place(name="Beta", organisation_form="genossenschaft")
        cls.c = make_place(name="Gamma", usable_area=35000)
        cls.draft = make_place(name="Delta", status=Place.Status.DRAFT)
        make_milestone(cls.a, year=2017, month=5, text="Eröffnung")

    def compare(self, value):
        response = self.client.get(reverse("places:compare"), {"orte": value})
        assert response.status_code == 200
        return response

    def test_one_two_and_three_entries_side_by_side(self):
        for slugs in (["alpha"], ["alpha", "beta"], ["alpha", "beta", "gamma"]):
            with self.subTest(slugs):
                response = self.compare(",".join(slugs))
                assert [p.slug for p in response.context["places"]] == slugs
                self.assertContains(response, '<th scope="col">', count=len(slugs))

    def test_a_real_table_with_headers_and_only_stated_facts(self):
        response = self.compare("alpha,gamma")
        self.assertContains(response, "<caption")
        self.assertContains(response, '<th scope="row">Rechtsform des Trägers</th>')
        self.assertContains(response, "<td>Verein</td>")
        self.assertContains(response, "<td>35.000 m²</td>")
        self.assertContains(response, "05/2017 Eröffnung")
        self.assertNotContains(response, '<th scope="row">Baujahr</th>')
        self.assertContains(response, reverse("inquiries:place-contact", kwargs={"slug": "alpha"}))

    def test_repeated_parameters_and_duplicates(self):
        response = self.client.get(reverse("places:compare") + "?orte=beta&orte=alpha,beta")
        assert [p.slug for p in response.context["places"]] == ["beta", "alpha"]

    def test_invalid_slugs_get_a_clear_message(self):
        response = self.compare("alpha,gibt-es-nicht,delta")
        assert [p.slug for p in response.context["places"]] == ["alpha"]
        self.assertContains(response, "Diese Einträge haben wir nicht gefunden:")
        self.assertContains(response, "„gibt-es-nicht“")
        self.assertContains(response, "„delta“")  # unpublished entries are not shown

    def test_more_than_three_is_refused_in_german(self):
        response = self.compare("alpha,beta,gamma,delta")
        assert response.context["places"] == []
        self.assertContains(response, "Bitte höchstens 3 Einträge vergleichen.")

    def test_hostile_values_never_fail(self):
        for value in ["", ",,,", "x" * 5000, "<script>", "a\x00b", "%", "alpha," * 2000]:
            with self.subTest(value[:20]):
                self.compare(value)

    def test_constant_queries(self):
        with self.assertNumQueries(7):
            self.compare("alpha")
        with self.assertNumQueries(7):
            self.compare("alpha,beta,gamma")


class FounderExchangeTests(TestCase):
    """'Ansprechbar für Gründende' offers the concern 'Erfahrungsaustausch' on that entry only."""

    @classmethod
    def setUpTestData(cls):
        cls.open = make_place(name="Offener Hof", open_to_founders=True)
        cls.closed = make_place(name="Stiller Hof")

    def contact_url(self, place=None):
        if place is None:
            return reverse("inquiries:contact")
        return reverse("inquiries:place-contact", kwargs={"slug": place.slug})

    def test_offered_only_where_the_operators_welcome_founders(self):
        self.assertContains(self.client.get(self.contact_url(self.open)), "Erfahrungsaustausch")
        self.assertNotContains(
            self.client.get(self.contact_url(self.closed)), "Erfahrungsaustausch"
        )
        self.assertNotContains(self.client.get(self.contact_url()), "Erfahrungsaustausch")

    def test_the_inquiry_is_stored_with_the_concern(self):
        from inquiries.models import Concern, Inquiry
        from tests.inquiries.inquiry_helpers import contact_data

        response = self.client.post(self.contact_url(self.open), contact_data(concern="exchange"))
        assert response.status_code == 302
        assert Inquiry.objects.get().concern == Concern.EXCHANGE

    def test_refused_in_german_elsewhere(self):
        from inquiries.models import Inquiry
        from tests.inquiries.inquiry_helpers import contact_data

        response = self.client.post(self.contact_url(self.closed), contact_data(concern="exchange"))
        assert response.status_code == 200
        self.assertContains(response, "Bitte wählen Sie eines der genannten Anliegen aus.")
        assert not Inquiry.objects.exists()

    def test_the_steckbrief_says_so(self):
        response = self.client.get(self.open.get_absolute_url())
        self.assertContains(response, "<dt>Ansprechbar für Gründende</dt><dd>ja</dd>", html=True)
