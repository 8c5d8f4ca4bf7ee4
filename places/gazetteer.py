"""The towns, villages and town parts of Sachsen-Anhalt and Brandenburg, for "in der Nähe von".

The list ships with the project (``places/data/gazetteer.csv``, built by
``scripts/build_gazetteer.py`` from GeoNames, CC BY 4.0), so finding a town never asks an outside
geocoding service. It is read once per process and kept in memory (about a thousand rows).

Each town has a label that is unique in the list: its name, with the district added where the
name occurs more than once ("Neuendorf (Teltow-Fläming)"), and the municipality too where even
that is not enough. The autocomplete offers labels, and a label always resolves to one town.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .text import GERMAN_TRANSLITERATION

DATA_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.csv"
SOURCE = {
    "name": "GeoNames",
    "url": "https://www.geonames.org/",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/deed.de",
}
SUGGESTION_LIMIT = 12
# Official name parts people leave out: "Hansestadt Stendal" is Stendal.
_PREFIXES = ("hansestadt ", "lutherstadt ", "stadt ", "gemeinde ")
KIND_LABELS = {"gemeinde": _("Stadt/Gemeinde"), "ortsteil": _("Ortsteil")}


@dataclass(frozen=True)
class Town:
    name: str
    kind: str
    municipality: str
    district: str
    state: str
    latitude: float
    longitude: float
    label: str = ""

    def __str__(self):
        return self.label or self.name

    @property
    def description(self):
        """ "Ortsteil von Klötze, Altmarkkreis Salzwedel" or "Stadt/Gemeinde, Stendal"."""
        if self.municipality:
            return _("Ortsteil von %(municipality)s, %(district)s") % {
                "municipality": self.municipality,
                "district": self.district,
            }
        return f"{KIND_LABELS[self.kind]}, {self.district}"


@dataclass(frozen=True)
class Lookup:
    """The outcome of resolving typed text: one town, or the candidates when it was ambiguous."""

    town: Town | None
    candidates: tuple = ()


def normalise(text):
    """Compare names as people type them: case, umlaut spellings, spaces and official prefixes
    ("Hansestadt", "Lutherstadt") do not matter."""
    folded = " ".join(str(text).casefold().translate(GERMAN_TRANSLITERATION).split())
    folded = folded.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            folded = folded.removeprefix(prefix)
    return folded


def _without_suffix(text):
    """ "Kalbe (Milde)" -> "Kalbe", "Wiesenburg/Mark" -> "Wiesenburg": the short name."""
    return text.split("(")[0].split("/")[0].strip()


def _labelled(rows):
    by_name = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    towns = []
    for name, same_name in by_name.items():
        districts = [row.district for row in same_name]
        for row in same_name:
            if len(same_name) == 1:
                label = name
            elif districts.count(row.district) == 1:
                label = f"{name} ({row.district})"
            else:
                label = f"{name} ({row.municipality or row.name}, {row.district})"
            towns.append(Town(**{**row.__dict__, "label": label}))
    return towns


@cache
def towns():
    """Every town, sorted by label."""
    with open(DATA_FILE, encoding="utf-8", newline="") as source:
        rows = [
            Town(
                name=row["name"],
                kind=row["kind"],
                municipality=row["municipality"],
                district=row["district"],
                state=row["state"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(source)
        ]
    return tuple(sorted(_labelled(rows), key=lambda town: normalise(town.label)))


@cache
def _index():
    by_label = {normalise(town.label): town for town in towns()}
    by_name = {}
    for town in towns():
        by_name.setdefault(normalise(town.name), []).append(town)
    return by_label, by_name


@cache
def _search_keys():
    return tuple((town, normalise(town.name), normalise(town.label)) for town in towns())


def _rank(town):
    """Municipalities before their parts, then alphabetical."""
    return (town.kind != "gemeinde", normalise(town.label))


def resolve(text):
    """The town a visitor meant by ``text``: an exact label, else a unique name (also without a
    suffix such as "(Milde)"). Several towns of that name give the candidates instead."""
    by_label, by_name = _index()
    for key in dict.fromkeys([normalise(text), normalise(_without_suffix(text))]):
        if not key:
            continue
        if key in by_label:
            return Lookup(by_label[key])
        matches = by_name.get(key, [])
        if len(matches) == 1:
            return Lookup(matches[0])
        if matches:
            return Lookup(None, tuple(sorted(matches, key=_rank)))
    return Lookup(None)


def suggest(text, limit=SUGGESTION_LIMIT):
    """Towns whose name or label starts with ``text``, then those whose name contains it;
    municipalities before their parts. Empty for fewer than two characters."""
    key = normalise(text)
    if len(key) < 2:
        return []
    starts, contains = [], []
    for town, name, label in _search_keys():
        if name.startswith(key) or label.startswith(key):
            starts.append(town)
        elif key in name:
            contains.append(town)
    return (sorted(starts, key=_rank) + sorted(contains, key=_rank))[:limit]
