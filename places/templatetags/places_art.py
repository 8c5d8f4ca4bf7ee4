"""Illustrated placeholders: a small landscape with a building, drawn as inline SVG.

The building comes from the entry's former use (a school with its bell tower, a sawmill, a
manor…) or, failing that, from its category; the colours come from the category (site.css,
``.art--<category>``); sky band, horizon, sun, trees and the field pattern vary with the slug,
so neighbouring cards differ, and the same entry always looks the same. Decorative only: the
SVG is ``aria-hidden`` and carries no text.
"""

import hashlib

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Keywords in the former use, first match wins (so "Gutshof" is a manor, not a farmstead).
MOTIF_KEYWORDS = [
    ("school", ("schul",)),
    ("church", ("kirch", "kapelle", "pfarr")),
    ("station", ("bahnhof", "station", "stellwerk", "lokschuppen")),
    ("sawmill", ("säge", "saege", "mühle", "muehle", "sägewerk")),
    ("camp", ("ferien", "lager", "camp", "herberge", "bungalow")),
    ("barn", ("scheune", "stall", "speicher", "remise")),
    ("manor", ("guts", "herren", "schloss", "rittergut", "villa")),
    ("farm", ("hof", "bauern", "gehöft", "vorwerk", "fachwerk", "haus")),
]
CATEGORY_MOTIFS = {
    "wohnen-bauen": "house",
    "arbeiten-wirtschaft": "workshop",
    "leben-tourismus": "grove",
}
CATEGORIES = set(CATEGORY_MOTIFS)

# Each motif: solid shapes ("m", light with an outline) and detail strokes ("d"), drawn on a
# ground line at y=0, about 40 units wide, centred on x=0.
MOTIFS = {
    "school": (
        "M-20 0v-16h40v16zM-23-16l23-10 23 10zM-4-26v-8h8v8zM-6-34l6-5 6 5z",
        "M-14-4v-6h5v6M9-4v-6h5v6M-2 0v-8h4v8M0-36v-1",
    ),
    "church": (
        "M-18 0v-15h24v15zM-21-15l15-9 15 9zM6 0v-26h10v26zM6-26l5-14 5 14z",
        "M-12-3v-6M-6-3v-6M11-8v-6M11-30v-4",
    ),
    "station": (
        "M-16 0v-16h26v16zM-19-16l16-8 16 8zM10 0v-10h12v10z",
        "M-24 2h48M-11-3v-7h5v7M0-3v-7h5v7M10-10l14-3M-10-20h6",
    ),
    "sawmill": (
        "M-22 0v-13h32v13zM-24-13l18-7 18 7zM13 0v-24h5v24zM21 0v-7h10v7z",
        "M-17-3v-5h8v5M-4-3v-5h8v5M21-3.5h10M12-24h7",
    ),
    "camp": (
        "M-24 0v-8h12v8zM-26-8l8-5 8 5zM-6 0v-9h12v9zM-8-9l8-5 8 5zM12 0l8-14 8 14z",
        "M-20-2v-4M-2-2v-4M20 0v-6M20-14v-8l5 2-5 2",
    ),
    "barn": (
        "M-18 0v-16l18-12 18 12v16z",
        "M-7 0v-10a7 7 0 0 1 14 0v10M-7-10l14 10M7-10l-14 10M-3-20h6",
    ),
    "manor": (
        "M-24 0v-14h48v14zM-26-14l6-6h40l6 6zM-6 0v-18h12v18zM-8-18l8-6 8 6z",
        "M-19-4v-6M-14-4v-6M14-4v-6M19-4v-6M-2 0v-7h4v7M-2-12h4",
    ),
    "farm": (
        "M-22 0v-14h26v14zM-24-14l15-9 15 9zM8 0v-10h16v10zM6-10l10-6 10 6z",
        "M-22-7h26M-15-14v14M-3-14v14M-21-14l6 7M-9-7l6-7M14 0v-6h4v6",
    ),
    "house": (
        "M-13 0v-15h26v15zM-16-15l16-12 16 12zM6-22v-6h4v9z",
        "M-8-4v-6h5v6M3-4v-6h5v6M-2 0",
    ),
    "workshop": (
        "M-20 0v-16l10-6v6l10-6v6l10-6v6l10-6v22z",
        "M-15-3v-6h8v6M-3-3v-6h8v6M9 0v-9h6v9",
    ),
    "grove": (
        "M-20 0l11-17 11 17zM2-19a9 9 0 1 0 18 0a9 9 0 1 0-18 0",
        "M-9 0v-7M-9-17v-5l5 2-5 2M11 0v-11",
    ),
}
# Field patterns on the near field: furrows, a dotted meadow, or nothing.
PATTERNS = [
    "M0 70h120M8 76h104",
    "M10 68h.1M30 74h.1M50 69h.1M70 75h.1M90 68h.1M110 74h.1M20 78h.1M60 78h.1M100 78h.1",
    "",
]


def motif_for(former_use="", category_slug=""):
    """The motif name for a former use ("ehemalige Dorfschule" → "school"), else the
    category's, else a plain grove."""
    text = (former_use or "").lower()
    for motif, keywords in MOTIF_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return motif
    return CATEGORY_MOTIFS.get(category_slug, "grove")


def _svg(*, seed, motif, category, css_class=""):
    digest = hashlib.sha256((seed or "-").encode()).digest()
    horizon = 50 + digest[0] % 9  # where the far hills meet the sky
    rise = 4 + digest[1] % 8  # how hilly the far field is
    crest = 20 + digest[2] % 80
    sun_x, sun_y = 14 + digest[3] % 92, 12 + digest[4] % 10
    band = 14 + digest[5] % 16  # the lighter sky band
    building_x = (50, 60, 70)[digest[6] % 3]
    near = horizon + 8 + digest[7] % 6
    pattern = PATTERNS[digest[8] % len(PATTERNS)]
    trees = []
    for index in range(digest[9] % 3):
        x = (12 + digest[10 + index] % 30) if index == 0 else (84 + digest[10 + index] % 26)
        if abs(x - building_x) > 32:
            size = 4 + digest[12 + index] % 3
            ground = horizon + 3
            crown = ground - 4 - size
            trees.append(
                f"M{x} {ground}V{crown}M{x - size} {crown}"
                f"a{size} {size} 0 1 0 {2 * size} 0a{size} {size} 0 1 0 -{2 * size} 0"
            )
    shapes, details = MOTIFS[motif]
    field = f"M0 {horizon}Q{crest} {horizon - rise} 120 {horizon + 2}V80H0z"
    near_field = f"M0 {near + 3}Q{120 - crest} {near - 4} 120 {near}V80H0z"
    parts = [
        '<rect class="s" width="120" height="80"/>',
        f'<rect class="b" y="{band}" width="120" height="10"/>',
        f'<circle class="u" cx="{sun_x}" cy="{sun_y}" r="5"/>',
        f'<path class="f" d="{field}"/>',
        f'<g transform="translate({building_x} {horizon + 3}) scale(1.3)">'
        f'<path class="m" d="{shapes}"/><path class="d" d="{details}"/></g>',
        f'<path class="g" d="{near_field}"/>',
    ]
    if pattern:
        parts.append(f'<path class="p" d="{pattern}" transform="translate(0 {near - 66})"/>')
    if trees:
        parts.append(f'<path class="t" d="{"".join(trees)}"/>')
    return format_html(
        '<svg class="art art--{} art--{}{}" viewBox="0 0 120 80" preserveAspectRatio="xMidYMax '
        'slice" aria-hidden="true" focusable="false">{}</svg>',
        category if category in CATEGORIES else "none",
        motif,
        f" {css_class}" if css_class else "",
        mark_safe("".join(parts)),
    )


# The map's consent placeholder: a sketched map with a river, roads and three markers.
MAP_ART = mark_safe(
    '<svg class="art art--map{}" viewBox="0 0 120 80" preserveAspectRatio="xMidYMid slice" '
    'aria-hidden="true" focusable="false"><rect class="s" width="120" height="80"/>'
    '<path class="f" d="M0 52q30-10 60 0t60-4V80H0z"/>'
    '<path class="r" d="M-2 30q22 6 34-4t34 2 26 14 30-4"/>'
    '<path class="w" d="M8 78l24-34 30-10 20-24M40 80q10-20 40-24t40-20"/>'
    '<g class="k"><path class="k1" d="M30 46c-6-8-6-14 0-14s6 6 0 14z"/>'
    '<path class="k2" d="M66 41c-6-8-6-14 0-14s6 6 0 14z"/>'
    '<path class="k3" d="M94 50c-6-8-6-14 0-14s6 6 0 14z"/></g></svg>'
)


@register.simple_tag
def place_art(place, css_class=""):
    """The placeholder of an entry: ``{% place_art place %}``. Reads the prefetched categories."""
    category = next(iter(place.categories.all()), None)
    category_slug = category.slug if category else ""
    return _svg(
        seed=place.slug,
        motif=motif_for(place.former_use, category_slug),
        category=category_slug,
        css_class=css_class,
    )


@register.simple_tag
def category_art(slug="", seed="", css_class=""):
    """The placeholder of a category (or of none): ``{% category_art category.slug %}``;
    ``{% category_art "map" %}`` is the map's."""
    if slug == "map":
        return format_html(MAP_ART, f" {css_class}" if css_class else "")
    return _svg(seed=seed or slug, motif=motif_for("", slug), category=slug, css_class=css_class)
