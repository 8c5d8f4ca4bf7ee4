"""Retention: `manage.py purge_inquiries` anonymises or deletes personal data after the period."""

import uuid
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from inquiries.models import Inquiry, NotificationStatus, PlaceSubmission, RateLimitEvent
from inquiries.retention import retention_cutoff
from places.models import Place
from tests.factories import make_place

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=BERLIN)


def make_inquiry(**fields):
    fields.setdefault("token", uuid.uuid4())
    fields.setdefault("concern", Inquiry.Concern.SEEK)
    fields.setdefault("name", "Alte Anfrage")
    fields.setdefault("email", "alt@example.org")
    fields.setdefault("phone", "0391 1")
    fields.setdefault("organisation", "Verein")
    fields.setdefault("message", "Ich suche eine Werkstatt.")
    fields.setdefault("consent_at", timezone.now())
    fields.setdefault("notification_status", NotificationStatus.SENT)
    return Inquiry.objects.create(**fields)


def make_submission(**fields):
    place = make_place(status=Place.Status.SUBMITTED)
    fields.setdefault("token", uuid.uuid4())
    fields.setdefault("name", "Einreicherin")
    fields.setdefault("email", "einreicherin@example.org")
    fields.setdefault("phone", "0391 2")
    fields.setdefault("note", "Bitte melden")
    fields.setdefault("consent_at", timezone.now())
    fields.setdefault("notification_status", NotificationStatus.SENT)
    return PlaceSubmission.objects.create(place=place, **fields)


def purge(*args):
    out = StringIO()
    call_command("purge_inquiries", *args, stdout=out)
    return out.getvalue()


@override_settings(KREATIVORTE_RETENTION_MONTHS=12)
class PurgeTests(TestCase):
    def setUp(self):
        # 13 months before NOW: due. 11 months before: kept.
        with time_machine.travel(datetime(2025, 5, 10, 9, 0, tzinfo=BERLIN), tick=False):
            self.old = make_inquiry(place=make_place(name="Statistikhof"))
            self.old_spam = make_inquiry(status=Inquiry.Status.SPAM)
            self.old_submission = make_submission()
        with time_machine.travel(datetime(2025, 7, 20, 9, 0, tzinfo=BERLIN), tick=False):
            self.recent = make_inquiry(name="Neue Anfrage")
            self.recent_submission = make_submission(name="Neue Einreicherin")

    def test_dry_run_changes_nothing(self):
        with time_machine.travel(NOW, tick=False):
            output = purge("--dry-run")
        assert "Would purge data received before 2025-06-15 12:00" in output
        assert "spam deleted: 1" in output
        assert "inquiries anonymised: 1" in output
        assert "submissions anonymised: 1" in output
        assert Inquiry.objects.count() == 3
        self.old.refresh_from_db()
        assert self.old.name == "Alte Anfrage"

    def test_old_inquiries_are_anonymised_and_spam_deleted(self):
        with time_machine.travel(NOW, tick=False):
            purge()
        assert not Inquiry.objects.filter(pk=self.old_spam.pk).exists()
        self.old.refresh_from_db()
        assert (self.old.name, self.old.email, self.old.phone) == ("", "", "")
        assert (self.old.organisation, self.old.message) == ("", "")
        assert self.old.anonymised_at is not None
        # What is kept is not personal: concern, entry and dates, for statistics.
        assert self.old.concern == Inquiry.Concern.SEEK
        assert self.old.place.name == "Statistikhof"
        assert str(self.old) == "anonymisiert – Ich suche einen Ort zum Arbeiten oder Wohnen"
        self.recent.refresh_from_db()
        assert self.recent.name == "Neue Anfrage"
        assert self.recent.anonymised_at is None

    def test_old_submitter_details_are_removed_but_the_entry_stays(self):
        with time_machine.travel(NOW, tick=False):
            purge()
        self.old_submission.refresh_from_db()
        assert (self.old_submission.name, self.old_submission.email) == ("", "")
        assert (self.old_submission.phone, self.old_submission.note) == ("", "")
        assert self.old_submission.anonymised_at is not None
        assert Place.objects.filter(pk=self.old_submission.place_id).exists()
        self.recent_submission.refresh_from_db()
        assert self.recent_submission.email == "einreicherin@example.org"

    def test_rate_limit_hashes_left_after_the_last_submission_are_deleted(self):
        window = timedelta(seconds=settings.KREATIVORTE_RATE_LIMIT_WINDOW)
        expired = RateLimitEvent.objects.create(key_hash="a" * 64, created_at=NOW - window)
        current = RateLimitEvent.objects.create(key_hash="b" * 64, created_at=NOW)
        with time_machine.travel(NOW, tick=False):
            assert "rate limit events deleted: 1" in purge("--dry-run")
            assert RateLimitEvent.objects.count() == 2
            purge()
        assert list(RateLimitEvent.objects.all()) == [current]
        assert not RateLimitEvent.objects.filter(pk=expired.pk).exists()

    def test_delete_option_deletes_old_inquiries(self):
        with time_machine.travel(NOW, tick=False):
            output = purge("--delete")
        assert "inquiries deleted: 1" in output
        assert list(Inquiry.objects.values_list("pk", flat=True)) == [self.recent.pk]

    def test_running_twice_is_harmless(self):
        with time_machine.travel(NOW, tick=False):
            purge()
            output = purge()
        assert "inquiries anonymised: 0" in output
        assert Inquiry.objects.count() == 2

    def test_anonymised_records_are_never_resent(self):
        Inquiry.objects.filter(pk=self.old.pk).update(notification_status=NotificationStatus.FAILED)
        with time_machine.travel(NOW, tick=False):
            purge()
            call_command("resend_notifications", verbosity=0)
        self.old.refresh_from_db()
        assert self.old.notification_status == NotificationStatus.FAILED

    def test_months_option(self):
        with time_machine.travel(NOW, tick=False):
            output = purge("--months", "6", "--dry-run")
        assert "inquiries anonymised: 2" in output
        with pytest.raises(CommandError):
            purge("--months", "0")

    @override_settings(KREATIVORTE_RETENTION_MONTHS=24)
    def test_retention_setting(self):
        with time_machine.travel(NOW, tick=False):
            output = purge("--dry-run")
        assert "inquiries anonymised: 0" in output


class CutoffTests(TestCase):
    def test_months_are_calendar_months(self):
        cutoff = retention_cutoff(datetime(2026, 6, 15, 12, 0, tzinfo=BERLIN), months=12)
        assert cutoff == datetime(2025, 6, 15, 12, 0, tzinfo=BERLIN)

    def test_end_of_month_is_clamped(self):
        cutoff = retention_cutoff(datetime(2026, 3, 31, 8, 0, tzinfo=BERLIN), months=1)
        assert cutoff.date().isoformat() == "2026-02-28"
        cutoff = retention_cutoff(datetime(2026, 1, 15, 8, 0, tzinfo=BERLIN), months=13)
        assert cutoff.date().isoformat() == "2024-12-15"


class ConstraintTests(TestCase):
    def test_email_is_required_unless_anonymised(self):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            make_inquiry(email="")
