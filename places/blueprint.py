"""For founders: how entries came about, counted for "Ideen finden" and set side by side.

The facts themselves are declared once in ``places/steckbrief.py`` (section "Wie es gemacht
wurde"); this module counts entries by them and builds the comparison table from them.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import steckbrief
from .models import BuildingType, FundingProgramme, OrganisationForm


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
    aggregates = {slug: Count("pk", filter=plan.condition()) for slug, plan in plans.items()}
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


def timeline_text(milestones):
    """Milestones as one line: "05/2017 Coconat eröffnet; 2019 …"."""
    return "; ".join(f"{milestone.when} {milestone.text}" for milestone in milestones)


def _where(place):
    return f"{place.locality}, {place.district.name}"


# The comparison: who and where first, then every Steckbrief fact but the contact people's,
# then the timeline.
PROFILE = steckbrief.Section(
    "profile",
    _("Überblick"),
    (
        steckbrief.Fact("kind"),
        steckbrief.Fact("locality", _("Lage"), get=_where),
        steckbrief.Fact("stage"),
    ),
)
COMPARED_SECTIONS = (
    PROFILE,
    steckbrief.OBJECT,
    steckbrief.LOCATION,
    steckbrief.OFFER,
    steckbrief.ACCESSIBILITY,
    steckbrief.HOW,
)


def compare_rows(places):
    """``[(label, [value per entry]), …]``, leaving out facts none of the entries states."""
    facts = [fact for section in COMPARED_SECTIONS for fact in section.facts]
    rows = [(fact.title, [fact.display(place) or "" for place in places]) for fact in facts]
    rows.append((_("Zeitleiste"), [timeline_text(place.milestones.all()) for place in places]))
    return [(label, values) for label, values in rows if any(values)]
