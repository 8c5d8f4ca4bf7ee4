"""Rendered fragments that many requests share, kept under the cache generation.

Rendering is most of what a list page costs: two dozen cards and the filter form with its
counts. An entry's card looks the same on the home page, in every list and search and under
"Ähnliche Orte" until the next editorial change, a selection's filter form is the same on
each of its pages, and an entry's Steckbrief is the same for every visitor; so they are
rendered once per generation and read back from the cache (a page's cards in one round trip).
``bump_generation()`` makes all of them stale at once, as it does the page cache
(places/cache.py). With KREATIVORTE_FRAGMENT_CACHE_SECONDS=0 everything is rendered on every
request.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .cache import cached_fragment, generation
from .models import PlaceQuerySet

CARD_TEMPLATE = "places/includes/_place_card.html"
STECKBRIEF_TEMPLATES = {
    "head": "places/includes/_steckbrief_head.html",
    "body": "places/includes/_steckbrief.html",
}
FILTER_FORM_TEMPLATE = "places/includes/_filter_form.html"


def _card_key(current, place):
    # A card shows the distance when the list is sorted by nearness to a town.
    distance = getattr(place, "distance_km", None)
    distance = "" if distance is None else round(distance)
    return f"kreativorte:card:{current}:{get_language()}:{place.pk}:{distance}"


def _render(places):
    """Cards of entries loaded with ``with_cards()``: their relations in three queries."""
    prefetch_related_objects(places, *PlaceQuerySet.card_prefetches())
    return [render_to_string(CARD_TEMPLATE, {"place": place}) for place in places]


def place_cards(places):
    """The card of each entry in ``places`` (loaded with ``with_cards()``), in order, as HTML."""
    places = list(places)
    seconds = settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS
    current = generation() if seconds and places else None
    if current is None:
        return _render(places)
    keys = [_card_key(current, place) for place in places]
    found = cache.get_many(keys)
    missing = {key: place for key, place in zip(keys, places, strict=True) if key not in found}
    if missing:
        built = dict(zip(missing, _render(list(missing.values())), strict=True))
        cache.set_many(built, seconds)
        found.update(built)
    return [mark_safe(found[key]) for key in keys]


def filter_form(request, filterset, action, sortable=False):
    """The filter form with its facet counts, rendered once per generation and selection
    (the query string without the page number; invalid values, with their messages, too)."""
    query = request.GET.copy()
    query.pop("seite", None)

    def build():
        return render_to_string(
            FILTER_FORM_TEMPLATE, {"filter": filterset, "action": action, "sortable": sortable}
        )

    name = f"filter-form:{get_language()}:{action}:{int(sortable)}"
    return mark_safe(cached_fragment(name, build, query))


def steckbrief(request, place, context):
    """The Steckbrief of ``place`` (its head tags and its body) as HTML. ``context()`` gives
    what the templates need besides the entry (related entries, distances); it, the entry's
    relations and the rendering are only asked for when nothing is cached. A draft's preview
    (staff only) is built every time."""

    def build():
        prefetch_related_objects([place], *PlaceQuerySet.DETAIL_PREFETCHES)
        values = {"place": place, **context()}
        return {
            part: render_to_string(template, values, request=request)
            for part, template in STECKBRIEF_TEMPLATES.items()
        }

    if not place.is_published:
        parts = build()
    else:
        # Absolute addresses (canonical link, Open Graph, JSON-LD) follow the host asked for.
        name = f"steckbrief:{get_language()}:{request.scheme}://{request.get_host()}:{place.pk}"
        parts = cached_fragment(name, build)
    return {part: mark_safe(html) for part, html in parts.items()}
