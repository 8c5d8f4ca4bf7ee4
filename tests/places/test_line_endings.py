"""Descriptions keep their paragraphs whatever line endings arrive: browsers post text areas
with CRLF, older rows may hold them, and saving an untouched entry must not change it."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import TestCase

from places.models import Place
from tests.factories import make_place
from tests.places.admin_forms import change_form_data

THREE_PARAGRAPHS = "Erster Absatz.\n\nZweiter Absatz.\n\nDritter Absatz."


class AdminLineEndingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("redaktion", "r@example.org", "x")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_saving_an_untouched_entry_keeps_its_description_and_logs_no_change(self):
        place = make_place(
            description=THREE_PARAGRAPHS, opening_info="Mo–Fr 9–17 Uhr\nSa nach Absprache"
        )
        url, data = change_form_data(self.client, place)
        assert "\r\n" in data["description"]
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        place.refresh_from_db()
        assert place.description == THREE_PARAGRAPHS
        assert place.opening_info == "Mo–Fr 9–17 Uhr\nSa nach Absprache"
        entry = LogEntry.objects.get(object_id=str(place.pk))
        assert "Beschreibung" not in entry.get_change_message()
        response = self.client.get(place.get_absolute_url())
        for paragraph in ["Erster Absatz.", "Zweiter Absatz.", "Dritter Absatz."]:
            self.assertContains(response, f"<p>{paragraph}</p>", html=True)

    def test_an_edited_description_is_stored_with_plain_line_breaks(self):
        place = make_place(description="Alt.")
        url, data = change_form_data(
            self.client, place, description="Neu.\r\n\r\nMit zweitem Absatz.\rUnd Zeile."
        )
        self.client.post(url, data)
        place.refresh_from_db()
        assert place.description == "Neu.\n\nMit zweitem Absatz.\nUnd Zeile."


class ParagraphTests(TestCase):
    def test_paragraphs_are_found_whatever_the_line_endings(self):
        for ending in ["\n", "\r\n", "\r"]:
            with self.subTest(ending=repr(ending)):
                place = Place(description=THREE_PARAGRAPHS.replace("\n", ending))
                assert place.description_paragraphs == [
                    "Erster Absatz.",
                    "Zweiter Absatz.",
                    "Dritter Absatz.",
                ]

    def test_a_stored_crlf_description_renders_three_paragraphs(self):
        place = make_place(description=THREE_PARAGRAPHS.replace("\n", "\r\n"))
        response = self.client.get(place.get_absolute_url())
        self.assertContains(response, "<p>Zweiter Absatz.</p>", html=True)
