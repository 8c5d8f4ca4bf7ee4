"""Inquiries that are never lost: save first, notify after commit, record the outcome.

A submission is written to the database in one transaction. Only after it has committed are the
editors notified, through a ``django.tasks`` task (the default ImmediateBackend runs it right
away; a queue backend moves it off the request without code changes). Every attempt is recorded
on the row, so a mail outage leaves rows in status "fehlgeschlagen" that the admin action or
``manage.py resend_notifications`` delivers later. Delivery is at least once: a mail may in rare
races go out twice, but none is dropped.
"""

import logging
import re
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import rate_limit
from .images import make_renditions
from .models import (
    Concern,
    Inquiry,
    InquiryStatus,
    NotificationStatus,
    Place,
    PlaceImage,
    PlaceSubmission,
)
from .text import slugify_de

logger = logging.getLogger(__name__)

# Pending rows older than this were never delivered (the process ended between commit and
# sending): the resend command picks them up.
PENDING_GRACE = timedelta(minutes=10)
ERROR_MAX_LENGTH = 2000
SLUG_ATTEMPTS = 5
RECORD_MODELS = {"inquiry": Inquiry, "submission": PlaceSubmission}


# Saving


def already_received(token):
    """Whether a submission with this key (form token and content) was saved already."""
    return (
        Inquiry.objects.filter(token=token).exists()
        or PlaceSubmission.objects.filter(token=token).exists()
    )


def submit_inquiry(*, token, place, data, spam=False, forward=False):
    """Save a contact form inquiry and notify the editors once it has committed.

    ``forward`` records that the sender agreed to forwarding to the entry's operators; only
    then is a copy sent to them. A second submit with the same token returns the first inquiry
    instead of a copy.
    """
    inquiry = Inquiry(
        token=token,
        place=place,
        concern=data["concern"],
        name=data["name"],
        email=data["email"],
        phone=data.get("phone", ""),
        organisation=data.get("organisation", ""),
        message=data["message"],
        consent_at=timezone.now(),
        forward_consented=forward,
    )
    if spam:
        inquiry.status = InquiryStatus.SPAM
        inquiry.notification_status = NotificationStatus.SKIPPED
    try:
        with transaction.atomic():
            inquiry.save()
            if not spam:
                _notify_on_commit("inquiry", inquiry.pk)
    except IntegrityError:
        existing = Inquiry.objects.filter(token=token).first()
        if existing is None:
            raise
        return existing
    return inquiry


def submit_suggestion(*, token, place, categories, submitter, photos=(), photo_credit=""):
    """Save a suggested entry (status Eingereicht, never public) with its photos and the
    submitter's private contact details, then notify the editors once it has committed.

    ``place`` is an unsaved Place with the public fields filled in; ``photos`` are (file, alt
    text) pairs that have passed :func:`places.images.clean_image`.
    """
    existing = PlaceSubmission.objects.filter(token=token).first()
    if existing is not None:
        return existing
    place.status = Place.Status.SUBMITTED
    place.teaser = derive_teaser(place.description, fallback=place.name)
    try:
        with transaction.atomic():
            _save_with_unique_slug(place)
            place.categories.set(categories)
            for order, (photo, alt_text) in enumerate(photos):
                make_renditions(
                    PlaceImage.objects.create(
                        place=place,
                        image=photo,
                        alt_text=alt_text,
                        credit=photo_credit,
                        order=order,
                    )
                )
            submission = PlaceSubmission.objects.create(
                place=place,
                token=token,
                name=submitter["name"],
                email=submitter["email"],
                phone=submitter.get("phone", ""),
                note=submitter.get("note", ""),
                rights_confirmed=bool(photos) and submitter.get("rights_confirmed", False),
                consent_at=timezone.now(),
            )
            _notify_on_commit("submission", submission.pk)
    except IntegrityError:
        existing = PlaceSubmission.objects.filter(token=token).first()
        if existing is None:
            raise
        return existing
    return submission


def submit_spam_suggestion(*, token, data):
    """Keep a suggestion from a suspected bot as a spam inquiry: no entry is created and no
    mail is sent, but an editor can still find a wrongly caught person in the admin."""
    lines = [
        _("Ortsvorschlag, vom Spamschutz zurückgehalten."),
        "",
        f"{_('Name des Ortes')}: {data.get('name', '')}",
        f"{_('Gemeinde oder Stadt')}: {data.get('locality', '')}",
        f"{_('Landkreis')}: {data.get('district') or ''}",
        f"{_('Website')}: {data.get('website', '')}",
        "",
        data.get("description", ""),
        "",
        data.get("note", ""),
    ]
    return submit_inquiry(
        token=token,
        place=None,
        data={
            "concern": Concern.OTHER,
            "name": data.get("submitter_name", ""),
            "email": data.get("submitter_email", ""),
            "phone": data.get("submitter_phone", ""),
            "message": "\n".join(lines).strip(),
        },
        spam=True,
    )


def derive_teaser(description, *, fallback, limit=300):
    """The first sentence of the description, or its start cut at a word, for list cards."""
    paragraph = " ".join(description.strip().split("\n\n")[0].split())
    if not paragraph:
        return Truncator(fallback).chars(limit)
    sentence = re.match(r"(.+?[.!?])(?:\s|$)", paragraph)
    if sentence and len(sentence.group(1)) >= 20:
        paragraph = sentence.group(1)
    return Truncator(paragraph).chars(limit)


def unique_slug(name):
    max_length = Place._meta.get_field("slug").max_length
    base = slugify_de(name)[: max_length - 4].strip("-") or "ort"
    taken = set(Place.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _save_with_unique_slug(place):
    """Save with a slug no other entry has, retrying if a parallel request took it first."""
    for attempt in range(SLUG_ATTEMPTS):
        place.slug = unique_slug(place.name)
        try:
            with transaction.atomic():
                place.save()
            return
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1 or not Place.objects.filter(slug=place.slug).exists():
                raise


# Notifying


def _notify_on_commit(kind, pk):
    transaction.on_commit(partial(deliver_notifications.enqueue, kind, pk), robust=True)


@task
def deliver_notifications(kind, pk):
    """Task wrapper around :func:`deliver`, enqueued once the submission has committed."""
    deliver(RECORD_MODELS[kind], pk)


def deliver(model, pk):
    """Send whatever mails of this submission have not gone out yet and record the outcome.

    Returns the record's notification status afterwards, or None if another process claimed
    the record first or there is nothing to send.
    """
    record = model.objects.filter(pk=pk).first()
    if record is None or not _deliverable(record):
        return None
    # Claim the record: only one of two parallel deliveries finds the attempt count unchanged.
    claimed = model.objects.filter(
        pk=pk, notification_attempts=record.notification_attempts
    ).update(notification_attempts=F("notification_attempts") + 1)
    if not claimed:
        return None
    record.notification_attempts += 1

    errors = []
    now = timezone.now()
    fields = ["notification_status", "notification_error", "notification_attempts"]
    if record.notified_at is None and not editor_recipients():
        errors.append(
            _("Redaktion: keine Empfängeradresse eingerichtet (KREATIVORTE_EDITOR_EMAILS).")
        )
    try:
        messages = list(_messages(record))
    except Exception as error:
        logger.exception("Preparing the mails for %s %s failed.", model.__name__, pk)
        errors.append(f"{error.__class__.__name__}: {error}")
        messages = []
    for label, field, message, required in messages:
        try:
            message.send()
        except Exception as error:
            logger.exception("Sending the %s for %s %s failed.", label, model.__name__, pk)
            if required:
                errors.append(f"{label}: {error.__class__.__name__}: {error}")
            continue
        setattr(record, field, now)
        fields.append(field)
    record.notification_status = NotificationStatus.FAILED if errors else NotificationStatus.SENT
    record.notification_error = "\n".join(errors)[:ERROR_MAX_LENGTH]
    model.objects.filter(pk=pk).update(**{name: getattr(record, name) for name in fields})
    return record.notification_status


def _deliverable(record):
    if getattr(record, "is_spam", False) or record.is_anonymised:
        return False
    return record.notification_status != NotificationStatus.SENT


def editor_recipients():
    if settings.KREATIVORTE_EDITOR_EMAILS:
        return list(settings.KREATIVORTE_EDITOR_EMAILS)
    return [admin if isinstance(admin, str) else admin[1] for admin in settings.ADMINS]


def _messages(record):
    """(label, timestamp field, message, required) for every mail that is still due."""
    context = _mail_context(record)
    is_inquiry = isinstance(record, Inquiry)
    prefix = "inquiry" if is_inquiry else "submission"
    recipients = editor_recipients()
    if record.notified_at is None and recipients:
        yield (
            _("Redaktion"),
            "notified_at",
            _message(
                _editor_subject(record),
                f"emails/{prefix}_editors.txt",
                context,
                recipients,
                reply_to=[record.email],
            ),
            True,
        )
    if is_inquiry and record.forwarded_at is None and _forwards(record):
        yield (
            _("Weiterleitung"),
            "forwarded_at",
            _message(
                _("Anfrage zu „%(place)s“ über Kreativorte im Grünen")
                % {"place": record.place.name},
                "emails/inquiry_forward.txt",
                context,
                [record.place.email],
                reply_to=[record.email],
            ),
            True,
        )
    if settings.KREATIVORTE_SEND_CONFIRMATION and record.confirmation_sent_at is None:
        # Best effort: the confirmation repeats nothing the sender typed, so the form cannot
        # be used to send someone else a message of one's choosing.
        yield (
            _("Eingangsbestätigung"),
            "confirmation_sent_at",
            _message(
                _("Ihre Nachricht an Kreativorte im Grünen")
                if is_inquiry
                else _("Ihr Vorschlag für Kreativorte im Grünen"),
                f"emails/{prefix}_confirmation.txt",
                context,
                [record.email],
            ),
            False,
        )


def _forwards(record):
    """Forward only what the sender agreed to when sending, and only while the entry still
    accepts forwarded inquiries."""
    place = record.place
    return record.forward_consented and place is not None and place.accepts_forwarded_inquiries


def _editor_subject(record):
    if isinstance(record, Inquiry):
        subject = _("Neue Anfrage: %(concern)s – %(name)s") % {
            "concern": record.get_concern_display(),
            "name": record.name,
        }
        if record.place:
            subject += f" ({record.place.name})"
    else:
        subject = _("Neuer Ortsvorschlag: %(place)s") % {"place": record.place.name}
    return Truncator(subject).chars(150)


def _message(subject, template, context, to, reply_to=None):
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
    )


def _mail_context(record):
    site_url = _site_url()
    context = {"record": record, "site_url": site_url}
    admin_name = "admin:places_inquiry_change"
    if isinstance(record, PlaceSubmission):
        admin_name = "admin:places_place_change"
        context["place"] = record.place
    elif record.place:
        context["place"] = record.place
        context["place_url"] = site_url + record.place.get_absolute_url()
    target = record.place_id if isinstance(record, PlaceSubmission) else record.pk
    context["admin_url"] = site_url + reverse(admin_name, args=[target])
    return context


def _site_url():
    scheme = "http" if settings.DEBUG else "https"
    try:
        domain = Site.objects.get_current().domain
    except Site.DoesNotExist:
        return ""
    return f"{scheme}://{domain}"


# Resending and retention


def needing_delivery(model, *, now=None):
    now = now or timezone.now()
    return (
        model.objects.needing_delivery(pending_since=now - PENDING_GRACE)
        .not_anonymised()
        .exclude(notification_status=NotificationStatus.SKIPPED)
    )


def resend(model, pks):
    """Deliver the given records again; returns (sent, failed) counts."""
    sent = failed = 0
    for pk in pks:
        outcome = deliver(model, pk)
        if outcome == NotificationStatus.SENT:
            sent += 1
        elif outcome == NotificationStatus.FAILED:
            failed += 1
    return sent, failed


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
