"""The open-data shapes of published entries: GeoJSON features and CSV rows.

Only what the public Steckbrief shows goes out, minus personal data: no e-mail address, phone
number or contact person (the portal's contact form is the way to reach people), no editorial
fields. The same FilterSet selects the entries for the list, the map and both exports.
"""

import csv

from django.conf import settings

from . import blueprint, steckbrief
from .models import Place

PUBLISHER = "Kreativorte im Grünen"

# Spreadsheets run cells that start like this as formulas (CSV injection); a leading apostrophe
# keeps them text, as OWASP recommends. Our own numbers never start with these characters.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def licence():
    return {
        "name": settings.KREATIVORTE_DATA_LICENSE,
        "url": settings.KREATIVORTE_DATA_LICENSE_URL,
        "attribution": PUBLISHER,
    }


def _names(related):
    return [item.name for item in related.all()]


# What a map marker needs; the GeoJSON view loads only these columns, plus ``seeking``
# (whether the entry looks for people) as an annotation.
GEOJSON_FIELDS = [
    "slug",
    "name",
    "teaser",
    "kind",
    "locality",
    "locality_part",
    "latitude",
    "longitude",
    # "Wie es gemacht wurde", for founders' own maps and analyses.
    "building_type",
    "organisation_form",
    "ownership",
]


def geojson_feature(place, url, kind_labels):
    """One RFC 7946 feature: coordinates are [longitude, latitude]."""
    categories = list(place.categories.all())
    return {
        "type": "Feature",
        "id": place.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [float(place.longitude), float(place.latitude)],
        },
        "properties": {
            "name": place.name,
            "url": url,
            "teaser": place.teaser,
            "kind": kind_labels[place.kind],
            "category": categories[0].slug if categories else "",
            "categories": [category.name for category in categories],
            "locality": place.locality,
            "locality_part": place.locality_part,
            "seeking": place.seeking,
            "gebaeudetyp": place.get_building_type_display() if place.building_type else "",
            "rechtsform": (
                place.get_organisation_form_display() if place.organisation_form else ""
            ),
            "eigentum": place.get_ownership_display() if place.ownership else "",
            "foerderung": _names(place.funding_programmes),
            "zeitleiste": blueprint.timeline_text(place),
        },
    }


def geojson_collection(places, build_url):
    """A FeatureCollection of the entries that have coordinates; the others are left out.

    ``places`` carry a ``seeking`` annotation. Choice labels are translated once, not per entry.
    """
    kind_labels = {value: str(label) for value, label in Place.Kind.choices}
    return {
        "type": "FeatureCollection",
        "license": licence(),
        "features": [
            geojson_feature(place, build_url(place.get_absolute_url()), kind_labels)
            for place in places
            if place.has_coordinates
        ],
    }


def _cell(value):
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def _joined(relation):
    return lambda place, url: "; ".join(_names(getattr(place, relation)))


def _field(name):
    return lambda place, url: getattr(place, name)


def _display(name):
    return lambda place, url: getattr(place, f"get_{name}_display")()


# The CSV's columns, each with its cell: the Steckbrief facts with a column (places/steckbrief.py)
# come after the location.
CSV = [
    ("name", _field("name")),
    ("url", lambda place, url: url),
    ("art", _display("kind")),
    ("kategorien", _joined("categories")),
    ("merkmale", _joined("features")),
    ("stand", _display("stage")),
    ("gesucht_werden", _joined("needs")),
    ("kurztext", _field("teaser")),
    ("strasse", _field("street")),
    ("postleitzahl", _field("postal_code")),
    ("gemeinde", _field("locality")),
    ("ortsteil", _field("locality_part")),
    ("landkreis", lambda place, url: place.district.name),
    ("bundesland", lambda place, url: place.district.get_state_display()),
    ("breitengrad", _field("latitude")),
    ("laengengrad", _field("longitude")),
    *[
        (fact.column, lambda place, url, fact=fact: fact.export(place))
        for fact in steckbrief.exported_facts()
    ],
    ("zeitleiste", lambda place, url: blueprint.timeline_text(place)),
    ("website", _field("website")),
    ("zuletzt_geprueft", lambda place, url: place.last_checked and place.last_checked.isoformat()),
    ("lizenz", lambda place, url: settings.KREATIVORTE_DATA_LICENSE),
]


def csv_row(place, url):
    return [_cell(cell(place, url)) for _column, cell in CSV]


def write_csv(stream, places, build_url):
    writer = csv.writer(stream)
    writer.writerow([column for column, _getter in CSV])
    for place in places:
        writer.writerow(csv_row(place, build_url(place.get_absolute_url())))
