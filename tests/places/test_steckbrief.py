"""The Steckbrief's one declaration (places/steckbrief.py) drives the detail page and the CSV;
these tests read it too, so a new fact is checked without touching them."""

import csv
import io
from decimal import Decimal

from django.db import models
from django.test import TestCase
from django.urls import reverse

from inquiries.forms import SuggestPlaceForm
from places import steckbrief
from places.models import Place
from places.text import slugify_de
from tests.factories import make_feature, make_place

# Values whose display the tests pin; other declared facts get one from their field type.
SAMPLES = {
    "former_use": "Wassermühle",
    "building_year": 1890,
    "active_since": 1995,
    "plot_area": 12000,
    "usable_area": 1500,
    "workspaces": 12,
    "beds": 8,
    "station_name": "Salzwedel",
    "operator": "Mühlenverein e. V.",
    "contact_person": "Jana Beispiel",
    "opening_info": "Samstags 10–16 Uhr\nSonntags nach Absprache",
    "step_free": Place.StepFree.PARTLY,
    "accessibility_notes": "Erdgeschoss stufenlos.",
    "own_work_share": 40,
}


def sample(fact):
    """A value for a declared fact: from SAMPLES, else one made up from the field's type, so a
    newly declared fact is checked without editing this file."""
    if fact.field in SAMPLES:
        return SAMPLES[fact.field]
    field = fact.model_field
    if field.many_to_many:
        name = f"{field.verbose_name} Beispiel"
        return [field.related_model.objects.create(name=name, slug=slugify_de(name))]
    if isinstance(field, models.BooleanField):
        return not field.default
    if field.choices:
        return next(value for value, _label in field.choices if value != fact.unknown)
    if isinstance(field, models.DecimalField):
        return Decimal("12.5")
    if isinstance(field, models.IntegerField):
        return 1990
    return "Beispieltext"


def samples():
    return {fact.field: sample(fact) for fact in steckbrief.facts()}


class DeclarationTests(TestCase):
    def test_every_fact_names_a_field_and_has_a_label(self):
        for fact in steckbrief.facts():
            with self.subTest(fact=fact.field):
                assert fact.model_field.name == fact.field
                assert str(fact.title)

    def test_sections_show_only_what_an_entry_has(self):
        bare = make_place(description="")
        assert not any(section.rows(bare) for section in steckbrief.SECTIONS)
        for field, value in samples().items():
            with self.subTest(field=field):
                place = make_place(**{field: value})
                shown = [section.key for section in steckbrief.SECTIONS if section.rows(place)]
                owner = next(s.key for s in steckbrief.SECTIONS if field in _fields(s))
                assert shown == [owner]

    def test_step_free_unknown_shows_nothing(self):
        place = make_place(step_free=Place.StepFree.UNKNOWN)
        assert steckbrief.ACCESSIBILITY.rows(place) == []


class DetailPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place(
            **samples(), station_distance_km=Decimal("4.5"), features=[make_feature()]
        )

    def test_the_page_shows_every_declared_fact_with_its_label(self):
        response = self.client.get(self.place.get_absolute_url())
        for section in steckbrief.SECTIONS:
            self.assertContains(response, f'id="{section.key}-heading"')
            rows = section.rows(self.place)
            assert len(rows) == len(section.facts)
            for row in rows:
                with self.subTest(label=row["label"]):
                    self.assertContains(response, f"<dt>{row['label']}</dt>", html=True)

    def test_values_are_shown_as_before(self):
        response = self.client.get(self.place.get_absolute_url())
        for row in [
            "<dt>Grundstück</dt><dd>12.000 m²</dd>",
            "<dt>Baujahr</dt><dd>1890</dd>",
            "<dt>Aktiv seit</dt><dd>1995</dd>",
            "<dt>Nächster Bahnhof</dt><dd>Salzwedel (4,5 km entfernt)</dd>",
            "<dt>Stufenloser Zugang</dt><dd>teilweise</dd>",
            "<dt>Öffnungszeiten und Besuch</dt>"
            "<dd>Samstags 10–16 Uhr<br>Sonntags nach Absprache</dd>",
        ]:
            with self.subTest(row=row):
                self.assertContains(response, f"<div>{row}</div>", html=True)


class CsvTests(TestCase):
    def test_exported_facts_are_csv_columns_with_their_values(self):
        place = make_place(**samples())
        export = self.client.get(reverse("places:place-csv")).getvalue().decode("utf-8-sig")
        (row,) = csv.DictReader(io.StringIO(export))
        exported = steckbrief.exported_facts()
        assert exported, "at least the object facts are open data"
        for fact in exported:
            with self.subTest(column=fact.column):
                assert row[fact.column] == str(fact.export(place))
        assert "contact_person" not in {fact.field for fact in exported}
        assert SAMPLES["contact_person"] not in export


class SuggestFormLabelTests(TestCase):
    def test_the_suggest_form_repeats_no_model_label_or_help_text(self):
        meta = SuggestPlaceForm._meta
        for name, label in (meta.labels or {}).items():
            field = Place._meta.get_field(name)
            assert str(label) != str(field.verbose_name), name
        for name, text in (meta.help_texts or {}).items():
            assert str(text) != str(Place._meta.get_field(name).help_text), name


def _fields(section):
    return {fact.field for fact in section.facts}
