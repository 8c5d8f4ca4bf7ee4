"""How an entry came about ("Wie es gemacht wurde"), declared once.

The detail page, the comparison table and the CSV read ``FACTS``; the timeline and the two
lessons have their own shape (an ordered list, short prose) but a compact text form here too.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import BuildingType, FundingProgramme, OrganisationForm, Place


@dataclass(frozen=True)
class Fact:
    """One labelled fact; ``value`` returns "" where the entry does not say."""

    name: str
    label: Any
    value: Any


def _choice(field):
    return lambda place: getattr(place, f"get_{field}_display")() if getattr(place, field) else ""


def funding_text(place):
    """The programmes, from the prefetched relation."""
    return ", ".join(programme.name for programme in place.funding_programmes.all())


def timeline_text(place):
    """The milestones as one line: "05/2017 Coconat eröffnet; 2019 …"."""
    return "; ".join(f"{milestone.when} {milestone.text}" for milestone in place.milestones.all())


FACTS = [
    Fact("organisation_form", _("Rechtsform des Trägers"), _choice("organisation_form")),
    Fact("ownership", _("Gebäude / Grundstück"), _choice("ownership")),
    Fact("funding_programmes", _("Förderung / Finanzierung"), funding_text),
    Fact("investment_band", _("Investitionsvolumen"), _choice("investment_band")),
    Fact(
        "own_work_share",
        _("Eigenleistung"),
        lambda place: "" if place.own_work_share is None else f"{place.own_work_share} %",
    ),
    Fact(
        "open_to_founders",
        _("Ansprechbar für Gründende"),
        lambda place: _("ja, für Erfahrungsaustausch") if place.open_to_founders else "",
    ),
]
# The comparison table and the CSV also carry the story in compact form.
STORY_FACTS = [
    Fact("timeline", _("Zeitleiste"), timeline_text),
    Fact("lessons_helped", _("Das hat geholfen"), lambda place: place.lessons_helped),
    Fact("lessons_hard", _("Das war schwer"), lambda place: place.lessons_hard),
]


def facts_of(place, facts=FACTS):
    """``[(label, value), …]`` of the facts the entry states."""
    pairs = ((fact.label, fact.value(place)) for fact in facts)
    return [(label, value) for label, value in pairs if value]


def building_type_counts(places):
    """``[(value, label, count), …]`` of the former uses among ``places``, in choice order."""
    counts = dict(
        places.exclude(building_type="")
        .order_by()
        .values_list("building_type")
        .annotate(count=Count("pk"))
    )
    return [
        (value, label, counts[value]) for value, label in BuildingType.choices if value in counts
    ]


def plan_counts(places, plans):
    """``[(slug, label, count), …]`` for each plan, in one query."""
    through_categories = Place.categories.through.objects.filter(place=OuterRef("pk"))
    through_features = Place.features.through.objects.filter(place=OuterRef("pk"))
    aggregates = {
        slug: Count(
            "pk",
            filter=Q(Exists(through_categories.filter(category__slug__in=plan.categories)))
            | Q(Exists(through_features.filter(feature__slug__in=plan.features))),
        )
        for slug, plan in plans.items()
    }
    counts = places.order_by().aggregate(**aggregates)
    return [(slug, plan.label, counts[slug]) for slug, plan in plans.items() if counts[slug]]


def organisation_form_counts(places):
    """``[(value, label, count), …]`` of the organisation forms among ``places``; entries that
    do not say come last as ``("", "ohne Angabe", n)``."""
    counts = dict(places.order_by().values_list("organisation_form").annotate(count=Count("pk")))
    rows = [
        (value, label, counts[value])
        for value, label in OrganisationForm.choices
        if value in counts
    ]
    if counts.get(""):
        rows.append(("", _("ohne Angabe"), counts[""]))
    return rows


def funding_counts(places):
    """The funding programmes used by ``places``, with how many of them, most used first."""
    return (
        FundingProgramme.objects.annotate(
            entry_count=Count("places", filter=Q(places__in=places.order_by().values("pk")))
        )
        .filter(entry_count__gt=0)
        .order_by("-entry_count", "order", "name")
    )


def _number(field, unit=""):
    """A count or an area, grouped the German way: "35.000 m²"."""

    def value(place):
        number = getattr(place, field)
        return "" if number is None else f"{number_format(number, force_grouping=True)}{unit}"

    return value


def _year(field):
    return lambda place: "" if getattr(place, field) is None else str(getattr(place, field))


# What the comparison shows of the Steckbrief before "Wie es gemacht wurde".
PROFILE_FACTS = [
    Fact("kind", _("Art des Eintrags"), _choice("kind")),
    Fact(
        "where",
        _("Lage"),
        lambda place: f"{place.locality}, {place.district.name}",
    ),
    Fact("stage", _("Stand"), _choice("stage")),
    Fact("former_use", _("Frühere Nutzung"), lambda place: place.former_use),
    Fact("building_year", _("Baujahr"), _year("building_year")),
    Fact("active_since", _("Aktiv seit"), _year("active_since")),
    Fact("usable_area", _("Nutzfläche"), _number("usable_area", " m²")),
    Fact("workspaces", _("Arbeitsplätze"), _number("workspaces")),
    Fact("beds", _("Betten"), _number("beds")),
]
COMPARE_FACTS = [*PROFILE_FACTS, *FACTS, *STORY_FACTS]


def compare_rows(places, facts=COMPARE_FACTS):
    """``[(label, [value per entry]), …]``, leaving out facts none of the entries states."""
    rows = ((fact.label, [fact.value(place) for place in places]) for fact in facts)
    return [(label, values) for label, values in rows if any(values)]
