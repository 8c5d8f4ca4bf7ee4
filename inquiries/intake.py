"""Inquiries that are never lost: save first, notify after commit.

A submission is written to the database in one transaction. Only after it has committed are the
editors notified, through the ``django.tasks`` task in inquiries/tasks.py (the default
ImmediateBackend runs it right away; a queue backend moves it off the request without code
changes). inquiries/notifications.py sends the mails and records every attempt on the row.
"""

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from places.models import Place, PlaceImage
from places.tasks import write_renditions_on_commit
from places.text import derive_teaser

from .models import Concern, Inquiry, InquiryStatus, NotificationStatus, PlaceSubmission
from .tasks import deliver_notifications

SLUG_ATTEMPTS = 5


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


def submit_suggestion(*, token, place, data, photos=(), spam=False):
    """Save a suggested entry (status Eingereicht, never public) with its photos and the
    submitter's private contact details, then notify the editors once it has committed.

    ``place`` is an unsaved Place with the public fields filled in, ``data`` the suggest form's
    cleaned data; ``photos`` are (file, alt text) pairs that have passed
    :func:`places.images.clean_image`. From a suspected bot (``spam``) only a spam inquiry is
    kept.
    """
    if spam:
        return _submit_spam_suggestion(token=token, data=data)
    existing = PlaceSubmission.objects.filter(token=token).first()
    if existing is not None:
        return existing
    place.status = Place.Status.SUBMITTED
    place.teaser = derive_teaser(place.description, fallback=place.name)
    try:
        with transaction.atomic():
            _save_with_unique_slug(place)
            place.categories.set(data["categories"])
            for order, (photo, alt_text) in enumerate(photos):
                write_renditions_on_commit(
                    PlaceImage.objects.create(
                        place=place,
                        image=photo,
                        alt_text=alt_text,
                        credit=data["photo_credit"],
                        order=order,
                    )
                )
            submission = PlaceSubmission.objects.create(
                place=place,
                token=token,
                name=data["submitter_name"],
                email=data["submitter_email"],
                phone=data.get("submitter_phone", ""),
                note=data.get("note", ""),
                rights_confirmed=bool(photos) and data.get("rights_confirmed", False),
                consent_at=timezone.now(),
            )
            _notify_on_commit("submission", submission.pk)
    except IntegrityError:
        existing = PlaceSubmission.objects.filter(token=token).first()
        if existing is None:
            raise
        return existing
    return submission


def _submit_spam_suggestion(*, token, data):
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


def _save_with_unique_slug(place):
    """Save with a slug no other entry has, retrying if a parallel request took it first."""
    for attempt in range(SLUG_ATTEMPTS):
        place.slug = Place.objects.unique_slug(place.name)
        try:
            with transaction.atomic():
                place.save()
            return
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1 or not Place.objects.filter(slug=place.slug).exists():
                raise


def _notify_on_commit(kind, pk):
    transaction.on_commit(partial(deliver_notifications.enqueue, kind, pk), robust=True)
