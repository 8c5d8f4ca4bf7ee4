"""Notifying the editors (and, where agreed, the entry's operators and the sender) of a saved
submission, recording the outcome, and delivering again what failed.

Every attempt is recorded on the row, so a mail outage leaves rows in status "fehlgeschlagen"
that the admin action or ``manage.py resend_notifications`` delivers later. Delivery is at least
once: a mail may in rare races go out twice, but none is dropped.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Inquiry, NotificationStatus, PlaceSubmission

logger = logging.getLogger(__name__)

# Pending rows older than this were never delivered (the process ended between commit and
# sending): the resend command picks them up.
PENDING_GRACE = timedelta(minutes=10)
ERROR_MAX_LENGTH = 2000
RECORD_MODELS = {"inquiry": Inquiry, "submission": PlaceSubmission}


def deliver(model, pk):
    """Send whatever mails of this submission have not gone out yet and record the outcome.

    Returns the record's notification status afterwards, or None if another process claimed
    the record first or there is nothing to send.
    """
    record = model.objects.due_for_delivery().filter(pk=pk).first()
    if record is None or not _claim(record):
        return None

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


def _claim(record):
    """Count this attempt, unless a parallel delivery claimed the record first: only one of
    two finds the attempt count unchanged."""
    claimed = (
        type(record)
        .objects.filter(pk=record.pk, notification_attempts=record.notification_attempts)
        .update(notification_attempts=F("notification_attempts") + 1)
    )
    record.notification_attempts += 1
    return bool(claimed)


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
                f"inquiries/emails/{prefix}_editors.txt",
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
                "inquiries/emails/inquiry_forward.txt",
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
                f"inquiries/emails/{prefix}_confirmation.txt",
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
    admin_name = "admin:inquiries_inquiry_change"
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


def overdue(model, *, now=None):
    """What the resend command delivers: due rows, leaving young pending ones to their task."""
    now = now or timezone.now()
    return model.objects.due_for_delivery(pending_since=now - PENDING_GRACE)


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
