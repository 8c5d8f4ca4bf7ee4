"""Entries that may be the same place as another: for the editors' duplicate warning.

Two entries look alike when their names are similar and they are in the same locality, when
they lie within a few hundred metres of each other, or when their names are nearly identical
wherever they are ("Coconat" suggested again). Nothing is blocked; editors decide.
"""

from decimal import Decimal
from difflib import SequenceMatcher

from django.db.models import Q

from .models import Place
from .text import slugify_de

NEARBY_METRES = 300
# About 300 m in degrees at these latitudes (one degree of longitude is about 68 km here).
LATITUDE_DELTA = Decimal("0.0027")
LONGITUDE_DELTA = Decimal("0.0045")
SIMILAR = 0.75
NEARLY_IDENTICAL = 0.9
MAX_CANDIDATES = 200
STOP_WORDS = {"der", "die", "das", "und", "im", "am", "an", "in", "e", "v", "ev", "alte", "alter"}


def _normalised(name):
    return " ".join(word for word in slugify_de(name).split("-") if word not in STOP_WORDS)


def name_similarity(first, second):
    a, b = _normalised(first), _normalised(second)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _significant_words(name):
    return [word for word in _normalised(name).split() if len(word) >= 4][:3]


def similar_places(*, name, locality="", latitude=None, longitude=None, exclude_pk=None):
    """Entries resembling the given name and position, most similar first."""
    nearby = Q(pk__in=[])
    if latitude is not None and longitude is not None:
        latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
        nearby = Q(
            latitude__range=(latitude - LATITUDE_DELTA, latitude + LATITUDE_DELTA),
            longitude__range=(longitude - LONGITUDE_DELTA, longitude + LONGITUDE_DELTA),
        )
    same_name = Q(pk__in=[])
    for word in _significant_words(name):
        same_name |= Q(name__icontains=word) | Q(slug__contains=word)
    same_locality = Q(locality__iexact=locality.strip()) if locality.strip() else Q(pk__in=[])
    candidates = (
        Place.objects.filter(nearby | same_name | same_locality)
        .exclude(pk=exclude_pk)
        .only("name", "slug", "locality", "latitude", "longitude", "status")
        .order_by("name")[:MAX_CANDIDATES]
    )
    found = []
    for candidate in candidates:
        similarity = name_similarity(name, candidate.name)
        close = (
            latitude is not None
            and candidate.latitude is not None
            and abs(candidate.latitude - latitude) <= LATITUDE_DELTA
            and abs(candidate.longitude - longitude) <= LONGITUDE_DELTA
        )
        local = bool(locality.strip()) and candidate.locality.casefold() == locality.casefold()
        if close or (local and similarity >= SIMILAR) or similarity >= NEARLY_IDENTICAL:
            found.append((similarity, candidate))
    found.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [candidate for _similarity, candidate in found]


def similar_to(place):
    return similar_places(
        name=place.name,
        locality=place.locality,
        latitude=place.latitude,
        longitude=place.longitude,
        exclude_pk=place.pk,
    )
