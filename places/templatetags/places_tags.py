"""Template helpers for the directory pages: links into the list, JSON-LD and map settings."""

import json
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import fragments, gazetteer, open_data, steckbrief, structured_data

register = template.Library()

# As in django.utils.html.json_script: JSON that cannot close or open markup inside <script>.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def fragment_seconds():
    """How long fragments are kept: ``{% fragment_seconds as seconds %}`` for ``{% cache %}``."""
    return settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS


@register.simple_tag
def place_cards(places):
    """``{% place_cards places as cards %}``: each entry's card, rendered once per generation."""
    return fragments.place_cards(places)


@register.simple_tag(takes_context=True)
def filter_form(context, filterset, action, sortable=False):
    """``{% filter_form filter action sortable=True %}``: the form, once per selection."""
    return fragments.filter_form(context["request"], filterset, action, sortable)


@register.simple_tag
def list_url(**params):
    """The list URL with the given filters, e.g. ``{% list_url kategorie=category.slug %}``."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value not in (None, ""):
            query[name] = value
    url = reverse("places:place-list")
    return f"{url}?{query.urlencode()}" if query else url


@register.simple_tag(takes_context=True)
def current_nav(context):
    """Which main navigation entry the page belongs to: what the view says (the list tells
    "Mitmachen" from "Orte entdecken" by its filters), else the name of the URL."""
    if context.get("nav_current"):
        return context["nav_current"]
    match = getattr(context.get("request"), "resolver_match", None)
    return match.url_name if match else ""


@register.simple_tag
def steckbrief_sections(place):
    """The fact sections of an entry's Steckbrief (places/steckbrief.py), by key."""
    return steckbrief.sections(place)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def place_json_ld(context, place):
    """A ``<script type="application/ld+json">`` block; data blocks are never executed."""
    data = structured_data.schema_org_place(place, context["request"].build_absolute_uri)
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag
def data_licence():
    return open_data.licence()


@register.simple_tag
def gazetteer_source():
    """Name, link and licence of the town list behind "In der Nähe von" (CC BY asks for it)."""
    return gazetteer.SOURCE


@register.simple_tag
def map_settings():
    return {
        "tile_url": settings.KREATIVORTE_MAP_TILE_URL,
        "tile_host": urlsplit(settings.KREATIVORTE_MAP_TILE_URL).netloc.replace("{s}.", ""),
        "attribution": settings.KREATIVORTE_MAP_ATTRIBUTION,
        "attribution_url": settings.KREATIVORTE_MAP_ATTRIBUTION_URL,
    }


@register.filter
def display_url(url):
    """A web address without the scheme, "www." and trailing slash, for link texts."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path}".rstrip("/") or url
