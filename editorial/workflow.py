"""The editorial workflow: Eingereicht → Entwurf → Veröffentlicht → Archiviert.

One function per transition; the admin's list actions and change-form buttons call them, the
import and the tests too. Each one checks that the move is allowed, saves, records a version in
the history (who, when, what) and makes cached pages stale.
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from places import publishing
from places.cache import bump_generation
from places.models import Place, PlaceOldSlug

from .regions import may_work_on

Status = Place.Status


class TransitionNotAllowed(ValidationError):
    pass


class Transition:
    def __init__(self, name, label, sources, target, done):
        self.name = name
        self.label = label
        self.sources = frozenset(sources)
        self.target = target
        self.done = done

    def allowed_for(self, place):
        return place.status in self.sources


TRANSITIONS = {
    transition.name: transition
    for transition in [
        Transition(
            "accept",
            _("Als Entwurf übernehmen"),
            [Status.SUBMITTED],
            Status.DRAFT,
            _("als Entwurf übernommen"),
        ),
        Transition(
            "publish",
            _("Veröffentlichen"),
            [Status.SUBMITTED, Status.DRAFT],
            Status.PUBLISHED,
            _("veröffentlicht"),
        ),
        Transition(
            "unpublish",
            _("Veröffentlichung zurücknehmen"),
            [Status.PUBLISHED],
            Status.DRAFT,
            _("zurück in den Entwurf gesetzt"),
        ),
        Transition(
            "archive",
            _("Archivieren"),
            [Status.SUBMITTED, Status.DRAFT, Status.PUBLISHED],
            Status.ARCHIVED,
            _("archiviert"),
        ),
        Transition(
            "restore",
            _("Aus dem Archiv holen"),
            [Status.ARCHIVED],
            Status.DRAFT,
            _("aus dem Archiv geholt (Entwurf)"),
        ),
    ]
}


def available_transitions(place):
    return [transition for transition in TRANSITIONS.values() if transition.allowed_for(place)]


def _check(place, transition, user):
    if user is not None and not may_work_on(user, place.district_id):
        raise TransitionNotAllowed(
            gettext("„%(place)s“ liegt nicht in Ihren Regionen.") % {"place": place}
        )
    if not transition.allowed_for(place):
        raise TransitionNotAllowed(
            gettext("„%(place)s“ ist „%(status)s“ und kann nicht %(done)s werden.")
            % {"place": place, "status": place.get_status_display(), "done": transition.done}
        )


def _move(place, transition, *, user, save=None):
    """Check, save (``save``, or just the new status), record a version, refresh caches."""
    _check(place, transition, user)
    with transaction.atomic(), reversion.create_revision():
        if save is None:
            place.status = transition.target
            place.save(update_fields=["status", "updated_at"])
        else:
            save()
        reversion.add_to_revision(place)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(gettext("Status: %(status)s") % {"status": transition.target.label})
    bump_generation()
    return place


def accept(place, *, user=None):
    """Eingereicht → Entwurf: the editors take a suggestion on."""
    return _move(place, TRANSITIONS["accept"], user=user)


def publish(place, *, user=None):
    """Make the entry public through the one publishing step (places.publishing), which sets
    the publication date on the first publication only, so a re-published entry keeps it."""
    transition = TRANSITIONS["publish"]
    _check(place, transition, user)
    place.full_clean()
    return _move(place, transition, user=user, save=lambda: publishing.publish(place, by=user))


def unpublish(place, *, user=None):
    return _move(place, TRANSITIONS["unpublish"], user=user)


def archive(place, *, user=None):
    """Take the entry off the portal for good; its address answers 410 Gone."""
    return _move(place, TRANSITIONS["archive"], user=user)


def restore(place, *, user=None):
    """Archiviert → Entwurf; publishing it again is a separate, deliberate step."""
    return _move(place, TRANSITIONS["restore"], user=user)


FUNCTIONS = {
    "accept": accept,
    "publish": publish,
    "unpublish": unpublish,
    "archive": archive,
    "restore": restore,
}


def run(name, place, *, user=None):
    return FUNCTIONS[name](place, user=user)


def mark_checked(places, *, user=None, today=None):
    """Record that the editors checked these entries today; returns how many."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic(), reversion.create_revision():
        for place in places:
            if user is not None and not may_work_on(user, place.district_id):
                continue
            place.last_checked = today
            place.save(update_fields=["last_checked", "updated_at"])
            reversion.add_to_revision(place)
            count += 1
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(gettext("Als geprüft markiert"))
    bump_generation()
    return count


def record_slug_change(place, old_slug):
    """Keep a renamed entry's old address so it redirects (301) to the new one."""
    if not old_slug or old_slug == place.slug:
        return
    PlaceOldSlug.objects.filter(slug=place.slug).delete()
    PlaceOldSlug.objects.update_or_create(slug=old_slug, defaults={"place": place})
