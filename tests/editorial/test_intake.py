"""The intake parts of the editorial office: "Fehler melden" and the stage of suggestions."""

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from inquiries.models import Concern, Inquiry
from places.models import Category, Place
from tests.editorial.helpers import MatrixData, stendal
from tests.factories import make_category
from tests.inquiries.inquiry_helpers import form_token, suggest_data

EDITORS = ["redaktion@example.org"]


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_FORM_MIN_SECONDS=0)
class CorrectionFormTests(MatrixData, TestCase):
    def url(self, place):
        return reverse("inquiries:place-correction", args=[place.slug])

    def test_detail_page_links_the_correction_form(self):
        self.in_altmark.last_checked = "2026-01-05"
        self.in_altmark.save()
        response = self.client.get(self.in_altmark.get_absolute_url())
        self.assertContains(response, self.url(self.in_altmark))

    def test_a_correction_without_contact_is_stored_linked_and_notified(self):
        data = {
            "message": "Das Café hat inzwischen nur noch am Wochenende geöffnet.",
            "name": "",
            "email": "",
            "consent": "on",
            "homepage": "",
            "form_token": form_token(),
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(self.in_altmark), data)
        assert response.status_code == 302
        inquiry = Inquiry.objects.get()
        assert inquiry.concern == Concern.CORRECTION
        assert inquiry.place == self.in_altmark
        assert inquiry.get_concern_display() == "Korrektur"
        assert len(mail.outbox) == 1 and "Korrektur" in mail.outbox[0].subject
        assert mail.outbox[0].reply_to == []

        self.client.force_login(self.altmark)
        listed = self.client.get(reverse("admin:inquiries_inquiry_changelist"))
        assert [i.pk for i in listed.context["cl"].result_list] == [inquiry.pk]

    def test_empty_correction_gets_a_german_message(self):
        data = {"message": "", "consent": "on", "homepage": "", "form_token": form_token()}
        response = self.client.post(self.url(self.in_altmark), data)
        assert response.status_code == 200
        self.assertContains(response, "Bitte beschreiben Sie, was nicht stimmt.")
        assert not Inquiry.objects.exists()

    def test_only_published_entries_take_corrections(self):
        self.in_altmark.status = Place.Status.DRAFT
        self.in_altmark.save()
        assert self.client.get(self.url(self.in_altmark)).status_code == 404

    def test_the_contact_forms_do_not_offer_korrektur(self):
        response = self.client.get(reverse("inquiries:contact"))
        self.assertNotContains(response, 'value="correction"')
        url = reverse("inquiries:place-contact", args=[self.in_altmark.slug])
        self.assertNotContains(self.client.get(url), 'value="correction"')


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_FORM_MIN_SECONDS=0)
class SuggestionStageTests(TestCase):
    def test_a_suggested_idea_keeps_its_stage(self):
        category = make_category()
        data = suggest_data(district=stendal(), categories=[category], stage="idee")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("inquiries:suggest"), data)
        assert response.status_code == 302
        place = Place.objects.get(status=Place.Status.SUBMITTED)
        assert place.stage == Place.Stage.IDEE
        assert "Stand: Idee" in mail.outbox[0].body

    def test_the_stage_must_be_chosen(self):
        category = Category.objects.create(name="Leben", slug="leben")
        data = suggest_data(district=stendal(), categories=[category], stage="")
        response = self.client.post(reverse("inquiries:suggest"), data)
        assert response.status_code == 200
        self.assertContains(response, "Bitte wählen Sie aus, wie weit das Vorhaben ist.")
        form = self.client.get(reverse("inquiries:suggest")).content.decode()
        assert 'value="realisiert" checked' not in form.replace("\n", " ")
