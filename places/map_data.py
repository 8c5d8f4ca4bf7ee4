"""The map's own data: a compact marker list, and the few facts a popup shows.

The open-data GeoJSON (``/orte.geojson``) stays the full, self-describing RFC 7946 export. The
map needs far less per marker: an id, the position rounded to five decimals (about a metre), the
index of its first category, which gives the marker its colour, and the name, which is the
marker's accessible name (a keyboard or screen reader user hears "Coconat", not "Marker"). So
the map loads ``[[id, latitude, longitude, category, name], …]`` with the categories listed
once, and fetches kind, locality, categories and link for the one marker a visitor opens.
Payloads are cached per generation (``places.cache``), so an editorial change shows at once and
a visitor request never rebuilds an unchanged payload. At 10,000 entries the list is about
180 KB compressed (tests/places/test_map_data.py holds it under 300 KB).
"""

import json

from django.db.models import OuterRef, Subquery

from .cache import cached_fragment
from .models import Category, Place

FORMAT_VERSION = 1
COORDINATE_DECIMALS = 5
# Also a safety net: a write that forgot to bump the generation shows after five minutes.
CACHE_SECONDS = 300


def first_category():
    """The id of an entry's first category in the editors' order: its marker colour."""
    links = Place.categories.through.objects.filter(place=OuterRef("pk")).order_by(
        "category__order", "category__name"
    )
    return Subquery(links.values("category_id")[:1])


def marker_payload(places):
    """The marker list for ``places`` (entries with coordinates) as compact JSON bytes."""
    categories = list(Category.objects.order_by("order", "name").values_list("pk", "slug", "name"))
    index = {pk: position for position, (pk, _slug, _name) in enumerate(categories)}
    rows = (
        places.order_by("pk")
        .annotate(marker_category=first_category())
        .values_list("pk", "latitude", "longitude", "marker_category", "name")
    )
    markers = [
        [
            pk,
            round(float(latitude), COORDINATE_DECIMALS),
            round(float(longitude), COORDINATE_DECIMALS),
            index.get(category),
            name,
        ]
        for pk, latitude, longitude, category, name in rows
    ]
    payload = {
        "version": FORMAT_VERSION,
        "categories": [{"slug": slug, "name": name} for _pk, slug, name in categories],
        "fields": ["id", "latitude", "longitude", "category", "name"],
        "markers": markers,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def cached_marker_payload(query, build):
    """The payload for this query string from the cache, else ``build()`` (which may return
    None for invalid filters: nothing is cached then)."""
    return cached_fragment("markers", build, query, seconds=CACHE_SECONDS)


def popup(place, url):
    """What a marker's popup shows: name, kind, locality and the link to the Steckbrief."""
    locality = ", ".join(part for part in [place.locality, place.locality_part] if part)
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.get_kind_display(),
        "locality": locality,
        "categories": [category.name for category in place.categories.all()],
        "url": url,
    }
