import csv
import io
import json
from datetime import date
from decimal import Decimal

from django.test import TestCase, override_settings
from django.urls import reverse

from places.models import Place
from tests.factories import make_category, make_feature, make_need, make_place

GEOJSON_URL = reverse("places:place-geojson")
CSV_URL = reverse("places:place-csv")


class OpenDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        cls.mapped = make_place(
            name="Gutshof Nord",
            categories=[cls.living, cls.work],
            features=[make_feature(name="Coworking", slug="coworking")],
            needs=[make_need(name="Mitbewohner:innen", slug="mitbewohner")],
            latitude=Decimal("52.633100"),
            longitude=Decimal("11.429200"),
            email="geheim@example.org",
            phone="0123 456",
            contact_person="Erika Muster",
            street="Dorfstraße 1",
            postal_code="39624",
            last_checked=date(2026, 5, 4),
        )
        cls.unmapped = make_place(
            name="Ohne Koordinaten", categories=[cls.work], latitude=None, longitude=None
        )
        cls.formula = make_place(
            name='=HYPERLINK("http://evil.example")', slug="formel", categories=[cls.work]
        )
        make_place(name="Entwurf", categories=[cls.living], status=Place.Status.DRAFT)

    def geojson(self, **params):
        response = self.client.get(GEOJSON_URL, params)
        assert response.status_code == 200
        return response, json.loads(response.content)

    def csv_rows(self, **params):
        response = self.client.get(CSV_URL, params)
        assert response.status_code == 200
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        return response, list(csv.reader(io.StringIO(text[1:])))

    def test_geojson_is_an_rfc7946_feature_collection(self):
        response, data = self.geojson()
        assert response["Content-Type"] == "application/geo+json"
        assert data["type"] == "FeatureCollection"
        assert data["license"] == {
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/deed.de",
            "attribution": "Kreativorte im Grünen",
        }
        by_name = {feature["properties"]["name"]: feature for feature in data["features"]}
        assert set(by_name) == {"Gutshof Nord", '=HYPERLINK("http://evil.example")'}
        feature = by_name["Gutshof Nord"]
        assert feature["type"] == "Feature"
        assert feature["geometry"] == {"type": "Point", "coordinates": [11.4292, 52.6331]}
        assert feature["properties"]["url"] == "http://testserver/orte/gutshof-nord/"
        assert feature["properties"]["category"] == "wohnen-bauen"
        assert feature["properties"]["seeking"] is True

    def test_geojson_has_only_public_fields(self):
        _, data = self.geojson()
        text = json.dumps(data)
        for secret in ["geheim@example.org", "0123 456", "Erika Muster", "Entwurf"]:
            assert secret not in text

    def test_same_filters_as_the_list(self):
        _, data = self.geojson(kategorie="wohnen-bauen")
        assert [feature["properties"]["name"] for feature in data["features"]] == ["Gutshof Nord"]
        _, rows = self.csv_rows(kategorie="arbeiten-wirtschaft", sortierung="name")
        assert [row[0] for row in rows[1:]] == [
            '\'=HYPERLINK("http://evil.example")',
            "Gutshof Nord",
            "Ohne Koordinaten",
        ]
        _, rows = self.csv_rows(q="gutshof")
        assert [row[0] for row in rows[1:]] == ["Gutshof Nord"]

    def test_caching_headers(self):
        for url in [GEOJSON_URL, CSV_URL]:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response["Cache-Control"] == "public, max-age=300"

    def test_csv_columns_rows_and_licence(self):
        response, rows = self.csv_rows()
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="kreativorte.csv"'
        assert response["Link"] == (
            '<https://creativecommons.org/licenses/by/4.0/deed.de>; rel="license"'
        )
        header, *body = rows
        assert header[:3] == ["name", "url", "art"]
        assert header[-1] == "lizenz"
        assert len(body) == 3
        row = dict(zip(header, next(row for row in body if row[0] == "Gutshof Nord"), strict=True))
        assert row["url"] == "http://testserver/orte/gutshof-nord/"
        assert row["kategorien"] == "Wohnen/Bauen; Arbeiten/Wirtschaft"
        assert row["merkmale"] == "Coworking"
        assert row["gesucht_werden"] == "Mitbewohner:innen"
        assert row["strasse"] == "Dorfstraße 1"
        assert row["breitengrad"] == "52.633100"
        assert row["zuletzt_geprueft"] == "2026-05-04"
        assert row["lizenz"] == "CC BY 4.0"
        text = "".join(",".join(row) for row in rows)
        assert "geheim@example.org" not in text
        assert "Erika Muster" not in text

    def test_csv_neutralises_spreadsheet_formulas(self):
        _, rows = self.csv_rows()
        names = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil.example")' in names

    @override_settings(
        KREATIVORTE_DATA_LICENSE="dl-de/by-2-0",
        KREATIVORTE_DATA_LICENSE_URL="https://www.govdata.de/dl-de/by-2-0",
    )
    def test_licence_comes_from_settings(self):
        _, data = self.geojson()
        assert data["license"]["name"] == "dl-de/by-2-0"
        response, rows = self.csv_rows()
        assert rows[1][-1] == "dl-de/by-2-0"
        assert "govdata.de" in response["Link"]

    def test_invalid_filters_are_a_400_with_json(self):
        for url in [GEOJSON_URL, CSV_URL]:
            with self.subTest(url=url):
                response = self.client.get(url, {"kategorie": "<script>"})
                assert response.status_code == 400
                body = json.loads(response.content)
                assert body["error"] == "Ungültige Filterangaben."
                assert "kategorie" in body["fields"]
                assert "<script>" not in response.content.decode()

    def test_head_is_allowed_and_post_is_not(self):
        assert self.client.head(GEOJSON_URL).status_code == 200
        assert self.client.post(CSV_URL).status_code == 405
