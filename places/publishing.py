"""Publishing an entry: the one step that makes it public and gives it its publication date."""

from django.utils import timezone

from .cache import bump_generation
from .models import Place


def publish(place, *, by=None):
    """Make ``place`` public and save it.

    It is dated now, unless it already has a publication date (an entry published before, or
    one an editor dated by hand keeps it). ``by`` is the editor who publishes, for the
    editorial history.
    """
    place.status = Place.Status.PUBLISHED
    if place.published_at is None:
        place.published_at = timezone.now()
    place.save()
    bump_generation()
    return place
