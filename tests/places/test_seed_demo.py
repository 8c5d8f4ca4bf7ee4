"""seed_demo: synthetic entries over the whole vocabulary, removable without touching real ones."""

from decimal import Decimal

from django.core.management import call_command
from django.test import TestCase
from PIL import Image

from places.cache import generation
from places.management.commands.seed_demo import DEMO_IMAGE, DEMO_PREFIX, DISTRICTS, Command
from places.models import Category, District, Feature, Kind, Need, Place, PlaceImage, Stage
from places.search import search_places


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed", verbosity=0)
        cls.real = set(Place.objects.values_list("slug", flat=True))
        call_command("seed_demo", count=120, verbosity=0)
        cls.demo = Place.objects.filter(slug__startswith=DEMO_PREFIX)

    def test_entries_cover_the_whole_vocabulary(self):
        assert self.demo.count() == 120
        covered = {
            "districts": set(self.demo.values_list("district", flat=True)),
            "categories": set(self.demo.values_list("categories", flat=True)),
            "features": set(self.demo.values_list("features", flat=True)) - {None},
            "needs": set(self.demo.values_list("needs", flat=True)) - {None},
        }
        assert covered["districts"] == set(District.objects.values_list("pk", flat=True))
        assert covered["categories"] == set(Category.objects.values_list("pk", flat=True))
        assert covered["features"] == set(Feature.objects.values_list("pk", flat=True))
        assert covered["needs"] == set(Need.objects.values_list("pk", flat=True))
        assert set(self.demo.values_list("kind", flat=True)) == set(Kind.values)
        assert set(self.demo.values_list("stage", flat=True)) == set(Stage.values)
        assert self.demo.published().count() > 100

    def test_coordinates_lie_in_the_entrys_district(self):
        for place in self.demo.select_related("district"):
            south, north, west, east = DISTRICTS[place.district.code][0]
            assert Decimal(str(south)) <= place.latitude <= Decimal(str(north)), place.slug
            assert Decimal(str(west)) <= place.longitude <= Decimal(str(east)), place.slug

    def test_texts_are_german_and_of_realistic_length(self):
        place = self.demo.first()
        place.full_clean()
        assert len(place.description) > 300
        assert len(place.description_paragraphs) == 3
        assert "lorem" not in place.description.lower()

    def test_some_entries_have_photo_records(self):
        photos = PlaceImage.objects.filter(place__in=self.demo)
        assert 5 < photos.count() < 60
        first = photos.first()
        assert first.image.name == DEMO_IMAGE and first.width == 800
        assert first.alt_text and first.credit
        # Each test has its own media directory: the shared file is made again on demand.
        name, width, height = Command().demo_image()
        with first.image.storage.open(name) as picture:
            assert Image.open(picture).size == (width, height)

    def test_the_search_document_is_built(self):
        published = Place.objects.published()
        found = search_places(published, "hof").filter(slug__startswith=DEMO_PREFIX)
        share = found.count() / self.demo.published().count()
        assert 0.2 < share < 0.5
        district = self.demo.first().district
        assert search_places(published, district.name).filter(pk=self.demo.first().pk).exists()

    def test_clear_removes_only_demo_entries_and_bumps_the_generation(self):
        before = generation()
        call_command("seed_demo", clear=True, verbosity=0)
        assert not Place.objects.filter(slug__startswith=DEMO_PREFIX).exists()
        assert set(Place.objects.values_list("slug", flat=True)) == self.real
        assert not PlaceImage.objects.filter(place__slug__startswith=DEMO_PREFIX).exists()
        assert generation() > before

    def test_adding_more_continues_the_numbering(self):
        call_command("seed_demo", count=5, verbosity=0)
        assert self.demo.count() == 125
