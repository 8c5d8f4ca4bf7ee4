"""Tiny factories: every helper returns a saved, valid object; keyword arguments override fields."""

from decimal import Decimal
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from places.models import (
    Category,
    District,
    Feature,
    FundingProgramme,
    Milestone,
    Need,
    Place,
    PlaceImage,
)
from places.text import slugify_de
from tests.images import png_bytes

_numbers = count(1)


def _unique(prefix):
    return f"{prefix} {next(_numbers)}"


def make_category(**fields):
    name = fields.pop("name", None) or _unique("Kategorie")
    fields.setdefault("slug", slugify_de(name))
    return Category.objects.create(name=name, **fields)


def make_district(**fields):
    name = fields.pop("name", None) or _unique("Landkreis Test")
    fields.setdefault("slug", slugify_de(name))
    fields.setdefault("code", f"{15000 + next(_numbers):05d}")
    fields.setdefault("type", District.Type.LANDKREIS)
    fields.setdefault("state", District.State.SACHSEN_ANHALT)
    return District.objects.create(name=name, **fields)


def make_feature(**fields):
    name = fields.pop("name", None) or _unique("Merkmal")
    fields.setdefault("slug", slugify_de(name))
    return Feature.objects.create(name=name, **fields)


def make_need(**fields):
    name = fields.pop("name", None) or _unique("Gesucht")
    fields.setdefault("slug", slugify_de(name))
    return Need.objects.create(name=name, **fields)


def make_funding_programme(**fields):
    name = fields.pop("name", None) or _unique("Förderprogramm")
    fields.setdefault("slug", slugify_de(name))
    return FundingProgramme.objects.create(name=name, **fields)


def make_milestone(place, **fields):
    fields.setdefault("year", 2020)
    fields.setdefault("text", "Verein gegründet")
    return Milestone.objects.create(place=place, **fields)


def make_place(*, categories=None, features=(), needs=(), funding_programmes=(), **fields):
    """A published entry by default; pass status=Place.Status.DRAFT for an unpublished one."""
    name = fields.pop("name", None) or _unique("Kreativort")
    fields.setdefault("slug", slugify_de(name))
    fields.setdefault("teaser", f"{name}: ein Ort für Menschen, die auf dem Land etwas bewegen.")
    fields.setdefault("description", "Erster Absatz.\n\nZweiter Absatz.")
    fields.setdefault("locality", "Kalbe (Milde)")
    fields.setdefault("latitude", Decimal("52.633"))
    fields.setdefault("longitude", Decimal("11.429"))
    fields.setdefault("status", Place.Status.PUBLISHED)
    if fields["status"] == Place.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    if "district" not in fields:
        fields["district"] = make_district()
    place = Place.objects.create(name=name, **fields)
    place.categories.set(categories if categories is not None else [make_category()])
    place.features.set(features)
    place.needs.set(needs)
    place.funding_programmes.set(funding_programmes)
    return place


def make_image(place, **fields):
    fields.setdefault("alt_text", "Ein Fachwerkhaus im Grünen")
    fields.setdefault("credit", "Foto: Redaktion")
    image = fields.pop("image", None) or SimpleUploadedFile("bild.png", png_bytes(), "image/png")
    return PlaceImage.objects.create(place=place, image=image, **fields)
