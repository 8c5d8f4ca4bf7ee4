"""Spam defence: honeypot, minimum fill time, signed token, rate limit per client, privacy."""

import time

import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import reverse

from places.forms import ContactForm, client_key
from places.models import Inquiry, NotificationStatus, Place
from tests.factories import make_category, make_district
from tests.places.inquiry_helpers import contact_data, form_token, suggest_data

EDITORS = ["redaktion@example.org"]
RATE_LIMIT_MESSAGE = "Von Ihrem Anschluss wurden in kurzer Zeit schon mehrere Formulare"


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class BotTests(TestCase):
    url = reverse("places:contact")

    def setUp(self):
        cache.clear()

    def post(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, contact_data(**overrides))

    def assert_neutral_spam(self, response):
        # The bot sees exactly what a person sees: the thank-you page.
        self.assertRedirects(response, reverse("places:contact-thanks"))
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
        self.assertRedirects(response, reverse("places:contact-thanks"))
        assert Inquiry.objects.get().status == Inquiry.Status.NEW

    def test_token_from_a_server_whose_clock_runs_ahead_is_not_spam(self):
        response = self.post(form_token=form_token(age=-30))
        self.assertRedirects(response, reverse("places:contact-thanks"))
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
            response = self.client.post(reverse("places:suggest"), data)
        self.assertRedirects(response, reverse("places:suggest-thanks"))
        assert not Place.objects.exists()
        inquiry = Inquiry.objects.get()
        assert inquiry.status == Inquiry.Status.SPAM
        assert "Alte Mühle Grünhausen" in inquiry.message
        assert mail.outbox == []


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_RATE_LIMIT=5)
class RateLimitTests(TestCase):
    url = reverse("places:contact")

    def setUp(self):
        cache.clear()

    def post_from(self, address, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, contact_data(), REMOTE_ADDR=address, **extra)

    def test_limit_per_client_does_not_block_another_client(self):
        for _ in range(5):
            self.assertRedirects(self.post_from("198.51.100.7"), reverse("places:contact-thanks"))
        blocked = self.post_from("198.51.100.7")
        assert blocked.status_code == 429
        self.assertContains(blocked, RATE_LIMIT_MESSAGE, status_code=429)
        self.assertContains(blocked, "Bitte warten Sie 10 Minuten", status_code=429)
        # Nothing is lost: the form comes back with the visitor's input.
        self.assertContains(blocked, 'value="Marta Beispiel"', status_code=429)
        self.assertContains(blocked, f"<li>{RATE_LIMIT_MESSAGE}", status_code=429)
        # Another client is not affected.
        self.assertRedirects(self.post_from("203.0.113.9"), reverse("places:contact-thanks"))
        assert Inquiry.objects.count() == 6

    def test_limit_expires_after_the_window(self):
        for _ in range(6):
            self.post_from("198.51.100.7")
        assert Inquiry.objects.count() == 5
        with time_machine.travel(time.time() + settings.KREATIVORTE_RATE_LIMIT_WINDOW + 1):
            self.assertRedirects(self.post_from("198.51.100.7"), reverse("places:contact-thanks"))
        assert Inquiry.objects.count() == 6

    def test_invalid_forms_do_not_count(self):
        for _ in range(10):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.url, contact_data(email="x"), REMOTE_ADDR="198.51.100.7")
        self.assertRedirects(self.post_from("198.51.100.7"), reverse("places:contact-thanks"))

    def test_both_forms_share_the_limit(self):
        for _ in range(5):
            self.post_from("198.51.100.7")
        data = suggest_data(district=make_district(), categories=[make_category()])
        response = self.client.post(reverse("places:suggest"), data, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
        assert not Place.objects.exists()

    def test_ipv6_clients_are_limited_by_their_64_network(self):
        for suffix in range(5):
            self.post_from(f"2001:db8:1:2::{suffix + 1}")
        assert self.post_from("2001:db8:1:2:ffff::1").status_code == 429
        self.assertRedirects(self.post_from("2001:db8:1:3::1"), reverse("places:contact-thanks"))

    @override_settings(KREATIVORTE_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self):
        for _ in range(5):
            self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
        blocked = self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert blocked.status_code == 429
        # A spoofed first entry does not help, and other visitors behind the proxy pass.
        other = self.post_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
        self.assertRedirects(other, reverse("places:contact-thanks"))

    def test_the_count_lives_in_the_shared_database_cache(self):
        assert isinstance(caches["default"], DatabaseCache)
        self.post_from("198.51.100.7")
        table = settings.CACHES["default"]["LOCATION"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608
            keys = [row[0] for row in cursor.fetchall()]
        assert any("submissions" in key for key in keys)
        assert not any("198.51.100.7" in key for key in keys)

    def test_a_broken_cache_lets_the_inquiry_through(self):
        from unittest import mock

        with (
            mock.patch("places.forms.cache.add", side_effect=RuntimeError("cache down")),
            self.assertLogs("places.forms", "ERROR"),
        ):
            self.assertRedirects(self.post_from("198.51.100.7"), reverse("places:contact-thanks"))


@override_settings(KREATIVORTE_EDITOR_EMAILS=EDITORS)
class CsrfTests(TestCase):
    """The test client skips CSRF checks unless asked; a real browser does not."""

    def setUp(self):
        cache.clear()
        self.client = Client(enforce_csrf_checks=True)

    def test_forms_carry_a_csrf_token_and_posts_without_it_are_refused(self):
        for url in (reverse("places:contact"), reverse("places:suggest")):
            response = self.client.get(url)
            self.assertContains(response, 'name="csrfmiddlewaretoken"')
        assert self.client.post(reverse("places:contact"), contact_data()).status_code == 403
        assert not Inquiry.objects.exists()

    def test_post_with_the_rendered_token_is_accepted(self):
        response = self.client.get(reverse("places:contact"))
        token = response.context["csrf_token"]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("places:contact"), contact_data(csrfmiddlewaretoken=str(token))
            )
        self.assertRedirects(response, reverse("places:contact-thanks"))


class PrivacyTests(TestCase):
    def test_client_key_is_a_keyed_hash(self):
        request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
        key = client_key(request)
        assert len(key) == 64
        assert "198.51.100.7" not in key
        with override_settings(SECRET_KEY="a-different-secret-key-for-this-test-only"):
            assert client_key(request) != key

    def test_inquiries_store_no_address(self):
        field_names = {field.name for field in Inquiry._meta.get_fields()}
        assert not field_names & {"ip", "ip_address", "remote_addr", "client_ip"}
