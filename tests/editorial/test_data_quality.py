"""Duplicate warning, stale entries (filter, action, reminder mail), the pin map, cache
freshness of vocabulary and flat pages."""

from datetime import date
from decimal import Decimal

import time_machine
from django.contrib.flatpages.models import FlatPage
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from editorial.reminders import stale_places
from inquiries.models import PlaceSubmission
from places import cache
from places.duplicates import similar_places
from places.models import Category, Place
from tests.editorial.helpers import MatrixData, make_editor, potsdam_mittelmark, stendal
from tests.editorial.test_permissions import _form_data
from tests.factories import make_place
from tests.inquiries.inquiry_helpers import suggest_data


class DuplicateTests(MatrixData, TestCase):
    def test_similar_name_in_the_same_locality_or_close_by(self):
        assert similar_places(name="COCONAT Klein Glien", locality="Bad Belzig") == [
            self.in_brandenburg
        ]
        assert similar_places(name="Coconat", locality="Hagelberg") == [self.in_brandenburg]
        close = similar_places(
            name="Ganz anderer Name",
            latitude=self.in_altmark.latitude + Decimal("0.001"),
            longitude=self.in_altmark.longitude,
        )
        assert close == [self.in_altmark]
        assert similar_places(name="Werkhof", locality="Bad Belzig") == []

    @override_settings(KREATIVORTE_EDITOR_EMAILS=["redaktion@example.org"])
    def test_coconat_suggested_again_is_flagged_not_hidden(self):
        settings_override = override_settings(KREATIVORTE_FORM_MIN_SECONDS=0)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        data = suggest_data(
            district=potsdam_mittelmark(),
            categories=list(Category.objects.all()[:1]) or [],
            name="Coconat",
            locality="Bad Belzig",
        )
        if not data["categories"]:
            from tests.factories import make_category

            data["categories"] = [make_category().slug]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("inquiries:suggest"), data)
        assert response.status_code == 302
        suggested = Place.objects.get(slug="coconat-2")
        assert suggested.status == Place.Status.SUBMITTED
        assert "mögliche Dublette" in mail.outbox[0].body
        assert "Coconat (Bad Belzig" in mail.outbox[0].body

        self.client.force_login(self.editor)
        queue = self.client.get(reverse("admin:inquiries_placesubmission_changelist"))
        self.assertContains(
            queue, reverse("admin:places_place_change", args=[self.in_brandenburg.pk])
        )
        form = self.client.get(reverse("admin:places_place_change", args=[suggested.pk]))
        self.assertContains(form, "Mögliche Dublette")
        assert PlaceSubmission.objects.filter(place=suggested).exists()

    def test_warning_after_adding_a_lookalike_in_the_admin(self):
        self.client.force_login(self.editor)
        add = reverse("admin:places_place_add")
        data = _form_data(self.client.get(add))
        data.update(
            name="Elbehof Wahrenberg an der Elbe",
            slug="elbehof-wahrenberg-elbe",
            teaser="Ein Fährgasthof.",
            locality="Kalbe (Milde)",
            district=stendal().pk,
            categories=[c.pk for c in self.in_altmark.categories.all()],
            kind="ort",
            stage="realisiert",
            step_free="unknown",
        )
        response = self.client.post(add, data, follow=True)
        assert Place.objects.filter(slug="elbehof-wahrenberg-elbe").exists(), response.context[
            "adminform"
        ].form.errors
        self.assertContains(response, "Mögliche Dublette")
        self.assertContains(
            response, reverse("admin:places_place_change", args=[self.in_altmark.pk])
        )


@time_machine.travel(date(2026, 12, 4), tick=False)
class StaleTests(MatrixData, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.in_altmark.last_checked = date(2025, 6, 1)
        cls.in_altmark.save()
        cls.in_brandenburg.last_checked = date(2026, 10, 1)
        cls.in_brandenburg.save()
        cls.never = make_place(name="Künstlerstadt Kalbe", district=stendal(), last_checked=None)

    def test_filter_and_list(self):
        self.client.force_login(self.editor)
        url = reverse("admin:places_place_changelist")
        response = self.client.get(url, {"geprueft": "faellig"})
        names = {p.name for p in response.context["cl"].result_list}
        assert names == {"Elbehof Wahrenberg", "Künstlerstadt Kalbe"}
        response = self.client.get(url, {"geprueft": "nie"})
        assert [p.name for p in response.context["cl"].result_list] == ["Künstlerstadt Kalbe"]
        self.assertContains(self.client.get(url), "Prüfliste")

    def test_mark_as_checked_action(self):
        self.client.force_login(self.altmark)
        url = reverse("admin:places_place_changelist")
        self.client.post(
            url, {"action": "mark_checked", "_selected_action": [self.never.pk, self.in_altmark.pk]}
        )
        assert Place.objects.get(pk=self.never.pk).last_checked == date(2026, 12, 4)
        assert list(stale_places(self.altmark)) == []

    def test_reminder_mail_per_regional_editor(self):
        make_editor("westbrandenburg", regions=["westbrandenburg"])
        call_command("remind_stale_entries", stdout=__import__("io").StringIO())
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["altmark@example.org"]
        assert "Elbehof Wahrenberg" in message.body and "Künstlerstadt Kalbe" in message.body
        assert "Coconat" not in message.body
        assert "nie geprüft" in message.body
        assert "?geprueft=faellig" in message.body

    def test_dry_run_sends_nothing(self):
        out = __import__("io").StringIO()
        call_command("remind_stale_entries", "--dry-run", stdout=out)
        assert mail.outbox == []
        assert "altmark <altmark@example.org>: 2 entries" in out.getvalue()


class PinMapAndFreshnessTests(MatrixData, TestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_entry_form_has_the_pin_map_without_outside_requests(self):
        response = self.client.get(reverse("admin:places_place_change", args=[self.in_altmark.pk]))
        self.assertContains(response, "data-pin-map")
        self.assertContains(response, "vendor/leaflet/leaflet.js")
        self.assertContains(response, "editorial/pin_map.js")
        self.assertNotContains(response, "unpkg.com")

    def test_vocabulary_and_flat_page_edits_bump_the_cache_generation(self):
        category = Category.objects.create(name="Wohnen/Bauen", slug="wohnen-bauen")
        before = cache.generation()
        url = reverse("admin:places_category_change", args=[category.pk])
        self.client.post(url, {"name": "Wohnen und Bauen", "slug": "wohnen-bauen", "order": 1})
        assert Category.objects.get(pk=category.pk).name == "Wohnen und Bauen"
        assert cache.generation() != before
        page = FlatPage.objects.create(url="/ueber/", title="Über uns", content="Alt")
        before = cache.generation()
        url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
        self.client.post(
            url, {"url": "/ueber/", "title": "Über uns", "content": "Neu", "sites": [1]}
        )
        assert FlatPage.objects.get(pk=page.pk).content == "Neu"
        assert cache.generation() != before

    def test_admin_save_bumps_the_cache_generation(self):
        before = cache.generation()
        url = reverse("admin:places_place_change", args=[self.in_altmark.pk])
        self.client.post(url, _form_data(self.client.get(url), teaser="Neu."))
        assert cache.generation() != before
