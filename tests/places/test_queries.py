"""Every public page type costs a constant number of queries, for 1 entry and for 50.

The numbers, for the README:
- home: 12 (category counts, totals, featured entries + their categories, needs and images,
  entries seeking people + their categories, needs and images, needs with counts, districts
  with counts)
- list: 10 (5 vocabularies for the filter form, count, page of entries + categories, needs,
  images)
- list with a search on PostgreSQL: 11 (one more to match the words against feature names)
- detail: 11 (entry + its categories, needs, images, features, funding programmes,
  milestones; related entries + their categories, needs, images); 8 when no related entry
  exists, as Django skips prefetching for an empty result
- GeoJSON: 9 (5 vocabularies, entries with a "seeks people" flag, categories, funding
  programmes, milestones)
- CSV: 11 (5 vocabularies, entries with district, categories, features, needs, funding
  programmes, milestones)
"""

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from tests.factories import (
    make_category,
    make_district,
    make_feature,
    make_image,
    make_need,
    make_place,
)

HOME = 12
LIST = 10
DETAIL = 11
DETAIL_WITHOUT_RELATED = 8
GEOJSON = 9
CSV = 11


class QueryCountMixin:
    entries = 1

    @classmethod
    def setUpTestData(cls):
        categories = [make_category(order=number) for number in range(3)]
        features = [make_feature() for _ in range(4)]
        needs = [make_need() for _ in range(2)]
        districts = [make_district() for _ in range(3)]
        cls.places = []
        for number in range(cls.entries):
            place = make_place(
                categories=categories[number % 3 :][:2] or categories[:2],
                features=features[number % 2 :][:2],
                needs=needs[: number % 2 + 1],
                district=districts[number % 3],
                featured=number % 4 == 0,
            )
            make_image(place)
            make_image(place, order=1)
            cls.places.append(place)

    def test_home(self):
        with self.assertNumQueries(HOME):
            self.client.get(reverse("places:home"))

    def test_list(self):
        with self.assertNumQueries(LIST):
            response = self.client.get(reverse("places:place-list"))
        assert len(response.context["page_obj"].object_list) == min(self.entries, 24)

    def test_filtered_and_searched_list(self):
        search = 1 if connection.vendor == "postgresql" else 0
        params = {"q": "Kreativort", "merkmal": self.places[0].features.first().slug}
        with self.assertNumQueries(LIST + search):
            response = self.client.get(reverse("places:place-list"), params)
        assert response.context["paginator"].count >= 1

    def test_a_filter_value_repeated_costs_no_more(self):
        repeated = {"merkmal": [self.places[0].features.first().slug] * 999}
        for name, expected in [
            ("places:place-list", LIST),
            ("places:place-geojson", GEOJSON),
            ("places:place-csv", CSV),
        ]:
            with self.subTest(name=name), self.assertNumQueries(expected):
                response = self.client.get(reverse(name), repeated)
            assert response.status_code == 200

    def test_detail(self):
        expected = DETAIL if self.entries > 1 else DETAIL_WITHOUT_RELATED
        with self.assertNumQueries(expected):
            response = self.client.get(self.places[0].get_absolute_url())
        assert response.status_code == 200

    def test_geojson(self):
        with self.assertNumQueries(GEOJSON):
            response = self.client.get(reverse("places:place-geojson"))
        assert len(response.json()["features"]) == self.entries

    def test_csv(self):
        with self.assertNumQueries(CSV):
            self.client.get(reverse("places:place-csv"))


class OneEntryQueryTests(QueryCountMixin, TestCase):
    entries = 1


class FiftyEntriesQueryTests(QueryCountMixin, TestCase):
    entries = 50
