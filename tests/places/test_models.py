from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from places.models import Category, Need, Place, published_count
from tests.factories import (
    make_category,
    make_district,
    make_image,
    make_need,
    make_place,
)


class PlaceValidationTests(TestCase):
    """Model validation gives editors a German message for each field."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()

    def build(self, **fields):
        place = make_place(district=self.district)
        for name, value in fields.items():
            setattr(place, name, value)
        return place

    def assert_invalid(self, field, message_part, **fields):
        place = self.build(**fields)
        with pytest.raises(ValidationError) as error:
            place.full_clean()
        assert field in error.value.message_dict, error.value.message_dict
        assert message_part in " ".join(error.value.message_dict[field])

    def test_valid_place_passes(self):
        self.build(building_year=1940, active_since=2021, plot_area=35000).full_clean()

    @time_machine.travel("2026-06-01")
    def test_building_year_in_the_future_is_refused(self):
        self.assert_invalid("building_year", "Zukunft", building_year=2027)

    def test_year_before_1000_is_refused(self):
        self.assert_invalid("building_year", "1000", building_year=999)

    def test_negative_area_is_refused(self):
        self.assert_invalid("plot_area", "0", plot_area=-5)

    def test_latitude_outside_region_is_refused(self):
        # Swapped coordinates are the typical typo.
        self.assert_invalid(
            "latitude", "vertauscht", latitude=Decimal("11.429"), longitude=Decimal("52.633")
        )

    def test_latitude_without_longitude_is_refused(self):
        self.assert_invalid("longitude", "gemeinsam", longitude=None)

    def test_postal_code_needs_five_digits(self):
        self.assert_invalid("postal_code", "fünf Ziffern", postal_code="3962")

    def test_use_cannot_start_before_building_year(self):
        self.assert_invalid("active_since", "Baujahr", building_year=1950, active_since=1900)

    def test_social_links_must_be_urls(self):
        self.assert_invalid("social_links", "keine gültige", social_links="instagram kalbe")


class PlaceConstraintTests(TestCase):
    """The database itself refuses what validation would refuse, whatever writes to it."""

    @classmethod
    def setUpTestData(cls):
        cls.place = make_place()

    def assert_refused(self, **fields):
        with pytest.raises(IntegrityError), transaction.atomic():
            Place.objects.filter(pk=self.place.pk).update(**fields)

    def test_unknown_kind(self):
        self.assert_refused(kind="burg")

    def test_unknown_status(self):
        self.assert_refused(status="geheim")

    def test_unknown_stage(self):
        self.assert_refused(stage="fertig")

    def test_coordinates_outside_region(self):
        self.assert_refused(latitude=Decimal("48.1"))

    def test_only_one_coordinate(self):
        self.assert_refused(longitude=None)

    def test_year_out_of_range(self):
        self.assert_refused(building_year=900)

    def test_negative_area(self):
        self.assert_refused(usable_area=-1)

    def test_short_postal_code(self):
        self.assert_refused(postal_code="123")

    def test_published_without_date(self):
        self.assert_refused(published_at=None)

    def test_duplicate_slug(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_place(slug=self.place.slug, district=self.place.district)


class PlaceQuerySetTests(TestCase):
    def test_published_returns_only_published_entries(self):
        district = make_district()
        published = make_place(district=district)
        for status in [Place.Status.SUBMITTED, Place.Status.DRAFT, Place.Status.ARCHIVED]:
            make_place(status=status, district=district)
        self.assertQuerySetEqual(Place.objects.published(), [published])

    def test_description_paragraphs(self):
        place = make_place(description="Eins.\n\n\nZwei.\n\n ")
        assert place.description_paragraphs == ["Eins.", "Zwei."]


class PlaceQuerySetVocabularyTests(TestCase):
    """The query vocabulary the views share: seeking, related entries, published counts."""

    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen")
        cls.work = make_category(name="Arbeiten/Wirtschaft")
        cls.altmark = make_district(name="Altmarkkreis Salzwedel")
        cls.flatmates = make_need(name="Mitbewohner:innen", slug="mitbewohner")
        cls.helpers = make_need(name="Handwerker:innen", slug="handwerker")
        cls.place = make_place(name="Alte Schule", categories=[cls.living], district=cls.altmark)
        cls.neighbour = make_place(
            name="Nachbarhof", categories=[cls.work], district=cls.altmark, needs=[cls.helpers]
        )
        cls.sibling = make_place(
            name="Baugruppe Süd", categories=[cls.living, cls.work], needs=[cls.flatmates]
        )
        cls.both = make_place(
            name="Baugruppe Nord",
            categories=[cls.living],
            district=cls.altmark,
            needs=[cls.flatmates, cls.helpers],
        )
        cls.stranger = make_place(name="Ganz woanders", categories=[cls.work])
        cls.draft = make_place(
            name="Entwurf",
            categories=[cls.living],
            district=cls.altmark,
            needs=[cls.flatmates],
            status=Place.Status.DRAFT,
        )

    def test_seeking_any_or_one_group(self):
        published = Place.objects.published()
        self.assertQuerySetEqual(published.seeking(), [self.both, self.sibling, self.neighbour])
        self.assertQuerySetEqual(published.seeking("mitbewohner"), [self.both, self.sibling])
        self.assertQuerySetEqual(published.seeking("niemand"), [])

    def test_with_seeking_flags_each_entry_once(self):
        flags = dict(Place.objects.published().with_seeking().values_list("name", "seeking"))
        assert flags == {
            "Alte Schule": False,
            "Nachbarhof": True,
            "Baugruppe Süd": True,
            "Baugruppe Nord": True,
            "Ganz woanders": False,
        }

    def test_counts_entries_and_those_seeking_people_in_one_query(self):
        with self.assertNumQueries(1):
            counts = Place.objects.published().counts()
        assert counts == {"total": 5, "seeking": 3}

    def test_related_to_same_district_first_then_shared_category(self):
        related = list(Place.objects.published().related_to(self.place))
        assert related == [self.both, self.neighbour, self.sibling]

    def test_published_count_counts_only_published_entries(self):
        counts = dict(
            Need.objects.annotate(entry_count=published_count()).values_list("slug", "entry_count")
        )
        assert counts == {"mitbewohner": 2, "handwerker": 2}
        living = Category.objects.annotate(entry_count=published_count()).get(pk=self.living.pk)
        assert living.entry_count == 3


class LinksPropertyTests(TestCase):
    def test_links(self):
        assert not make_place(website="", social_links="").has_links
        assert make_place(website="https://example.org/").has_links
        assert make_place(social_links="https://social.example.org/x").has_links


class CreditLineTests(TestCase):
    def test_credit_line_says_foto_once(self):
        place = make_place()
        cases = {
            "Redaktion": "Foto: Redaktion",
            "Foto: A. Muster": "Foto: A. Muster",
            "FOTO Jana Beispiel": "FOTO Jana Beispiel",
            "foto: kreativorte": "foto: kreativorte",
        }
        for credit, expected in cases.items():
            with self.subTest(credit=credit):
                assert make_image(place, credit=credit).credit_line == expected
