"""The open-data shapes of published entries: GeoJSON features and CSV rows.

Only what the public Steckbrief shows goes out, minus personal data: no e-mail address, phone
number or contact person (the portal's contact form is the way to reach people), no editorial
fields. The same FilterSet selects the entries for the list, the map and both exports.
"""

import csv

from django.conf import settings
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse

from . import blueprint, steckbrief
from .models import Category, Feature, FundingProgramme, Milestone, Need, Place

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
]
# "Wie es gemacht wurde", for founders' own maps and analyses: the Steckbrief's own facts, under
# their CSV column names (gebaeudetyp, rechtsform, eigentum).
GEOJSON_FACTS = [
    fact
    for fact in steckbrief.exported_facts()
    if fact.field in {"building_type", "organisation_form", "ownership"}
]
GEOJSON_FIELDS += [fact.field for fact in GEOJSON_FACTS]


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
            **{fact.column: fact.export(place) or "" for fact in GEOJSON_FACTS},
            "foerderung": steckbrief.programme_names(place),
            "zeitleiste": blueprint.timeline_text(place.milestones.all()),
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
    """The names of a relation, joined by the database (``csv_queryset``)."""
    return lambda place, url: getattr(place, f"{relation}_names")


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
    ("zeitleiste", lambda place, url: place.timeline),
    ("website", _field("website")),
    ("zuletzt_geprueft", lambda place, url: place.last_checked and place.last_checked.isoformat()),
    ("lizenz", lambda place, url: settings.KREATIVORTE_DATA_LICENSE),
]


def csv_row(place, url):
    return [_cell(cell(place, url)) for _column, cell in CSV]


# The CSV reads every entry in one query: vocabulary names joined by the database, the rows
# streamed from a server-side cursor, so the first byte leaves before the last row is read.
CSV_SEPARATOR = "; "
JOINED = {
    "categories": Category,
    "features": Feature,
    "needs": Need,
    "funding_programmes": FundingProgramme,
}
# Between the milestones joined by the database; a control character no text contains.
MILESTONE_SEPARATOR = "\x1f"


def _joined_names(model):
    """The names of an entry's categories, features or groups as one text (in any order: SQLite
    before 3.44 cannot order an aggregate; ``_in_order`` sorts them)."""
    names = (
        model.objects.filter(places=OuterRef("pk"))
        .order_by()
        .values("places")
        .annotate(joined=StringAgg("name", Value(CSV_SEPARATOR)))
        .values("joined")
    )
    return Subquery(names)


def _joined_milestones():
    """An entry's milestones as one text, "year|month|text" each, for ``_timeline``."""
    item = Concat(
        Cast("year", CharField()),
        Value("|"),
        Coalesce(Cast("month", CharField()), Value("")),
        Value("|"),
        "text",
        output_field=CharField(),
    )
    milestones = (
        Milestone.objects.filter(place=OuterRef("pk"))
        .order_by()
        .values("place")
        .annotate(joined=StringAgg(item, Value(MILESTONE_SEPARATOR)))
        .values("joined")
    )
    return Subquery(milestones)


def _timeline(joined):
    """The joined milestones as the timeline's compact text, in date order."""
    if not joined:
        return ""
    milestones = []
    for item in joined.split(MILESTONE_SEPARATOR):
        year, month, text = item.split("|", 2)
        milestones.append(Milestone(year=int(year), month=int(month) if month else None, text=text))
    milestones.sort(key=lambda milestone: (milestone.year, milestone.month or 0))
    return blueprint.timeline_text(milestones)


def csv_queryset(places):
    joined = {f"{relation}_names": _joined_names(model) for relation, model in JOINED.items()}
    joined["milestones_joined"] = _joined_milestones()
    # The joined-names annotations drop the ordering: give the filter's order back.
    return (
        places.select_related("district")
        .prefetch_related(None)
        .defer("description", "search_text", "search_vector")
        .annotate(**joined)
        .order_by(*places.query.order_by)
    )


def _in_order(joined, positions):
    """Joined names in the vocabulary's order (the editors' order, then the name)."""
    if not joined:
        return ""
    names = joined.split(CSV_SEPARATOR)
    return CSV_SEPARATOR.join(sorted(names, key=lambda name: positions.get(name, len(positions))))


class _Echo:
    def write(self, value):
        return value


def stream_csv(places, build_url, chunk_size=2000):
    """The CSV, line by line: a byte order mark, the header and one row per entry."""
    before, after = build_url(reverse("places:place-detail", kwargs={"slug": "SLUG"})).split("SLUG")
    positions = {
        relation: {
            name: index for index, name in enumerate(model.objects.values_list("name", flat=True))
        }
        for relation, model in JOINED.items()
    }
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column for column, _getter in CSV])
    for place in csv_queryset(places).iterator(chunk_size=chunk_size):
        for relation in JOINED:
            attribute = f"{relation}_names"
            setattr(place, attribute, _in_order(getattr(place, attribute), positions[relation]))
        place.timeline = _timeline(place.milestones_joined)
        yield writer.writerow(csv_row(place, f"{before}{place.slug}{after}"))
