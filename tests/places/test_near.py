"""Near a town or the visitor's position: distance filter and sort, the gazetteer, privacy."""

import logging
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from places import gazetteer
from places.filters import PlaceFilter
from places.geo import Point, bounding_box, haversine_km
from places.models import Place
from places.privacy import RedactPosition, redact
from tests.places.test_queries import LIST as LIST_QUERIES

LIST_URL = reverse("places:place-list")
SUGGEST_URL = reverse("places:town-suggestions")

# Geodesic distances on the WGS 84 ellipsoid (Vincenty's formula, computed apart from the
# portal's code) from Stendal's gazetteer point (52.6069, 11.8587) to seed entries, in km.
FROM_STENDAL = {
    "kuenstlerstadt-kalbe": 29.25,
    "ida-integrationsdorf-arendsee": 39.85,
    "elbehof-wahrenberg": 43.50,
    "buergermeisterhof-salzwedel": 54.87,
    "haus5-coworking": 54.99,
    "kodorf-wiesenburg": 68.59,
    "coconat": 69.23,
    "alte-schule-jeber-bergfrieden": 77.22,
    "modellprojekt-eva": 91.13,
}
# With the list page's 14: the bounding box and distance live in the same queries.


class DistanceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed", stdout=StringIO())

    def near(self, **params):
        filterset = PlaceFilter(params, queryset=Place.objects.published())
        return {place.slug: place.distance_km for place in filterset.qs}

    def test_distances_from_a_town_match_geodesic_ones_within_a_kilometre(self):
        distances = self.near(nahe="Stendal")
        for slug, expected in FROM_STENDAL.items():
            assert abs(distances[slug] - expected) <= 1, (slug, distances[slug], expected)

    def test_a_radius_keeps_only_nearer_entries_closest_first(self):
        response = self.client.get(LIST_URL, {"nahe": "Stendal", "umkreis": "50"})
        slugs = [place.slug for place in response.context["page_obj"].object_list]
        assert slugs == [
            "kuenstlerstadt-kalbe",
            "ida-integrationsdorf-arendsee",
            "elbehof-wahrenberg",
        ]
        self.assertContains(response, "29 km entfernt")
        self.assertContains(response, "3 Einträge")
        # The order field says what the order is.
        self.assertContains(response, '<option value="entfernung" selected>Entfernung</option>')

    def test_without_a_radius_every_entry_is_sorted_by_distance(self):
        slugs = list(self.near(nahe="Stendal"))
        assert slugs[:3] == [
            "kuenstlerstadt-kalbe",
            "ida-integrationsdorf-arendsee",
            "elbehof-wahrenberg",
        ]
        assert len(slugs) == Place.objects.published().count()
        # Entries without coordinates come last, not first.
        distances = self.near(nahe="Stendal")
        unmapped = [slug for slug, km in distances.items() if km is None]
        assert unmapped and slugs[-len(unmapped) :] == unmapped

    def test_another_order_can_be_chosen(self):
        names = list(self.near(nahe="Stendal", umkreis="100", sortierung="name"))
        assert names == sorted(names, key=lambda slug: Place.objects.get(slug=slug).name)

    def test_the_position_is_rounded_and_used_like_a_town(self):
        distances = self.near(standort="52.606912345,11.858734567", umkreis="50")
        assert set(distances) == {
            "kuenstlerstadt-kalbe",
            "ida-integrationsdorf-arendsee",
            "elbehof-wahrenberg",
        }
        filterset = PlaceFilter(
            {"standort": "52.606912345,11.858734567"}, queryset=Place.objects.all()
        )
        assert filterset.is_valid()
        assert filterset.origin() == Point(52.61, 11.86)
        assert filterset.cleaned_query()["standort"] == "52.61,11.86"

    def test_a_typed_town_wins_over_a_stale_position(self):
        filterset = PlaceFilter(
            {"nahe": "Stendal", "standort": "52.13,12.52"}, queryset=Place.objects.all()
        )
        filterset.is_valid()
        assert filterset.origin().name == "Stendal"

    def test_the_facets_respect_the_radius(self):
        response = self.client.get(LIST_URL, {"nahe": "Stendal", "umkreis": "10"})
        self.assertContains(response, "Keine Einträge gefunden")
        self.assertContains(
            response, '<option value="wohnen-bauen" disabled>Wohnen/Bauen (0)</option>'
        )

    def test_query_count_is_constant_near_a_town(self):
        with self.assertNumQueries(LIST_QUERIES):
            response = self.client.get(LIST_URL, {"nahe": "Stendal", "umkreis": "100"})
        assert response.context["paginator"].count == len(FROM_STENDAL)

    def test_unknown_and_ambiguous_towns_get_a_german_message_and_the_rest_applies(self):
        response = self.client.get(LIST_URL, {"nahe": "Atlantis", "kategorie": "wohnen-bauen"})
        assert response.status_code == 200
        self.assertContains(response, "Den Ort „Atlantis“ kennen wir nicht.")
        assert response.context["paginator"].count == (
            Place.objects.published().filter(categories__slug="wohnen-bauen").count()
        )
        response = self.client.get(LIST_URL, {"nahe": "Seehausen"})
        self.assertContains(response, "„Seehausen“ gibt es mehrmals. Bitte wählen Sie einen:")
        self.assertContains(response, "Seehausen (Stendal)")

    def test_a_broken_position_is_refused_in_german(self):
        for value in ["abc", "91,12", "52.6;11.8", "52.6,11.8,3"]:
            response = self.client.get(LIST_URL, {"standort": value})
            assert response.status_code == 200
            self.assertContains(response, "Der Standort ist ungültig.")

    def test_a_radius_without_a_point_changes_nothing(self):
        response = self.client.get(LIST_URL, {"umkreis": "10"})
        assert response.context["paginator"].count == Place.objects.published().count()

    def test_chips_name_the_town_and_the_radius(self):
        response = self.client.get(LIST_URL, {"nahe": "stendal", "umkreis": "25"})
        self.assertContains(response, "In der Nähe von: Stendal")
        self.assertContains(response, "Umkreis: 25 km")


class BoundingBoxTests(TestCase):
    def test_the_box_holds_the_whole_circle(self):
        box = bounding_box(52.6, 11.86, 25)
        for latitude, longitude in [
            (float(box.north), 11.86),
            (float(box.south), 11.86),
            (52.6, float(box.east)),
            (52.6, float(box.west)),
        ]:
            assert haversine_km(52.6, 11.86, latitude, longitude) >= 25


class GazetteerTests(TestCase):
    def test_it_covers_both_states_with_their_districts(self):
        towns = gazetteer.towns()
        assert len(towns) > 900
        assert {town.state for town in towns} == {"ST", "BB"}
        assert len({town.district for town in towns}) == 32
        labels = [town.label for town in towns]
        assert len(labels) == len(set(labels)), "every label names one place"

    def test_resolving_forgives_case_umlauts_prefixes_and_suffixes(self):
        for text in ["Stendal", "stendal", "  Hansestadt  Stendal ", "STENDAL"]:
            assert gazetteer.resolve(text).town.name == "Stendal", text
        assert gazetteer.resolve("Kalbe (Milde)").town.name == "Kalbe"
        assert gazetteer.resolve("Kloetze").town.name == "Klötze"
        assert gazetteer.resolve("Wiesenburg/Mark").town.name == "Wiesenburg"

    def test_ambiguous_names_give_candidates_and_labels_resolve_them(self):
        lookup = gazetteer.resolve("Seehausen")
        assert lookup.town is None
        labels = [town.label for town in lookup.candidates]
        assert "Seehausen (Stendal)" in labels
        assert all(gazetteer.resolve(label).town.label == label for label in labels)

    def test_town_parts_know_their_municipality(self):
        part = gazetteer.resolve("Kunrau").town
        assert part.kind == "ortsteil"
        assert part.municipality == "Klötze"
        assert str(part.description) == "Ortsteil von Klötze, Altmarkkreis Salzwedel"

    def test_suggestions_start_with_the_typed_text_municipalities_first(self):
        response = self.client.get(SUGGEST_URL, {"q": "sten"})
        assert response.status_code == 200
        towns = response.json()["towns"]
        assert towns[0] == {"label": "Stendal", "description": "Stadt/Gemeinde, Stendal"}
        assert all("sten" in town["label"].casefold() for town in towns)
        assert len(towns) <= gazetteer.SUGGESTION_LIMIT
        assert "max-age" in response["Cache-Control"]

    def test_suggestions_need_two_letters_and_survive_odd_input(self):
        for text in ["", "s", "\x00", "%" * 500, "<script>"]:
            response = self.client.get(SUGGEST_URL, {"q": text})
            assert response.status_code == 200
            assert response.json() == {"towns": []}, text
        assert self.client.get(SUGGEST_URL).json() == {"towns": []}

    def test_the_source_is_credited_where_the_towns_are_used(self):
        response = self.client.get(LIST_URL)
        self.assertContains(response, '<a href="https://www.geonames.org/">GeoNames</a>')
        self.assertContains(response, "CC BY 4.0</a>")

    def test_no_query_touches_the_database(self):
        with self.assertNumQueries(0):
            self.client.get(SUGGEST_URL, {"q": "Bad"})


class PrivacyTests(TestCase):
    def test_positions_are_redacted_from_log_lines(self):
        assert redact('"GET /orte/?standort=52.61,11.86&umkreis=25 HTTP/1.1" 200') == (
            '"GET /orte/?standort=entfernt&umkreis=25 HTTP/1.1" 200'
        )
        assert redact("/karte/marker.json?kategorie=x&standort=52.61%2C11.86") == (
            "/karte/marker.json?kategorie=x&standort=entfernt"
        )
        assert redact("/orte/?nahe=Stendal") == "/orte/?nahe=Stendal"

    def test_the_filter_rewrites_records_with_arguments(self):
        record = logging.LogRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"%s" %s',
            ("GET /?standort=52.6,11.8", 200),
            None,
        )
        assert RedactPosition().filter(record)
        assert record.getMessage() == '"GET /?standort=entfernt" 200'

    def test_the_request_log_is_configured_with_the_filter(self):
        handlers = logging.getLogger("django.server").handlers
        assert any(
            isinstance(log_filter, RedactPosition)
            for handler in handlers
            for log_filter in handler.filters
        )
