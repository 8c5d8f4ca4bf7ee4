"""Form validation, accessible markup, "Ort vorschlagen", and bad input that must never 500."""

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from inquiries.models import Inquiry, PlaceSubmission
from places.models import Place, PlaceImage
from tests.factories import make_category, make_district, make_place
from tests.inquiries.inquiry_helpers import contact_data, image_bytes, suggest_data, upload

EDITORS = ["redaktion@example.org"]


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class ContactValidationTests(TestCase):
    url = reverse("inquiries:contact")

    def assert_field_error(self, response, field, message):
        assert response.status_code == 200
        self.assertFormError(response.context["form"], field, message)
        self.assertContains(response, message)
        assert Inquiry.objects.count() == 0
        assert mail.outbox == []

    def test_empty_form_lists_every_missing_field_in_german(self):
        response = self.client.post(self.url, {"form_token": contact_data()["form_token"]})
        form = response.context["form"]
        assert set(form.errors) == {"name", "email", "concern", "message", "consent"}
        self.assertContains(response, "Bitte geben Sie Ihren Namen an.")
        self.assertContains(response, "Bitte geben Sie Ihre E-Mail-Adresse an.")
        self.assertContains(response, "Bitte wählen Sie Ihr Anliegen aus.")
        self.assertContains(response, "Bitte schreiben Sie uns Ihre Nachricht.")
        self.assertContains(response, "Bitte stimmen Sie zu")
        assert Inquiry.objects.count() == 0

    def test_invalid_email(self):
        response = self.client.post(self.url, contact_data(email="marta(at)example"))
        self.assert_field_error(
            response, "email", "Bitte geben Sie eine E-Mail-Adresse im Format name@beispiel.de an."
        )

    def test_unknown_concern(self):
        response = self.client.post(self.url, contact_data(concern="werbung"))
        self.assert_field_error(
            response, "concern", "Bitte wählen Sie eines der genannten Anliegen aus."
        )

    def test_phone_with_letters(self):
        response = self.client.post(self.url, contact_data(phone="ruf mich an"))
        assert "phone" in response.context["form"].errors
        assert Inquiry.objects.count() == 0

    def test_message_too_long(self):
        response = self.client.post(self.url, contact_data(message="a" * 5001))
        self.assert_field_error(
            response,
            "message",
            "Die Nachricht ist zu lang: erlaubt sind höchstens 5000 Zeichen, jetzt sind es 5001.",
        )

    def test_newline_in_name_is_refused(self):
        response = self.client.post(self.url, contact_data(name="Marta\r\nBcc: alle@example.org"))
        self.assert_field_error(
            response, "name", "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen."
        )

    def test_nul_bytes_are_a_field_error_not_a_crash(self):
        response = self.client.post(self.url, contact_data(name="Mar\x00ta", message="Hal\x00lo"))
        assert response.status_code == 200
        assert {"name", "message"} <= set(response.context["form"].errors)
        assert Inquiry.objects.count() == 0

    def test_input_is_kept_after_an_error(self):
        response = self.client.post(self.url, contact_data(email="kaputt"))
        self.assertContains(response, 'value="Marta Beispiel"')
        self.assertContains(response, "alte Schule in unserem Dorf")

    def test_error_summary_links_to_the_fields(self):
        response = self.client.post(self.url, contact_data(name="", concern=""))
        self.assertContains(response, 'class="error-summary"')
        self.assertContains(response, "<title>Fehler: Kontakt – Kreativorte im Grünen</title>")
        self.assertContains(response, 'href="#id_name"')
        self.assertContains(response, 'href="#id_concern_0"')

    def test_errors_and_hints_are_tied_to_their_inputs(self):
        response = self.client.post(self.url, contact_data(email="kaputt"))
        self.assertContains(response, 'id="id_email_helptext"')
        self.assertContains(response, 'id="id_email_error"')
        self.assertContains(response, 'aria-describedby="id_email_helptext id_email_error"')
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, 'autocomplete="email"')
        self.assertContains(response, 'for="id_email"')

    def test_wrong_content_type_is_no_crash(self):
        response = self.client.post(self.url, data="{}", content_type="application/json")
        assert response.status_code == 200
        assert Inquiry.objects.count() == 0

    def test_huge_body_is_refused_without_a_500(self):
        response = self.client.post(self.url, contact_data(message="x" * 3_000_000))
        assert response.status_code == 400
        assert Inquiry.objects.count() == 0

    def test_list_values_for_single_fields_are_no_crash(self):
        data = contact_data()
        data["name"] = ["Eins", "Zwei"]
        data["concern"] = ["found", "press"]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, data)
        assert response.status_code in (200, 302)


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class SuggestPlaceTests(TestCase):
    url = reverse("inquiries:suggest")

    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(name="Altmarkkreis Salzwedel")
        cls.categories = [make_category(name="Wohnen/Bauen"), make_category(name="Leben/Tourismus")]

    def data(self, **overrides):
        return suggest_data(district=self.district, categories=self.categories, **overrides)

    def post(self, data=None, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data or self.data(**overrides))

    def test_form_renders(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Ort vorschlagen")
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "Altmarkkreis Salzwedel")
        self.assertContains(response, 'accept="image/jpeg,image/png,image/webp"')
        self.assertContains(response, "Ihre Kontaktdaten werden nicht veröffentlicht.")

    def test_suggestion_becomes_a_submitted_entry_with_private_submitter(self):
        response = self.post()
        self.assertRedirects(response, reverse("inquiries:suggest-thanks"))
        place = Place.objects.get()
        assert place.status == Place.Status.SUBMITTED
        assert place.slug == "alte-muehle-gruenhausen"
        assert place.teaser == (
            "Eine Wassermühle von 1870, die eine Gruppe junger Familien seit 2023 zu Werkstätten "
            "und Wohnungen umbaut."
        )
        assert set(place.categories.all()) == set(self.categories)
        assert place.district == self.district
        assert place.website == "https://muehle.example.org"
        # The submitter is stored apart from the public fields.
        submission = place.submission
        assert submission.name == "Jonas Beispiel"
        assert submission.email == "jonas@example.org"
        assert submission.note == "Ich gehöre zur Gruppe."
        assert submission.consent_at is not None
        assert "jonas@example.org" not in {place.email, place.contact_person, place.operator}
        # Never public.
        assert not Place.objects.published().exists()
        assert self.client.get(place.get_absolute_url()).status_code == 404
        # Editors are notified.
        assert submission.notification_status == PlaceSubmission.NotificationStatus.SENT
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == EDITORS
        assert message.reply_to == ["jonas@example.org"]
        assert "Alte Mühle Grünhausen" in message.subject
        assert f"/admin/places/place/{place.pk}/change/" in message.body

    def test_slug_collisions_get_a_suffix(self):
        make_place(name="Alte Mühle Grünhausen", slug="alte-muehle-gruenhausen")
        self.post()
        self.post(data=self.data())
        slugs = set(
            Place.objects.filter(status=Place.Status.SUBMITTED).values_list("slug", flat=True)
        )
        assert slugs == {"alte-muehle-gruenhausen-2", "alte-muehle-gruenhausen-3"}

    def test_double_submit_creates_one_entry(self):
        data = self.data()
        self.post(data=data)
        self.post(data=data)
        assert Place.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_a_description_posted_with_crlf_keeps_its_paragraphs(self):
        description = "Ein Hof.\r\n\r\nMit zweitem Absatz, der weit genug führt.\r\nUnd Zeile."
        self.post(description=description, note="Gruß\r\nOlga")
        place = Place.objects.get()
        assert place.description == description.replace("\r\n", "\n")
        assert place.description_paragraphs == [
            "Ein Hof.",
            "Mit zweitem Absatz, der weit genug führt.\nUnd Zeile.",
        ]
        assert place.submission.note == "Gruß\nOlga"

    def test_an_edited_suggestion_under_the_same_form_token_is_saved_too(self):
        data = self.data()
        edited = {**data, "name": "Neue Mühle Grünhausen"}
        self.post(data=data)
        self.post(data=edited)
        self.post(data=edited)
        names = set(Place.objects.values_list("name", flat=True))
        assert names == {"Alte Mühle Grünhausen", "Neue Mühle Grünhausen"}
        assert len(mail.outbox) == 2

    def test_form_page_is_not_kept_by_the_browser(self):
        for response in (self.client.get(self.url), self.client.post(self.url, {})):
            assert "no-store" in response["Cache-Control"]

    def test_photos_are_stored_with_alt_text_and_credit(self):
        data = self.data(
            photo_1=upload(image_bytes("JPEG")),
            photo_1_alt="Die Mühle von der Straße aus",
            photo_2=upload(image_bytes("PNG"), name="hof.png", content_type="image/png"),
            photo_2_alt="Der Hof im Sommer",
            photo_credit="Foto: Jonas Beispiel",
            rights_confirmed="on",
        )
        self.assertRedirects(self.post(data=data), reverse("inquiries:suggest-thanks"))
        images = list(PlaceImage.objects.order_by("order"))
        assert [image.alt_text for image in images] == [
            "Die Mühle von der Straße aus",
            "Der Hof im Sommer",
        ]
        assert {image.credit for image in images} == {"Foto: Jonas Beispiel"}
        assert images[0].image.name.endswith(".jpg")
        assert images[1].image.name.endswith(".png")
        assert (images[0].width, images[0].height) == (320, 200)
        assert Place.objects.get().submission.rights_confirmed is True

    def test_photo_needs_alt_text_credit_and_rights(self):
        response = self.post(data=self.data(photo_1=upload(image_bytes())))
        form = response.context["form"]
        assert set(form.errors) == {"photo_1_alt", "photo_credit", "rights_confirmed"}
        self.assertContains(response, "Bitte beschreiben Sie kurz, was auf Foto 1 zu sehen ist.")
        self.assertContains(response, "Bitte bestätigen Sie, dass Sie die Fotos veröffentlichen")
        self.assertContains(response, "Bitte wählen Sie Ihre Fotos noch einmal aus.")
        assert Place.objects.count() == 0

    def test_required_fields_in_german(self):
        response = self.post(data={"form_token": self.data()["form_token"]})
        errors = response.context["form"].errors
        assert set(errors) == {
            "name",
            "kind",
            "categories",
            "locality",
            "district",
            "description",
            "submitter_name",
            "submitter_email",
            "consent",
        }
        self.assertContains(response, "Bitte wählen Sie mindestens ein Thema aus.")
        self.assertContains(response, "Bitte beschreiben Sie den Ort in ein paar Sätzen.")
        self.assertContains(response, 'href="#id_categories_0"')
        assert Place.objects.count() == 0

    def test_unknown_district_and_category(self):
        data = self.data()
        data.update(district="999999", categories=["999999"])
        response = self.post(data=data)
        errors = response.context["form"].errors
        assert "district" in errors and "categories" in errors
        self.assertContains(response, "Bitte wählen Sie einen Landkreis aus der Liste aus.")
        assert Place.objects.count() == 0

    def test_out_of_range_ids_are_an_invalid_choice_not_a_crash(self):
        # SQLite cannot hold integers beyond 64 bits: looking one up must not raise OverflowError.
        huge = "99999999999999999999999"
        for field, message in [
            ("categories", "Bitte wählen Sie Themen aus der Liste aus."),
            ("district", "Bitte wählen Sie einen Landkreis aus der Liste aus."),
        ]:
            for value in [huge, f"-{huge}", "1e400", "abc"]:
                with self.subTest(field=field, value=value):
                    data = self.data()
                    data[field] = value
                    response = self.post(data=data)
                    assert response.status_code == 200
                    self.assertFormError(response.context["form"], field, message)
        assert Place.objects.count() == 0

    def test_website_must_be_a_web_address(self):
        response = self.post(website="nicht eine adresse")
        self.assertContains(response, "Bitte geben Sie eine vollständige Adresse an")
        assert Place.objects.count() == 0

    def test_submitted_entries_are_not_listed(self):
        self.post()
        response = self.client.get(reverse("places:home"))
        self.assertNotContains(response, "Alte Mühle Grünhausen")


class RetentionTextTests(TestCase):
    """The consent hints name the retention period that purge_inquiries really applies."""

    def test_hints_follow_the_retention_setting(self):
        for months, text in [(6, "spätestens nach 6 Monaten"), (1, "spätestens nach 1 Monat")]:
            with self.subTest(months=months), self.settings(KREATIVORTE_RETENTION_MONTHS=months):
                for url in (reverse("inquiries:contact"), reverse("inquiries:suggest")):
                    response = self.client.get(url)
                    self.assertContains(response, text)
                    self.assertNotContains(response, "1 Monaten")
                    self.assertNotContains(response, "12 Monaten")


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class SubmissionAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth import get_user_model

        cls.admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw")
        cls.district = make_district()
        cls.category = make_category()

    def setUp(self):
        self.client.force_login(self.admin)

    def suggest(self):
        data = suggest_data(district=self.district, categories=[self.category])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inquiries:suggest"), data)
        return Place.objects.get(status=Place.Status.SUBMITTED)

    def test_submitter_is_shown_privately_on_the_entry(self):
        place = self.suggest()
        response = self.client.get(reverse("admin:places_place_change", args=[place.pk]))
        self.assertContains(response, "Eingereicht von (intern, nicht öffentlich)")
        self.assertContains(response, "mailto:jonas@example.org")
        other = make_place()
        response = self.client.get(reverse("admin:places_place_change", args=[other.pk]))
        self.assertNotContains(response, "Eingereicht von")

    def test_submission_changelist_and_resend(self):
        from inquiries.models import NotificationStatus

        place = self.suggest()
        PlaceSubmission.objects.update(
            notification_status=NotificationStatus.FAILED, notified_at=None
        )
        mail.outbox.clear()
        response = self.client.get(reverse("admin:inquiries_placesubmission_changelist"))
        self.assertContains(response, place.name)
        self.assertContains(response, "Eingereicht")
        response = self.client.post(
            reverse("admin:inquiries_placesubmission_changelist"),
            {"action": "resend_notifications", "_selected_action": [place.submission.pk]},
            follow=True,
        )
        self.assertContains(response, "1 Benachrichtigung versendet.")
        assert len(mail.outbox) == 1
        place.submission.refresh_from_db()
        assert place.submission.notification_status == NotificationStatus.SENT
