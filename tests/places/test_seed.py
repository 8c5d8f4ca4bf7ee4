import csv
import io
import json
from io import StringIO

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from places.models import Category, District, Feature, Need, Place

FIXTURES = settings.BASE_DIR / "fixtures"


def seed():
    call_command("seed", stdout=StringIO())


class SeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def test_vocabulary_is_complete(self):
        assert list(Category.objects.values_list("name", flat=True)) == [
            "Wohnen/Bauen",
            "Arbeiten/Wirtschaft",
            "Leben/Tourismus",
        ]
        assert District.objects.filter(state="ST").count() == 14
        assert District.objects.filter(state="BB").count() == 7
        assert District.objects.get(code="15081").slug == "altmarkkreis-salzwedel"
        assert District.objects.get(code="15083").slug == "landkreis-boerde"
        assert Feature.objects.count() >= 12
        assert Need.objects.count() == 5

    def test_every_seed_entry_is_valid_and_published(self):
        entries = json.loads((FIXTURES / "places.json").read_text(encoding="utf-8"))
        assert len(entries) >= 10
        assert Place.objects.published().count() == len(entries)
        for place in Place.objects.all():
            place.full_clean()
            assert place.categories.exists(), place
            assert 2 <= len(place.description_paragraphs) <= 4, place

    def test_seed_places_have_no_invented_contact_data(self):
        assert not Place.objects.exclude(phone="").exists()
        assert not Place.objects.exclude(contact_person="").exists()
        assert not Place.objects.exclude(email="").exists()

    def test_seed_entries_claim_no_check_nobody_made(self):
        assert not Place.objects.filter(last_checked__isnull=False).exists()
        place = Place.objects.get(slug="kuenstlerstadt-kalbe")
        response = self.client.get(place.get_absolute_url())
        self.assertNotContains(response, "zuletzt geprüft")
        export = self.client.get(reverse("places:place-csv")).content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(export)))
        assert len(rows) == Place.objects.count()
        assert {row["zuletzt_geprueft"] for row in rows} == {""}

    def test_all_kinds_and_facts_arrive(self):
        kalbe = Place.objects.get(slug="kuenstlerstadt-kalbe")
        assert kalbe.district.code == "15081"
        assert set(Place.objects.values_list("kind", flat=True)) == set(Place.Kind.values)
        assert Place.objects.filter(latitude__isnull=True).exists()  # unknown stays unknown

    def test_flat_pages_exist(self):
        urls = set(FlatPage.objects.values_list("url", flat=True))
        assert {"/ueber/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"} <= urls
        response = self.client.get("/impressum/")
        self.assertContains(response, "Hinweis für die Redaktion")

    def test_accessibility_statement_offers_a_working_feedback_contact(self):
        response = self.client.get("/barrierefreiheit/")
        self.assertContains(response, "<h2>Feedback und Kontakt</h2>", html=True)
        self.assertContains(response, f'<a href="{reverse("inquiries:contact")}">')
        self.assertContains(response, "[E-Mail-Adresse]")
        assert self.client.get(reverse("inquiries:contact")).status_code == 200

    def test_running_twice_creates_nothing_and_keeps_editor_changes(self):
        place = Place.objects.get(slug="coconat")
        place.teaser = "Von der Redaktion überarbeitet."
        place.save()
        category = Category.objects.get(slug="wohnen-bauen")
        category.description = "Redaktionell geändert."
        category.save()
        counts = [m.objects.count() for m in (Category, District, Feature, Need, Place, FlatPage)]

        seed()

        assert counts == [
            m.objects.count() for m in (Category, District, Feature, Need, Place, FlatPage)
        ]
        place.refresh_from_db()
        category.refresh_from_db()
        assert place.teaser == "Von der Redaktion überarbeitet."
        assert category.description == "Redaktionell geändert."

    def test_a_deleted_seed_entry_is_recreated_but_nothing_else_changes(self):
        Place.objects.filter(slug="haus5-coworking").delete()
        before = Place.objects.count()
        seed()
        assert Place.objects.count() == before + 1
