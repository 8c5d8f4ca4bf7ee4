"""Spam defence: honeypot, minimum fill time, signed token, rate limit per client, privacy."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock, skipUnless

import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.test import Client, RequestFactory, TestCase, TransactionTestCase, override_settings
from django.urls import reverse

from inquiries.forms import ContactForm
from inquiries.models import Inquiry, NotificationStatus, RateLimitEvent
from inquiries.rate_limit import client_key
from places.models import Place
from tests.factories import make_category, make_district
from tests.inquiries.inquiry_helpers import (
    contact_data,
    form_token,
    image_bytes,
    suggest_data,
    upload,
)

EDITORS = ["redaktion@example.org"]
RATE_LIMIT_MESSAGE = "Von Ihrem Anschluss wurden in kurzer Zeit schon mehrere Formulare"


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class BotTests(TestCase):
    url = reverse("inquiries:contact")

    def post(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, contact_data(**overrides))

    def assert_neutral_spam(self, response):
        # The bot sees exactly what a person sees: the thank-you page.
        self.assertRedirects(response, reverse("inquiries:contact-thanks"))
        inquiry = Inquiry.objects.get()
        assert inquiry.status == Inquiry.Status.SPAM
        assert inquiry.notification_status == NotificationStatus.SKIPPED
        assert mail.outbox == []
        return inquiry

    def test_filled_honeypot_is_spam(self):
        self.assert_neutral_spam(self.post(homepage="https://cheap-pills.example"))

    def test_too_fast_is_spam(self):
        self.assert_neutral_spam(self.post(form_token=form_token(age=1)))

    @override_settings(KREATIVORTE_FORM_MIN_SECONDS=0)
    def test_minimum_fill_time_setting(self):
        response = self.post(form_token=form_token(age=0))
        self.assertRedirects(response, reverse("inquiries:contact-thanks"))
        assert Inquiry.objects.get().status == Inquiry.Status.NEW

    def test_token_from_a_server_whose_clock_runs_ahead_is_not_spam(self):
        response = self.post(form_token=form_token(age=-30))
        self.assertRedirects(response, reverse("inquiries:contact-thanks"))
        assert Inquiry.objects.get().status == Inquiry.Status.NEW

    def test_forged_or_missing_token_is_spam(self):
        self.assert_neutral_spam(self.post(form_token="eyJpZCI6ImZha2UifQ:forged"))
        Inquiry.objects.all().delete()
        self.assert_neutral_spam(self.post(form_token=None))

    def test_a_person_taking_their_time_is_not_spam(self):
        with time_machine.travel(time.time()):
            data = contact_data(form_token=ContactForm().initial["form_token"])
        with (
            time_machine.travel(time.time() + 3600),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(self.url, data)
        assert Inquiry.objects.get().status == Inquiry.Status.NEW
        assert len(mail.outbox) == 1

    def test_spam_is_not_resent(self):
        self.post(homepage="x")
        from django.core.management import call_command

        call_command("resend_notifications", verbosity=0)
        assert mail.outbox == []

    def test_honeypot_is_hidden_from_people(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'class="form-hp" aria-hidden="true"')
        self.assertContains(response, 'tabindex="-1"')
        self.assertContains(response, "Bitte lassen Sie dieses Feld leer.")

    def test_bot_suggestion_creates_no_entry_but_a_spam_inquiry(self):
        data = suggest_data(
            district=make_district(), categories=[make_category()], homepage="http://x.example"
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("inquiries:suggest"), data)
        self.assertRedirects(response, reverse("inquiries:suggest-thanks"))
        assert not Place.objects.exists()
        inquiry = Inquiry.objects.get()
        assert inquiry.status == Inquiry.Status.SPAM
        assert "Alte Mühle Grünhausen" in inquiry.message
        assert mail.outbox == []


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_RATE_LIMIT=5)
class RateLimitTests(TestCase):
    url = reverse("inquiries:contact")

    def post_from(self, address, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, contact_data(), REMOTE_ADDR=address, **extra)

    def test_limit_per_client_does_not_block_another_client(self):
        for _ in range(5):
            self.assertRedirects(
                self.post_from("198.51.100.7"), reverse("inquiries:contact-thanks")
            )
        blocked = self.post_from("198.51.100.7")
        assert blocked.status_code == 429
        self.assertContains(blocked, RATE_LIMIT_MESSAGE, status_code=429)
        self.assertContains(blocked, "Bitte warten Sie 10 Minuten", status_code=429)
        # Nothing is lost: the form comes back with the visitor's input.
        self.assertContains(blocked, 'value="Marta Beispiel"', status_code=429)
        self.assertContains(blocked, f"<li>{RATE_LIMIT_MESSAGE}", status_code=429)
        # Another client is not affected.
        self.assertRedirects(self.post_from("203.0.113.9"), reverse("inquiries:contact-thanks"))
        assert Inquiry.objects.count() == 6

    def test_limit_expires_after_the_window(self):
        for _ in range(6):
            self.post_from("198.51.100.7")
        assert Inquiry.objects.count() == 5
        with time_machine.travel(time.time() + settings.KREATIVORTE_RATE_LIMIT_WINDOW + 1):
            self.assertRedirects(
                self.post_from("198.51.100.7"), reverse("inquiries:contact-thanks")
            )
        assert Inquiry.objects.count() == 6

    def test_a_repeat_of_the_last_accepted_submission_is_thanked_not_refused(self):
        data = contact_data()
        for _ in range(4):
            self.post_from("198.51.100.7")
        for _ in range(2):  # the fifth, sent twice (a double click)
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(self.url, data, REMOTE_ADDR="198.51.100.7")
            self.assertRedirects(response, reverse("inquiries:contact-thanks"))
        assert Inquiry.objects.count() == 5

    def test_invalid_forms_do_not_count(self):
        for _ in range(10):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.url, contact_data(email="x"), REMOTE_ADDR="198.51.100.7")
        self.assertRedirects(self.post_from("198.51.100.7"), reverse("inquiries:contact-thanks"))

    def test_both_forms_share_the_limit(self):
        for _ in range(5):
            self.post_from("198.51.100.7")
        data = suggest_data(district=make_district(), categories=[make_category()])
        response = self.client.post(reverse("inquiries:suggest"), data, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
        assert not Place.objects.exists()

    def test_ipv6_clients_are_limited_by_their_64_network(self):
        for suffix in range(5):
            self.post_from(f"2001:db8:1:2::{suffix + 1}")
        assert self.post_from("2001:db8:1:2:ffff::1").status_code == 429
        self.assertRedirects(self.post_from("2001:db8:1:3::1"), reverse("inquiries:contact-thanks"))

    @override_settings(KREATIVORTE_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self):
        for _ in range(5):
            self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
        blocked = self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert blocked.status_code == 429
        # A spoofed first entry does not help, and other visitors behind the proxy pass.
        other = self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
        self.assertRedirects(other, reverse("inquiries:contact-thanks"))

    @override_settings(KREATIVORTE_RATE_LIMIT_WINDOW=600)
    def test_the_window_is_the_configured_one(self):
        start = time.time()
        for _ in range(5):
            self.post_from("198.51.100.7")
        with time_machine.travel(start + 301):
            assert self.post_from("198.51.100.7").status_code == 429
        with time_machine.travel(start + 599):
            assert self.post_from("198.51.100.7").status_code == 429
        with time_machine.travel(start + 601):
            self.assertRedirects(
                self.post_from("198.51.100.7"), reverse("inquiries:contact-thanks")
            )
        assert Inquiry.objects.count() == 6

    def test_only_a_keyed_hash_and_the_time_are_stored_and_only_for_the_window(self):
        start = time.time()
        self.post_from("198.51.100.7")
        self.post_from("203.0.113.9")
        events = list(RateLimitEvent.objects.values_list("key_hash", flat=True))
        assert len(events) == 2
        assert not any("198.51.100.7" in key or "203.0.113.9" in key for key in events)
        field_names = {field.name for field in RateLimitEvent._meta.get_fields()}
        assert field_names == {"id", "key_hash", "created_at"}
        # Whoever sends next, every event older than the window is deleted.
        with time_machine.travel(start + settings.KREATIVORTE_RATE_LIMIT_WINDOW + 1):
            self.post_from("192.0.2.1")
        assert RateLimitEvent.objects.count() == 1

    def test_over_the_limit_uploads_are_not_read_and_the_text_comes_back(self):
        for _ in range(5):
            self.post_from("198.51.100.7")
        data = suggest_data(
            district=make_district(),
            categories=[make_category()],
            photo_1=upload(image_bytes("JPEG")),
            photo_1_alt="Die Mühle",
            photo_credit="Foto: Jonas Beispiel",
            rights_confirmed="on",
        )
        with mock.patch("places.images.clean_image") as clean_image:
            response = self.client.post(
                reverse("inquiries:suggest"), data, REMOTE_ADDR="198.51.100.7"
            )
        clean_image.assert_not_called()
        self.assertContains(response, RATE_LIMIT_MESSAGE, status_code=429)
        self.assertContains(response, 'value="Alte Mühle Grünhausen"', status_code=429)
        self.assertContains(response, "Ich gehöre zur Gruppe.", status_code=429)
        self.assertContains(
            response, "Bitte wählen Sie Ihre Fotos noch einmal aus.", status_code=429
        )
        assert not Place.objects.exists()
        assert RateLimitEvent.objects.count() == 5

    def test_a_broken_rate_limit_store_lets_the_inquiry_through(self):
        with (
            mock.patch.object(
                RateLimitEvent.objects, "create", side_effect=RuntimeError("store down")
            ),
            self.assertLogs("inquiries.rate_limit", "ERROR"),
        ):
            self.assertRedirects(
                self.post_from("198.51.100.7"), reverse("inquiries:contact-thanks")
            )


@skipUnless(connection.vendor == "postgresql", "needs parallel connections to PostgreSQL")
@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_RATE_LIMIT=5)
class ParallelRateLimitTests(TransactionTestCase):
    """Several gunicorn workers at once: each request has its own database connection."""

    def test_parallel_submissions_from_one_client_pass_at_most_the_limit(self):
        clients = 20
        barrier = threading.Barrier(clients, timeout=30)

        def submit(_):
            try:
                data = contact_data()
                barrier.wait()
                response = Client().post(
                    reverse("inquiries:contact"), data, REMOTE_ADDR="192.0.2.77"
                )
                return response.status_code
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=clients) as pool:
            statuses = list(pool.map(submit, range(clients)))
        accepted = statuses.count(302)
        assert accepted <= 5, statuses
        assert statuses.count(429) == clients - accepted
        assert Inquiry.objects.count() == accepted


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class CsrfTests(TestCase):
    """The test client skips CSRF checks unless asked; a real browser does not."""

    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)

    def test_forms_carry_a_csrf_token_and_posts_without_it_are_refused(self):
        for url in (reverse("inquiries:contact"), reverse("inquiries:suggest")):
            response = self.client.get(url)
            self.assertContains(response, 'name="csrfmiddlewaretoken"')
        assert self.client.post(reverse("inquiries:contact"), contact_data()).status_code == 403
        assert not Inquiry.objects.exists()

    def test_post_with_the_rendered_token_is_accepted(self):
        response = self.client.get(reverse("inquiries:contact"))
        token = response.context["csrf_token"]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("inquiries:contact"), contact_data(csrfmiddlewaretoken=str(token))
            )
        self.assertRedirects(response, reverse("inquiries:contact-thanks"))


class PrivacyTests(TestCase):
    def test_client_key_is_a_keyed_hash(self):
        request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
        key = client_key(request)
        assert len(key) == 64
        assert "198.51.100.7" not in key
        with override_settings(SECRET_KEY="a-different-secret-key-for-this-test-only"):
            assert client_key(request) != key

    def test_privacy_page_describes_how_the_rate_limit_stores_the_hash(self):
        pages = json.loads((settings.BASE_DIR / "fixtures" / "flatpages.json").read_text())
        privacy = next(page for page in pages if page["url"] == "/datenschutz/")["content"]
        assert "Zwischenspeicher" not in privacy
        minutes = settings.KREATIVORTE_RATE_LIMIT_WINDOW // 60
        assert "mit dem Zeitpunkt des Absendens in unserer Datenbank" in privacy
        assert f"in den letzten {minutes} Minuten" in privacy
        assert "spätestens bei der täglichen Bereinigung" in privacy

    def test_inquiries_store_no_address(self):
        field_names = {field.name for field in Inquiry._meta.get_fields()}
        assert not field_names & {"ip", "ip_address", "remote_addr", "client_ip"}
