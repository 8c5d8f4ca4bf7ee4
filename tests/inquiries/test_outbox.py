"""The one rule for "due for delivery", shared by the task, the resend command and the admin."""

import uuid
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from inquiries import notifications
from inquiries.models import Inquiry, InquiryStatus, NotificationStatus, PlaceSubmission
from tests.factories import make_place


def make_inquiry(label, **fields):
    fields.setdefault("email", "marta@example.org")
    return Inquiry.objects.create(
        token=uuid.uuid4(), consent_at=timezone.now(), concern="other", name=label, **fields
    )


class DueForDeliveryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.failed = make_inquiry("failed", notification_status=NotificationStatus.FAILED)
        cls.pending = make_inquiry("pending")
        cls.old_pending = make_inquiry("old pending")
        Inquiry.objects.filter(pk=cls.old_pending.pk).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
        make_inquiry("sent", notification_status=NotificationStatus.SENT)
        make_inquiry(
            "spam", status=InquiryStatus.SPAM, notification_status=NotificationStatus.SKIPPED
        )
        make_inquiry(
            "marked spam later",
            status=InquiryStatus.SPAM,
            notification_status=NotificationStatus.FAILED,
        )
        make_inquiry(
            "anonymised",
            email="",
            anonymised_at=timezone.now(),
            notification_status=NotificationStatus.FAILED,
        )

    def names(self, queryset):
        return sorted(queryset.values_list("name", flat=True))

    def test_failed_and_pending_rows_are_due_never_sent_spam_or_anonymised(self):
        assert self.names(Inquiry.objects.due_for_delivery()) == [
            "failed",
            "old pending",
            "pending",
        ]

    def test_the_resend_command_leaves_young_pending_rows_to_their_task(self):
        assert self.names(notifications.overdue(Inquiry)) == ["failed", "old pending"]

    def test_submissions_follow_the_same_rule(self):
        due = PlaceSubmission.objects.create(
            place=make_place(),
            token=uuid.uuid4(),
            consent_at=timezone.now(),
            email="olga@example.org",
            notification_status=NotificationStatus.FAILED,
        )
        PlaceSubmission.objects.create(
            place=make_place(),
            token=uuid.uuid4(),
            consent_at=timezone.now(),
            email="olga@example.org",
            notification_status=NotificationStatus.SENT,
        )
        assert list(PlaceSubmission.objects.due_for_delivery()) == [due]

    def test_delivery_sends_only_what_is_due(self):
        sent = Inquiry.objects.get(name="sent")
        assert notifications.deliver(Inquiry, sent.pk) is None
        spam = Inquiry.objects.get(name="marked spam later")
        assert notifications.deliver(Inquiry, spam.pk) is None
        spam.refresh_from_db()
        assert spam.notification_attempts == 0
