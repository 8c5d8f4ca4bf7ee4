"""Every public page type costs a constant number of queries, for 1 entry and for 50.

The numbers, for the README:
- home: 10 (category counts, totals, needs with counts, districts with counts, which entries
  are featured, which seek people, their rows, and for all their cards the categories, needs
  and images)
- list: 15 (5 vocabularies for the filter form, the cache generation, 4 facet counts, count,
  page of entries + categories, needs, images)
- list with a search: 14 on both engines (the total comes with the page's rows, one plan)
- map page: 12 (5 vocabularies, the cache generation, 4 facet counts, entries, entries with
  coordinates)
- map markers: 8 (5 vocabularies, the cache generation, categories, markers); 1 when cached
  for this generation
- detail: 11 (entry + its categories, needs, images, features, funding programmes,
  milestones; related entries + their categories, needs, images); 8 when no related entry
  exists, as Django skips prefetching for an empty result
- GeoJSON: 9 (5 vocabularies, entries with a "seeks people" flag, categories, funding
  programmes, milestones)
- CSV: 10 (5 vocabularies for the filters, 4 for the vocabularies' order, and one streamed
  query for every entry with its district, joined category, feature, group and funding names
  and its milestones)
"""

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from places.cache import generation
from tests.factories import (
    make_category,
    make_district,
    make_feature,
    make_image,
    make_need,
    make_place,
)

HOME = 10
LIST = 15
SEARCH = 14
DETAIL = 11
DETAIL_WITHOUT_RELATED = 8
GEOJSON = 9
CSV = 10
MAP = 12
MARKERS = 8


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
        params = {"q": "Kreativort", "merkmal": self.places[0].features.first().slug}
        with self.assertNumQueries(SEARCH):
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
                if response.streaming:
                    b"".join(response.streaming_content)
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

    def test_map_page(self):
        with self.assertNumQueries(MAP):
            response = self.client.get(reverse("places:place-map"))
        assert response.context["result_count"] == self.entries

    def test_markers(self):
        with self.assertNumQueries(MARKERS):
            response = self.client.get(reverse("places:place-markers"))
        assert len(response.json()["markers"]) == self.entries

    def test_csv(self):
        with self.assertNumQueries(CSV):
            response = self.client.get(reverse("places:place-csv"))
            rows = b"".join(response.streaming_content).decode().splitlines()
        assert len(rows) == self.entries + 1


class OneEntryQueryTests(QueryCountMixin, TestCase):
    entries = 1


class FiftyEntriesQueryTests(QueryCountMixin, TestCase):
    entries = 50


class FragmentCacheQueryTests(TestCase):
    """With the fragment cache on (production default): counts, facets, vocabularies, cards,
    the filter form and a search's ranked page are built once per generation; a warm request
    reads the generation and the rows of its page, nothing else."""

    @classmethod
    def setUpTestData(cls):
        QueryCountMixin.setUpTestData.__func__(cls)

    entries = 30

    def setUp(self):
        self.enterContext(self.settings(KREATIVORTE_FRAGMENT_CACHE_SECONDS=600))
        cache.clear()
        generation()  # the counter's row exists from the first editorial write on

    def test_home(self):
        with self.assertNumQueries(HOME + 1):  # + the generation
            self.client.get(reverse("places:home"))
        # Warm: the generation and the rows of the entries shown (which ones, and their cards
        # with categories, needs and photos, come from the cache).
        with self.assertNumQueries(2):
            response = self.client.get(reverse("places:home"))
        assert response.context["total_count"] == self.entries
        assert response.content.decode().count('class="card"') == 6 + 3

    def test_list(self):
        # Cold: the generation is read once for all fragments of the request.
        with self.assertNumQueries(LIST):
            self.client.get(reverse("places:place-list"), {"seite": 2})
        # Page 1 of the same selection: its form, counts and total are kept; its cards are
        # still to render (the generation, the rows, their categories, needs and photos).
        with self.assertNumQueries(5):
            self.client.get(reverse("places:place-list"))
        # Warm: the generation and the page's rows.
        with self.assertNumQueries(2):
            response = self.client.get(reverse("places:place-list"))
        assert response.context["paginator"].count == self.entries
        assert response.content.decode().count('class="card"') == 24

    def test_detail(self):
        url = self.places[0].get_absolute_url()
        with self.assertNumQueries(DETAIL + 1):  # + the generation
            self.client.get(url)
        # Warm: the generation and the entry's row (it decides between 200, 301, 404 and 410).
        with self.assertNumQueries(2):
            response = self.client.get(url)
        assert self.places[0].name in response.content.decode()
        assert 'class="card"' in response.content.decode()  # the related entries

    def test_a_kept_search_page_near_a_town_still_shows_distances(self):
        url = reverse("places:place-list")
        query = {"q": "Kreativort", "nahe": "Stendal"}
        first = self.client.get(url, query).content.decode()
        second = self.client.get(url, query)
        assert second.content.decode() == first
        assert "km entfernt" in first
        assert second.context["page_obj"].object_list[0].distance_km is not None

    def test_search(self):
        url = reverse("places:place-list")
        with self.assertNumQueries(SEARCH):
            self.client.get(url, {"q": "Kreativort"})
        # Warm: the generation and the page's rows by id (ranked once).
        with self.assertNumQueries(2):
            response = self.client.get(url, {"q": "Kreativort"})
        assert response.context["paginator"].count == self.entries
        names = [place.name for place in response.context["page_obj"].object_list]
        assert len(names) == 24
        for _ in range(2):  # built, then read back
            second = self.client.get(url, {"q": "Kreativort", "seite": 2}).context["page_obj"]
            rest = [place.name for place in second.object_list]
            assert len(rest) == self.entries - 24
            assert not set(rest) & set(names)
