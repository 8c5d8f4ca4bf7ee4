"""The Steckbrief's facts, declared once: the detail page, the CSV export and the tests read them.

Each section is a list of :class:`Fact` rows; a fact names its model field (or a function of
the entry for a composed value), its label on the page (the field's verbose name unless given)
and, if it is exported, its CSV column. The detail page shows a section only when one of its
facts has a value, and a fact only when it has one. Adding a field: the model field, its
migration, the admin fieldset, and one ``Fact(...)`` line below.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.formats import localize, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Place, StepFree


@dataclass(frozen=True)
class Fact:
    field: str
    label: str = ""
    column: str = ""
    unit: str = ""
    # A value that means "not known" and is shown as nothing, like step-free access "unbekannt".
    unknown: object = None
    # Composes the shown value from the entry and the field's value, e.g. a station's distance.
    describe: Callable | None = None
    # Reads the value from the entry instead of the field, e.g. the names of related rows.
    get: Callable | None = None

    @property
    def model_field(self):
        return Place._meta.get_field(self.field)

    @property
    def title(self):
        return self.label or self.model_field.verbose_name

    @property
    def multiline(self):
        return isinstance(self.model_field, models.TextField)

    def raw(self, place):
        value = self.get(place) if self.get else getattr(place, self.field)
        return None if value in (None, "", [], self.unknown) else value

    def display(self, place):
        """The value as the page shows it, or None when there is nothing to show."""
        value = self.raw(place)
        if value is None:
            return None
        if self.describe:
            return self.describe(place, value)
        if self.model_field.choices:
            return getattr(place, f"get_{self.field}_display")()
        if self.unit:
            return f"{number_format(value, 0, force_grouping=True)} {self.unit}"
        if value is True:
            return gettext("ja")
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, list):
            return "; ".join(value)
        return value

    def export(self, place):
        """The CSV cell: the stored value, choices by their label."""
        value = self.raw(place)
        if value is not None and self.model_field.choices:
            return getattr(place, f"get_{self.field}_display")()
        if value is True:
            return gettext("ja")
        if isinstance(value, list):
            return "; ".join(value)
        return value


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    facts: tuple

    def rows(self, place):
        """label, value and multiline of the facts this entry has, in declared order."""
        rows = []
        for fact in self.facts:
            value = fact.display(place)
            if value is not None:
                rows.append({"label": fact.title, "value": value, "multiline": fact.multiline})
        return rows


def station_with_distance(place, name):
    if place.station_distance_km is None:
        return name
    distance = gettext("%(km)s km entfernt") % {"km": localize(place.station_distance_km)}
    return f"{name} ({distance})"


OBJECT = Section(
    "object",
    _("Das Objekt"),
    (
        Fact("former_use", column="fruehere_nutzung"),
        Fact("building_type", column="gebaeudetyp"),
        Fact("building_year", column="baujahr"),
        Fact("active_since", _("Aktiv seit"), column="aktiv_seit"),
        Fact("plot_area", _("Grundstück"), unit="m²"),
        Fact("usable_area", _("Nutzfläche"), unit="m²"),
        Fact("workspaces"),
        Fact("beds"),
    ),
)
LOCATION = Section(
    "location", _("Die Lage"), (Fact("station_name", describe=station_with_distance),)
)
PEOPLE = Section("people", _("Die Menschen"), (Fact("operator"), Fact("contact_person")))
OFFER = Section("offer", _("Angebot"), (Fact("opening_info"),))
ACCESSIBILITY = Section(
    "access",
    _("Barrierefreiheit"),
    (
        Fact("step_free", unknown=StepFree.UNKNOWN),
        Fact("accessibility_notes", _("Hinweise")),
    ),
)


def programme_names(place):
    """The funding programmes' names: joined by the database in the CSV's one query
    (``open_data.csv_queryset``), else from the prefetched relation."""
    joined = getattr(place, "funding_programmes_names", None)
    if joined is not None:
        return joined.split("; ") if joined else []
    return [programme.name for programme in place.funding_programmes.all()]


HOW = Section(
    "how",
    _("Wie es gemacht wurde"),
    (
        Fact("organisation_form", column="rechtsform"),
        Fact("ownership", column="eigentum"),
        Fact("funding_programmes", column="foerderung", get=programme_names),
        Fact("investment_band", column="investition"),
        Fact("own_work_share", _("Eigenleistung"), column="eigenleistung_prozent", unit="%"),
        Fact("open_to_founders", column="ansprechbar_fuer_gruendende", unknown=False),
        Fact("lessons_helped", column="das_hat_geholfen"),
        Fact("lessons_hard", column="das_war_schwer"),
    ),
)
SECTIONS = (OBJECT, LOCATION, PEOPLE, OFFER, ACCESSIBILITY, HOW)


def facts():
    """Every declared fact, section by section."""
    return [fact for section in SECTIONS for fact in section.facts]


def exported_facts():
    return [fact for fact in facts() if fact.column]


def sections(place):
    """Each section's key, title and rows for one entry, by key, for the detail page."""
    return {
        section.key: {"key": section.key, "title": section.title, "rows": section.rows(place)}
        for section in SECTIONS
    }
