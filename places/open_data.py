"""The open-data shapes of published entries: GeoJSON features and CSV rows.

Only what the public Steckbrief shows goes out, minus personal data: no e-mail address, phone
number or contact person (the portal's contact form is the way to reach people), no editorial
fields. The same FilterSet selects the entries for the list, the map and both exports.
"""

import csv

from django.conf import settings
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.urls import reverse

from .models import Category, Feature, Need, Place

PUBLISHER = "Kreativorte im Grünen"

CSV_COLUMNS = [
    "name",
    "url",
    "art",
    "kategorien",
    "merkmale",
    "stand",
    "gesucht_werden",
    "kurztext",
    "strasse",
    "postleitzahl",
    "gemeinde",
    "ortsteil",
    "landkreis",
    "bundesland",
    "breitengrad",
    "laengengrad",
    "fruehere_nutzung",
    "baujahr",
    "aktiv_seit",
    "website",
    "zuletzt_geprueft",
    "lizenz",
]

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


# The CSV reads every entry in one query: vocabulary names joined by the database, the rows
# streamed from a server-side cursor, so the first byte leaves before the last row is read.
CSV_FIELDS = [
    "slug",
    "name",
    "kind",
    "stage",
    "teaser",
    "street",
    "postal_code",
    "locality",
    "locality_part",
    "district__name",
    "district__state",
    "latitude",
    "longitude",
    "former_use",
    "building_year",
    "active_since",
    "website",
    "last_checked",
]
CSV_SEPARATOR = "; "


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


def csv_queryset(places):
    return (
        places.order_by()
        .select_related(None)
        .prefetch_related(None)
        .annotate(
            category_names=_joined_names(Category),
            feature_names=_joined_names(Feature),
            need_names=_joined_names(Need),
        )
    )


class _Echo:
    def write(self, value):
        return value


def stream_csv(places, build_url, chunk_size=2000):
    """The CSV, line by line: a byte order mark, the header and one row per entry."""
    url_template = build_url(reverse("places:place-detail", kwargs={"slug": "SLUG"}))
    before, after = url_template.split("SLUG")
    labels = {
        "kind": {value: str(label) for value, label in Place.Kind.choices},
        "stage": {value: str(label) for value, label in Place.Stage.choices},
        "state": {
            value: str(label)
            for value, label in Place._meta.get_field("district").related_model.State.choices
        },
    }
    positions = {
        model: {
            name: index for index, name in enumerate(model.objects.values_list("name", flat=True))
        }
        for model in (Category, Feature, Need)
    }
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    # The joined-names annotations drop the ordering: give the filter's order back.
    rows = (
        csv_queryset(places)
        .values(*CSV_FIELDS, "category_names", "feature_names", "need_names")
        .order_by(*places.query.order_by)
    )
    for row in rows.iterator(chunk_size=chunk_size):
        for key, model in (
            ("category_names", Category),
            ("feature_names", Feature),
            ("need_names", Need),
        ):
            row[key] = _in_order(row[key], positions[model])
        yield writer.writerow(csv_values(row, f"{before}{row['slug']}{after}", labels))


def _in_order(joined, positions):
    """Joined names in the vocabulary's order (the editors' order, then the name)."""
    if not joined:
        return ""
    names = joined.split(CSV_SEPARATOR)
    return CSV_SEPARATOR.join(sorted(names, key=lambda name: positions.get(name, len(positions))))


def csv_values(row, url, labels):
    last_checked = row["last_checked"]
    values = [
        row["name"],
        url,
        labels["kind"].get(row["kind"], row["kind"]),
        row["category_names"],
        row["feature_names"],
        labels["stage"].get(row["stage"], row["stage"]),
        row["need_names"],
        row["teaser"],
        row["street"],
        row["postal_code"],
        row["locality"],
        row["locality_part"],
        row["district__name"],
        labels["state"].get(row["district__state"], ""),
        row["latitude"],
        row["longitude"],
        row["former_use"],
        row["building_year"],
        row["active_since"],
        row["website"],
        last_checked.isoformat() if last_checked else "",
        settings.KREATIVORTE_DATA_LICENSE,
    ]
    return [_cell(value) for value in values]


def structured_data(place, build_url):
    """schema.org JSON-LD for a Steckbrief: a Place with address, geo point, photos and links."""
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": place.name,
        "description": place.teaser,
        "url": build_url(place.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": place.locality,
            "addressRegion": place.district.get_state_display(),
            "addressCountry": "DE",
        },
    }
    if place.street:
        data["address"]["streetAddress"] = place.street
    if place.postal_code:
        data["address"]["postalCode"] = place.postal_code
    if place.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    images = [build_url(image.image.url) for image in place.images.all()]
    if images:
        data["image"] = images
    links = [link for link in [place.website, *place.social_link_list] if link]
    if links:
        data["sameAs"] = links
    features = [feature.name for feature in place.features.all()]
    if features:
        data["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": name, "value": True}
            for name in features
        ]
    return data
