"""Contact inquiries: saved first, editors notified after commit, outcome recorded, resend."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from inquiries import intake, notifications
from inquiries.models import Inquiry, NotificationStatus
from places.models import Place
from tests.factories import make_place
from tests.inquiries.inquiry_helpers import BROKEN_MAILERS, contact_data

EDITORS = ["redaktion@example.org", "zweite@example.org"]


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_SEND_CONFIRMATION=False)
class ContactFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.url = reverse("inquiries:contact")
        cls.place = make_place(name="Alte Dorfschule Testhausen", email="schule@example.org")

    def post(self, url=None, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url or self.url, contact_data(**overrides))

    def test_form_renders_all_fields_with_german_labels(self):
        response = self.client.get(self.url)
        self.assertTemplateUsed(response, "inquiries/contact_form.html")
        for label in [
            "Ihr Name",
            "Ihre E-Mail-Adresse",
            "Telefon",
            "Organisation",
            "Ihr Anliegen",
            "Ich möchte einen Kreativort gründen",
            "Ich suche einen Ort zum Arbeiten oder Wohnen",
            "Ich möchte bei einem Projekt mitmachen",
            "Presse",
            "Sonstiges",
            "Ihre Nachricht",
        ]:
            self.assertContains(response, label)
        self.assertContains(response, 'href="/datenschutz/"')
        self.assertContains(response, "(Pflichtfeld)")

    def test_valid_submission_saves_one_row_and_mails_the_editors(self):
        response = self.post()
        self.assertRedirects(response, reverse("inquiries:contact-thanks"))
        inquiry = Inquiry.objects.get()
        assert inquiry.name == "Marta Beispiel"
        assert inquiry.concern == Inquiry.Concern.FOUND
        assert inquiry.status == Inquiry.Status.NEW
        assert inquiry.consent_at is not None
        assert inquiry.place is None
        assert inquiry.notification_status == NotificationStatus.SENT
        assert inquiry.notification_attempts == 1
        assert inquiry.notified_at is not None
        assert inquiry.notification_error == ""
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == EDITORS
        assert message.reply_to == ["marta@example.org"]
        assert "Ich möchte einen Kreativort gründen" in message.subject
        assert "Marta Beispiel" in message.subject
        assert "alte Schule in unserem Dorf" in message.body
        assert f"/admin/inquiries/inquiry/{inquiry.pk}/change/" in message.body

    def test_thank_you_page(self):
        response = self.client.get(reverse("inquiries:contact-thanks"))
        self.assertContains(response, "Vielen Dank für Ihre Nachricht")
        self.assertContains(response, '<meta name="robots" content="noindex">', html=False)

    def test_double_submit_creates_no_duplicate(self):
        data = contact_data()
        with self.captureOnCommitCallbacks(execute=True):
            first = self.client.post(self.url, data)
            second = self.client.post(self.url, data)
        assert first.status_code == second.status_code == 302
        assert Inquiry.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_an_edited_message_under_the_same_form_token_is_saved_too(self):
        # Back after the thank-you page can restore the form with its token; the visitor edits
        # the message and sends it again. That is a new message, not a double submit.
        data = contact_data()
        edited = {**data, "message": "Nachtrag: Wir haben auch eine Scheune."}
        with self.captureOnCommitCallbacks(execute=True):
            first = self.client.post(self.url, data)
            second = self.client.post(self.url, edited)
            again = self.client.post(self.url, edited)
        assert first.status_code == second.status_code == again.status_code == 302
        assert sorted(Inquiry.objects.values_list("message", flat=True)) == sorted(
            [data["message"], edited["message"]]
        )
        assert len(mail.outbox) == 2

    def test_form_pages_are_not_kept_by_the_browser(self):
        # A form restored from the back-forward cache would carry an already used token.
        for url in (self.url, reverse("inquiries:place-contact", args=[self.place.slug])):
            for response in (self.client.get(url), self.client.post(url, {})):
                with self.subTest(url=url, method=response.request["REQUEST_METHOD"]):
                    assert "no-store" in response["Cache-Control"]

    def test_submit_inquiry_returns_the_first_row_on_a_racing_duplicate(self):
        token = Inquiry.objects.model._meta.get_field("token").to_python(
            "12345678123456781234567812345678"
        )
        data = {"concern": "other", "name": "A", "email": "a@example.org", "message": "Hallo"}
        first = intake.submit_inquiry(token=token, place=None, data=data)
        second = intake.submit_inquiry(token=token, place=None, data=data)
        assert first.pk == second.pk
        assert Inquiry.objects.count() == 1

    def test_place_form_names_the_entry(self):
        response = self.client.get(reverse("inquiries:place-contact", args=[self.place.slug]))
        self.assertContains(response, "Nachricht zu „Alte Dorfschule Testhausen“")
        self.assertContains(response, self.place.get_absolute_url())

    def test_place_inquiry_is_linked_and_not_forwarded_without_opt_in(self):
        url = reverse("inquiries:place-contact", args=[self.place.slug])
        self.assertRedirects(self.post(url), reverse("inquiries:contact-thanks"))
        inquiry = Inquiry.objects.get()
        assert inquiry.place == self.place
        assert inquiry.forwarded_at is None
        assert [message.to for message in mail.outbox] == [EDITORS]
        assert "Alte Dorfschule Testhausen" in mail.outbox[0].subject

    def test_opt_in_forwards_a_copy_with_reply_to_the_sender(self):
        place = make_place(name="Gutshof Weitergabe", email="hof@example.org")
        place.forward_inquiries = True
        place.save()
        url = reverse("inquiries:place-contact", args=[place.slug])
        response = self.client.get(url)
        self.assertContains(response, "an die Betreiber von „Gutshof Weitergabe“ weitergeleitet")
        self.post(url)
        inquiry = Inquiry.objects.get()
        assert inquiry.forwarded_at is not None
        assert inquiry.notification_status == NotificationStatus.SENT
        forward = next(message for message in mail.outbox if message.to == ["hof@example.org"])
        assert forward.reply_to == ["marta@example.org"]
        assert "Gutshof Weitergabe" in forward.subject
        assert "alte Schule in unserem Dorf" in forward.body

    def test_no_forwarding_without_consent_even_if_switched_on_later(self):
        place = make_place(name="Gutshof Später", email="spaeter@example.org")
        url = reverse("inquiries:place-contact", args=[place.slug])
        response = self.client.get(url)
        self.assertNotContains(response, "weitergeleitet")
        with override_settings(MAILERS=BROKEN_MAILERS), self.assertLogs("inquiries.notifications"):
            self.post(url)
        # An editor switches forwarding on before the failed notification is resent.
        place.forward_inquiries = True
        place.save()
        call_command("resend_notifications", stdout=StringIO())
        inquiry = Inquiry.objects.get()
        assert inquiry.notification_status == NotificationStatus.SENT
        assert inquiry.forwarded_at is None
        assert [message.to for message in mail.outbox] == [EDITORS]

    def test_forwarding_consented_to_is_delivered_on_resend(self):
        place = make_place(name="Gutshof Zustimmung", email="hof@example.org")
        place.forward_inquiries = True
        place.save()
        url = reverse("inquiries:place-contact", args=[place.slug])
        with override_settings(MAILERS=BROKEN_MAILERS), self.assertLogs("inquiries.notifications"):
            self.post(url)
        call_command("resend_notifications", stdout=StringIO())
        inquiry = Inquiry.objects.get()
        assert inquiry.forwarded_at is not None
        assert sorted(message.to for message in mail.outbox) == sorted(
            [EDITORS, ["hof@example.org"]]
        )

    def test_contact_for_an_unpublished_entry_is_404(self):
        draft = make_place(status=Place.Status.DRAFT)
        submitted = make_place(status=Place.Status.SUBMITTED)
        for place in (draft, submitted):
            url = reverse("inquiries:place-contact", args=[place.slug])
            assert self.client.get(url).status_code == 404
            assert self.client.post(url, contact_data()).status_code == 404
        assert self.client.get("/orte/gibt-es-nicht/kontakt/").status_code == 404
        assert Inquiry.objects.count() == 0

    @override_settings(KREATIVORTE_SEND_CONFIRMATION=True)
    def test_optional_confirmation_repeats_nothing_the_sender_typed(self):
        self.post(name="Klick hier: spam.example", message="Kaufen Sie jetzt!")
        confirmation = next(m for m in mail.outbox if m.to == ["marta@example.org"])
        assert "angekommen" in confirmation.body
        assert "spam.example" not in confirmation.body + confirmation.subject
        assert "Kaufen" not in confirmation.body
        assert Inquiry.objects.get().confirmation_sent_at is not None

    def test_no_confirmation_by_default(self):
        self.post()
        assert all(message.to == EDITORS for message in mail.outbox)

    def test_put_and_delete_are_refused(self):
        assert self.client.put(self.url).status_code == 405
        assert self.client.post(reverse("inquiries:contact-thanks")).status_code == 405


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class MailFailureTests(TestCase):
    def submit_while_mail_is_down(self):
        with (
            override_settings(MAILERS=BROKEN_MAILERS),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(reverse("inquiries:contact"), contact_data(), follow=True)
        return response

    def test_failure_keeps_the_row_and_still_thanks_the_visitor(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            response = self.submit_while_mail_is_down()
        self.assertContains(response, "Vielen Dank für Ihre Nachricht")
        inquiry = Inquiry.objects.get()
        assert inquiry.notification_status == NotificationStatus.FAILED
        assert inquiry.notification_attempts == 1
        assert inquiry.notified_at is None
        assert "SMTPServerDisconnected" in inquiry.notification_error
        assert mail.outbox == []

    def test_resend_command_delivers_failed_notifications(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            self.submit_while_mail_is_down()
        out = StringIO()
        call_command("resend_notifications", stdout=out)
        inquiry = Inquiry.objects.get()
        assert inquiry.notification_status == NotificationStatus.SENT
        assert inquiry.notification_attempts == 2
        assert inquiry.notification_error == ""
        assert len(mail.outbox) == 1
        assert "inquiry: 1 sent, 0 failed" in out.getvalue()
        # Nothing is due any more: a second run sends nothing.
        call_command("resend_notifications", stdout=StringIO())
        assert len(mail.outbox) == 1

    def test_resend_command_fails_loudly_while_mail_is_still_down(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            self.submit_while_mail_is_down()
        with (
            override_settings(MAILERS=BROKEN_MAILERS),
            self.assertLogs("inquiries.notifications", "ERROR"),
            pytest.raises(CommandError, match="still failing"),
        ):
            call_command("resend_notifications", stdout=StringIO())
        assert Inquiry.objects.get().notification_attempts == 2

    def test_resend_dry_run_sends_nothing(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            self.submit_while_mail_is_down()
        out = StringIO()
        call_command("resend_notifications", "--dry-run", stdout=out)
        assert "inquiry: 1 due" in out.getvalue()
        assert mail.outbox == []

    def test_admin_action_resends(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            self.submit_while_mail_is_down()
        inquiry = Inquiry.objects.get()
        admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw")
        self.client.force_login(admin)
        response = self.client.post(
            reverse("admin:inquiries_inquiry_changelist"),
            {"action": "resend_notifications", "_selected_action": [inquiry.pk]},
            follow=True,
        )
        self.assertContains(response, "1 Benachrichtigung versendet.")
        inquiry.refresh_from_db()
        assert inquiry.notification_status == NotificationStatus.SENT
        assert len(mail.outbox) == 1

    def test_crash_between_commit_and_sending_is_picked_up_later(self):
        # No on-commit callbacks run: as if the worker died right after saving.
        self.client.post(reverse("inquiries:contact"), contact_data())
        inquiry = Inquiry.objects.get()
        assert inquiry.notification_status == NotificationStatus.PENDING
        call_command("resend_notifications", stdout=StringIO())
        assert mail.outbox == []  # still within the grace period: maybe being sent right now
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            call_command("resend_notifications", stdout=StringIO())
        inquiry.refresh_from_db()
        assert inquiry.notification_status == NotificationStatus.SENT
        assert len(mail.outbox) == 1

    @override_settings(KREATIVORTE_EDITOR_EMAILS=[], ADMINS=[])
    def test_missing_recipients_are_a_recorded_failure(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inquiries:contact"), contact_data())
        inquiry = Inquiry.objects.get()
        assert inquiry.notification_status == NotificationStatus.FAILED
        assert "KREATIVORTE_EDITOR_EMAILS" in inquiry.notification_error
        with override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS):
            call_command("resend_notifications", stdout=StringIO())
        inquiry.refresh_from_db()
        assert inquiry.notification_status == NotificationStatus.SENT

    @override_settings(KREATIVORTE_EDITOR_EMAILS=[], ADMINS=["admin@example.org"])
    def test_editors_fall_back_to_admins(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inquiries:contact"), contact_data())
        assert mail.outbox[0].to == ["admin@example.org"]

    def test_a_record_claimed_by_another_process_is_not_sent_twice(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            self.submit_while_mail_is_down()
        inquiry = Inquiry.objects.get()

        claim = notifications._claim

        def claimed_elsewhere_meanwhile(record):
            Inquiry.objects.filter(pk=record.pk).update(
                notification_attempts=F("notification_attempts") + 1
            )
            return claim(record)

        with mock.patch.object(notifications, "_claim", side_effect=claimed_elsewhere_meanwhile):
            assert notifications.deliver(Inquiry, inquiry.pk) is None
        assert mail.outbox == []
        assert notifications.deliver(Inquiry, inquiry.pk) == NotificationStatus.SENT
        assert notifications.deliver(Inquiry, inquiry.pk) is None
        assert len(mail.outbox) == 1


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class InquiryAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw")
        cls.place = make_place(name="Werkhof Adminhausen")
        cls.inquiry = Inquiry.objects.create(
            token="00000000-0000-0000-0000-000000000001",
            place=cls.place,
            concern=Inquiry.Concern.JOIN,
            name="Paula Admin",
            email="paula@example.org",
            message="Ich würde gern mitbauen.",
            consent_at=timezone.now(),
            notification_status=NotificationStatus.SENT,
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_changelist_filters_and_search(self):
        url = reverse("admin:inquiries_inquiry_changelist")
        response = self.client.get(url, {"q": "mitbauen"})
        self.assertContains(response, "Paula Admin")
        self.assertContains(response, reverse("admin:places_place_change", args=[self.place.pk]))
        response = self.client.get(url, {"status__exact": "spam"})
        self.assertNotContains(response, "Paula Admin")

    def test_change_page_links_to_the_entry_and_shows_the_workflow(self):
        response = self.client.get(
            reverse("admin:inquiries_inquiry_change", args=[self.inquiry.pk])
        )
        self.assertContains(response, "Werkhof Adminhausen")
        self.assertContains(response, "mailto:paula@example.org")
        for label in ["neu", "in Bearbeitung", "beantwortet", "Spam", "Weiterleitung zugestimmt"]:
            self.assertContains(response, label)

    def test_status_actions(self):
        response = self.client.post(
            reverse("admin:inquiries_inquiry_changelist"),
            {"action": "mark_answered", "_selected_action": [self.inquiry.pk]},
            follow=True,
        )
        self.assertContains(response, "1 Anfrage auf „beantwortet“ gesetzt.")
        self.inquiry.refresh_from_db()
        assert self.inquiry.status == Inquiry.Status.ANSWERED

    def test_no_add_button(self):
        assert self.client.get(reverse("admin:inquiries_inquiry_add")).status_code == 403

    def test_saving_an_untouched_note_changes_nothing(self):
        Inquiry.objects.filter(pk=self.inquiry.pk).update(editor_note="Angerufen.\n\nRückruf Mo.")
        url = reverse("admin:inquiries_inquiry_change", args=[self.inquiry.pk])
        note = "Angerufen.\r\n\r\nRückruf Mo."  # as a browser posts the text area
        response = self.client.post(url, {"status": "new", "editor_note": note})
        assert response.status_code == 302
        self.inquiry.refresh_from_db()
        assert self.inquiry.editor_note == "Angerufen.\n\nRückruf Mo."
        assert (
            "Notiz" not in LogEntry.objects.get(object_id=str(self.inquiry.pk)).get_change_message()
        )
