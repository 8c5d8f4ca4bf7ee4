"""Entries nobody has checked for a long time, and the reminder mail to their editors."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from places.models import Place

from .regions import allowed_district_ids


def stale_before(today=None):
    """The date before which a check counts as too old (KREATIVORTE_STALE_MONTHS ago)."""
    today = today or timezone.localdate()
    year, month = divmod(today.month - 1 - settings.KREATIVORTE_STALE_MONTHS, 12)
    return today.replace(year=today.year + year, month=month + 1, day=min(today.day, 28))


def stale_places(user=None, today=None):
    """Published and draft entries due for a check, in ``user``'s districts (all without a
    user), longest unchecked first."""
    return (
        Place.objects.exclude(status=Place.Status.ARCHIVED)
        .due_for_check(checked_before=stale_before(today))
        .in_districts(None if user is None else allowed_district_ids(user))
        .select_related("district")
        .order_by("last_checked", "name")
    )


def regional_editors():
    """Active staff with an e-mail address and at least one region: each gets the entries of
    their regions. The central office sees the full list in the admin."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, region_assignments__isnull=False)
        .filter(~Q(email=""))
        .distinct()
        .order_by("username")
    )


def _site_url():
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}"


def reminder(user, places):
    site_url = _site_url()
    context = {
        "user": user,
        "places": [
            (place, site_url + reverse("admin:places_place_change", args=[place.pk]))
            for place in places
        ],
        "months": settings.KREATIVORTE_STALE_MONTHS,
        "list_url": site_url + reverse("admin:places_place_changelist") + "?geprueft=faellig",
    }
    return EmailMessage(
        subject=gettext("Kreativorte: %(count)d Einträge warten auf Ihre Prüfung")
        % {"count": len(places)},
        body=render_to_string("editorial/emails/stale_entries.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def send_reminders(*, dry_run=False, today=None):
    """One mail per regional editor with stale entries; returns (editor, count) pairs."""
    sent = []
    for user in regional_editors():
        places = list(stale_places(user, today))
        if not places:
            continue
        if not dry_run:
            reminder(user, places).send()
        sent.append((user, len(places)))
    return sent
