"""The map's compact marker data, the popup endpoint and the size budget at 10,000 entries."""

import gzip
import json
import random
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from places.cache import bump_generation
from places.models import Place
from tests.factories import make_category, make_district, make_place
from tests.places.test_queries import MARKERS as MARKER_QUERIES

MARKERS_URL = reverse("places:place-markers")
# Five vocabularies for the filter, the categories, the markers.
# What the brief allows for 10,000 entries, compressed.
BUDGET_BYTES = 300 * 1024
NAME_WORDS = [
    "Alte",
    "Schule",
    "Gutshof",
    "Sägewerk",
    "Mühle",
    "Bahnhof",
    "Hof",
    "Scheune",
    "Kirche",
    "Dorf",
    "Werkstatt",
    "Atelier",
    "Kulturscheune",
    "Gästehaus",
    "Landhaus",
    "Künstlerhof",
    "Coworking",
    "Kreativ",
    "Altmark",
    "Elbe",
    "Heide",
    "Fläming",
    "Havel",
    "Mark",
    "Wiese",
    "Garten",
    "Vierseitenhof",
    "Pfarrhaus",
    "Kornspeicher",
    "Brauerei",
    "Ziegelei",
    "Remise",
]


class MarkerDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        cls.both = make_place(
            name="Hof",
            categories=[cls.work, cls.living],
            latitude=Decimal("52.6331239"),
            longitude=Decimal("11.4291119"),
        )
        cls.work_only = make_place(name="Werkstatt", categories=[cls.work])
        cls.unmapped = make_place(
            name="Ohne Lage", categories=[cls.living], latitude=None, longitude=None
        )
        cls.draft = make_place(name="Entwurf", categories=[cls.living], status=Place.Status.DRAFT)

    def test_markers_are_id_position_first_category_and_name_only(self):
        response = self.client.get(MARKERS_URL)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data["fields"] == ["id", "latitude", "longitude", "category", "name"]
        assert [c["slug"] for c in data["categories"]] == ["wohnen-bauen", "arbeiten-wirtschaft"]
        assert data["markers"] == [
            # The first category in the editors' order gives the colour: Wohnen/Bauen.
            [self.both.pk, 52.63312, 11.42911, 0, "Hof"],
            [self.work_only.pk, 52.633, 11.429, 1, "Werkstatt"],
        ]

    def test_the_list_filters_apply(self):
        data = self.client.get(MARKERS_URL, {"kategorie": "wohnen-bauen"}).json()
        assert [row[0] for row in data["markers"]] == [self.both.pk]
        data = self.client.get(MARKERS_URL, {"nahe": "Kalbe", "umkreis": "10"}).json()
        assert len(data["markers"]) == 2

    def test_invalid_filters_are_refused_in_german_and_not_cached(self):
        response = self.client.get(MARKERS_URL, {"kategorie": "quatsch"})
        assert response.status_code == 400
        assert response.json()["error"] == "Ungültige Filterangaben."
        assert self.client.get(MARKERS_URL, {"kategorie": "quatsch"}).status_code == 400

    def test_cached_per_generation(self):
        with self.assertNumQueries(MARKER_QUERIES):
            first = self.client.get(MARKERS_URL).content
        with self.assertNumQueries(1):  # the generation
            assert self.client.get(MARKERS_URL).content == first
        # The same parameters in another order are the same payload.
        self.client.get(MARKERS_URL, {"kategorie": "arbeiten-wirtschaft", "art": "ort"})
        with self.assertNumQueries(1):
            self.client.get(f"{MARKERS_URL}?art=ort&kategorie=arbeiten-wirtschaft")
        Place.objects.filter(pk=self.work_only.pk).update(status=Place.Status.DRAFT)
        bump_generation()
        with self.assertNumQueries(MARKER_QUERIES):
            data = self.client.get(MARKERS_URL).json()
        assert [row[0] for row in data["markers"]] == [self.both.pk]

    def test_compressed_for_clients_that_accept_it(self):
        # Enough markers that the payload passes gzip's 200-byte floor whatever the ids are.
        for number in range(8):
            make_place(name=f"Weiterer Hof {number}", categories=[self.work])
        response = self.client.get(MARKERS_URL, headers={"accept-encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(response.content))["version"] == 1
        assert "public" in response["Cache-Control"]

    def test_the_popup_names_kind_locality_categories_and_link(self):
        url = reverse("places:place-marker", args=[self.both.pk])
        with self.assertNumQueries(2):
            data = self.client.get(url).json()
        assert data == {
            "id": self.both.pk,
            "name": "Hof",
            "kind": "Ort",
            "locality": "Kalbe (Milde)",
            "categories": ["Wohnen/Bauen", "Arbeiten/Wirtschaft"],
            "url": self.both.get_absolute_url(),
        }

    def test_no_popup_for_drafts_or_unknown_ids(self):
        for pk in [self.draft.pk, 999999]:
            response = self.client.get(reverse("places:place-marker", args=[pk]))
            assert response.status_code == 404

    def test_the_open_data_geojson_stays_the_full_export(self):
        data = self.client.get(reverse("places:place-geojson")).json()
        assert data["type"] == "FeatureCollection"
        assert data["license"]["name"]
        assert {f["properties"]["name"] for f in data["features"]} == {"Hof", "Werkstatt"}


class TenThousandMarkersTests(TestCase):
    """The payload at 10,000 entries: within budget on the wire, in a constant number of
    queries. Coordinates with six decimals everywhere and names of three random words (about
    30 characters, like real ones but compressing worse): a pessimistic case for its size."""

    entries = 10_000

    @classmethod
    def setUpTestData(cls):
        categories = [make_category(order=number) for number in range(3)]
        district = make_district()
        generator = random.Random(12)
        now = timezone.now()
        Place.objects.bulk_create(
            Place(
                name=f"{' '.join(generator.choices(NAME_WORDS, k=3))} {number}",
                slug=f"ort-{number}",
                teaser="Ein Ort auf dem Land.",
                locality="Kalbe (Milde)",
                district=district,
                latitude=Decimal(f"{generator.uniform(51.0, 53.5):.6f}"),
                longitude=Decimal(f"{generator.uniform(10.6, 13.9):.6f}"),
                status=Place.Status.PUBLISHED,
                published_at=now,
            )
            for number in range(cls.entries)
        )
        through = Place.categories.through
        through.objects.bulk_create(
            through(place_id=pk, category_id=categories[pk % 3].pk)
            for pk in Place.objects.values_list("pk", flat=True)
        )

    def test_ten_thousand_markers_fit_the_budget(self):
        with self.assertNumQueries(MARKER_QUERIES):
            response = self.client.get(MARKERS_URL, headers={"accept-encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"
        compressed = len(response.content)
        data = json.loads(gzip.decompress(response.content))
        assert len(data["markers"]) == self.entries
        assert compressed <= BUDGET_BYTES, f"{compressed} bytes compressed"


class MapPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        make_place(name="Hof", categories=[cls.living])
        make_place(name="Ohne Lage", categories=[cls.living], latitude=None, longitude=None)

    def test_the_header_links_the_map_page_and_marks_it_current(self):
        response = self.client.get(reverse("places:place-map"))
        self.assertContains(
            response, f'<a href="{reverse("places:place-map")}" aria-current="page">Karte</a>'
        )
        response = self.client.get(reverse("places:home"))
        self.assertContains(response, f'<a href="{reverse("places:place-map")}">Karte</a>')

    def test_the_map_asks_first_and_the_list_is_the_alternative(self):
        response = self.client.get(reverse("places:place-map"), {"kategorie": "wohnen-bauen"})
        self.assertContains(response, "Karte anzeigen")
        self.assertContains(response, "Für die Karte wird JavaScript benötigt.")
        self.assertContains(response, f'data-markers-url="{MARKERS_URL}?kategorie=wohnen-bauen"')
        self.assertContains(
            response, f'href="{reverse("places:place-list")}?kategorie=wohnen-bauen">Diese Auswahl'
        )
        self.assertContains(response, "2 Einträge")
        self.assertContains(response, "davon 1 mit Lage auf der Karte")
        # Leaflet, the cluster code and the marker data load only after consent, from map.js.
        content = response.content.decode()
        assert "leaflet.markercluster.js" not in content.split("data-cluster-js=")[0]
        assert '<script src="/static/vendor' not in content
        # A map has no order: the map page's form leaves the order field out.
        assert 'name="sortierung"' not in content
