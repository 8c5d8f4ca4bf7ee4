"""Retention: personal data is kept KREATIVORTE_RETENTION_MONTHS, then anonymised or deleted
(``manage.py purge_inquiries``)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import rate_limit
from .models import Inquiry, InquiryStatus, PlaceSubmission


def retention_cutoff(now=None, months=None):
    """The moment before which personal data is purged: now minus the retention months."""
    now = timezone.localtime(now or timezone.now())
    months = settings.KREATIVORTE_RETENTION_MONTHS if months is None else months
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:  # 31 March minus one month
            day -= 1


def purge(*, before, dry_run=False, delete=False):
    """Delete or anonymise personal data received before ``before``.

    Spam inquiries are deleted. Other inquiries are anonymised (contact details and message
    removed; concern, entry, status and dates kept for statistics) or, with ``delete``, deleted.
    Submitters' contact details on suggested entries are removed; the entry stays. Rate limit
    events older than their window, left since the last submission, are deleted too.
    Returns a dict of counts.
    """
    old_inquiries = Inquiry.objects.received_before(before)
    spam = old_inquiries.filter(status=InquiryStatus.SPAM)
    kept = old_inquiries.exclude(status=InquiryStatus.SPAM)
    if not delete:
        kept = kept.not_anonymised()
    submissions = PlaceSubmission.objects.received_before(before).not_anonymised()
    rate_limit_events = rate_limit.expired_events()
    counts = {
        "spam_deleted": spam.count(),
        "inquiries_deleted" if delete else "inquiries_anonymised": kept.count(),
        "submissions_anonymised": submissions.count(),
        "rate_limit_events_deleted": rate_limit_events.count(),
    }
    if dry_run:
        return counts
    now = timezone.now()
    with transaction.atomic():
        spam.delete()
        if delete:
            kept.delete()
        else:
            kept.update(
                name="",
                email="",
                phone="",
                organisation="",
                message="",
                editor_note="",
                notification_error="",
                anonymised_at=now,
            )
        submissions.update(
            name="", email="", phone="", note="", notification_error="", anonymised_at=now
        )
        rate_limit_events.delete()
    return counts
