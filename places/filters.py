"""PlaceFilter: the one FilterSet behind the list, the map's GeoJSON and the CSV export.

Query parameters are short German words with slug values, so URLs stay readable and stable:
``/orte/?q=schule&kategorie=arbeiten-wirtschaft&kreis=altmarkkreis-salzwedel&seite=2``.

Vocabulary filters are plain choice filters whose choices are loaded once per request: a value
is checked against those choices in Python, so no raw query-string value ever reaches the
database as a lookup, and each vocabulary costs exactly one query.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import (
    BuildingType,
    Category,
    District,
    Feature,
    FundingProgramme,
    Kind,
    Need,
    OrganisationForm,
    Ownership,
    Place,
    Stage,
    State,
)
from .search import search_places

SEEKING_ANY = "alle"
SEARCH_MAX_LENGTH = 200
# Features are combined with AND: more ticks than this never describe a real entry.
MAX_SELECTED_FEATURES = 20
INVALID_CHOICE = _("Diese Auswahl gibt es nicht (mehr). Der Filter wurde nicht angewendet.")


class SortChoices:
    """The explicit orders; without one the list is ordered by relevance (or name)."""

    NAME = "name"
    NEWEST = "neu"


def district_sort_key(name):
    """Sort "Landkreis Börde" under B: the generic prefix says nothing about the place."""
    for prefix in ("Landkreis ", "Landeshauptstadt "):
        name = name.removeprefix(prefix)
    return name.casefold()


def _choice_filter(**kwargs):
    kwargs.setdefault("error_messages", {"invalid_choice": INVALID_CHOICE})
    return django_filters.ChoiceFilter(**kwargs)


class DistinctMultipleChoiceField(django_filters.fields.MultipleChoiceField):
    """Each value once, in the order first given, and at most ``max_choices`` of them: a value
    repeated a thousand times in the query string is still one value."""

    def __init__(self, *args, max_choices, **kwargs):
        self.max_choices = max_choices
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_choices:
            raise ValidationError(self.error_messages["max_choices"], code="max_choices")


class DistinctMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = DistinctMultipleChoiceField


@dataclass(frozen=True)
class Plan:
    """What a founder wants to build ("Vorhaben"), as the categories and features that show
    it: an entry matches when it has any of them."""

    label: str
    categories: tuple = ()
    features: tuple = ()


PLANS = {
    "coworking": Plan(
        _("Coworking und Werkstätten"), features=("coworking", "atelier", "werkstatt-makerspace")
    ),
    "wohnen": Plan(_("Gemeinsam wohnen"), categories=("wohnen-bauen",), features=("wohnen",)),
    "gaestehaus": Plan(_("Gästehaus und Übernachtung"), features=("uebernachtung", "camping")),
    "kultur": Plan(
        _("Kultur und Begegnung"), features=("kultur", "veranstaltungen", "seminarraeume")
    ),
}
# Upper bound of the number filters: anything larger is a typo, and it keeps every value
# inside the integer range of both databases.
MAX_NUMBER = 1_000_000


class WholeNumberFilter(django_filters.NumberFilter):
    """A count or an area in whole units, bounded by its own field (one message, not two)."""

    field_class = forms.IntegerField

    def get_max_validator(self):
        return None


def _number_filter(label, field_name, lookup_expr):
    return WholeNumberFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        min_value=0,
        max_value=MAX_NUMBER,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_NUMBER, "inputmode": "numeric"}),
    )


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter, for a removable chip: label, value and the query string without it
    ("" when nothing would remain)."""

    label: str
    value: str
    remove_query: str


# The founders' filters ("Wie es gemacht wurde"): a group of their own in the filter form.
BLUEPRINT_FILTERS = (
    *("vornutzung", "vorhaben", "rechtsform", "eigentum", "foerderung"),
    *("flaeche_min", "flaeche_max", "arbeitsplaetze_min", "betten_min"),
)


class PlaceFilterForm(forms.Form):
    def main_fields(self):
        return [self[name] for name in self.fields if name not in BLUEPRINT_FILTERS]

    def blueprint_fields(self):
        return [self[name] for name in self.fields if name in BLUEPRINT_FILTERS]

    def blueprint_active(self):
        """Whether a founders' filter is set: their group then starts open."""
        return any(self.data.get(name) for name in BLUEPRINT_FILTERS)


class PlaceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Suchbegriff"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _("Bitte höchstens %(limit_value)d Zeichen eingeben.")
            % {"limit_value": SEARCH_MAX_LENGTH}
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kategorie = _choice_filter(
        label=_("Kategorie"), method="filter_category", empty_label=_("Alle Kategorien")
    )
    art = _choice_filter(
        label=_("Art"), field_name="kind", choices=Kind.choices, empty_label=_("Alle Arten")
    )
    kreis = _choice_filter(
        label=_("Landkreis / Stadt"),
        field_name="district__slug",
        empty_label=_("Alle Regionen"),
    )
    merkmal = DistinctMultipleChoiceFilter(
        label=_("Merkmale"),
        method="filter_features",
        widget=forms.CheckboxSelectMultiple,
        max_choices=MAX_SELECTED_FEATURES,
        error_messages={
            "invalid_choice": INVALID_CHOICE,
            "max_choices": _("Bitte höchstens %(limit)d Merkmale auswählen.")
            % {"limit": MAX_SELECTED_FEATURES},
        },
    )
    stand = _choice_filter(
        label=_("Stand"), field_name="stage", choices=Stage.choices, empty_label=_("Alle")
    )
    sucht = _choice_filter(
        label=_("Gesucht werden"), method="filter_seeking", empty_label=_("egal")
    )
    # "Wie es gemacht wurde": how an entry came about, for founders planning the same.
    vornutzung = _choice_filter(
        label=_("Früher war hier"),
        field_name="building_type",
        choices=BuildingType.choices,
        empty_label=_("jedes Gebäude"),
    )
    vorhaben = _choice_filter(
        label=_("Vorhaben"),
        method="filter_plan",
        choices=[(slug, plan.label) for slug, plan in PLANS.items()],
        empty_label=_("jedes Vorhaben"),
    )
    rechtsform = _choice_filter(
        label=_("Rechtsform"),
        field_name="organisation_form",
        choices=OrganisationForm.choices,
        empty_label=_("jede Rechtsform"),
    )
    eigentum = _choice_filter(
        label=_("Gebäude / Grundstück"),
        field_name="ownership",
        choices=Ownership.choices,
        empty_label=_("egal"),
    )
    foerderung = _choice_filter(
        label=_("Förderung / Finanzierung"),
        method="filter_funding",
        empty_label=_("egal"),
    )
    flaeche_min = _number_filter(_("Nutzfläche ab (m²)"), "usable_area", "gte")
    flaeche_max = _number_filter(_("Nutzfläche bis (m²)"), "usable_area", "lte")
    arbeitsplaetze_min = _number_filter(_("Arbeitsplätze ab"), "workspaces", "gte")
    betten_min = _number_filter(_("Betten ab"), "beds", "gte")
    sortierung = _choice_filter(
        label=_("Sortierung"),
        method="filter_noop",
        choices=[(SortChoices.NAME, _("Name (A–Z)")), (SortChoices.NEWEST, _("Neueste zuerst"))],
        empty_label=_("Relevanz"),
    )

    class Meta:
        model = Place
        fields = []
        form = PlaceFilterForm

    # Filters whose chips show; sorting is a view option, not a filter.
    CHIP_FILTERS = (
        "q",
        "kategorie",
        "art",
        "kreis",
        "merkmal",
        "stand",
        "sucht",
        *BLUEPRINT_FILTERS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = {state: [] for state in State.values}
        for slug, name, state in sorted(
            District.objects.values_list("slug", "name", "state"),
            key=lambda row: district_sort_key(row[1]),
        ):
            districts[state].append((slug, name))
        vocabularies = {
            "kategorie": list(Category.objects.values_list("slug", "name")),
            "kreis": [(State(state).label, items) for state, items in districts.items() if items],
            "merkmal": list(Feature.objects.values_list("slug", "name")),
            "sucht": [
                (SEEKING_ANY, _("Mitwirkende jeder Art")),
                *Need.objects.values_list("slug", "name"),
            ],
            "foerderung": list(FundingProgramme.objects.values_list("slug", "name")),
        }
        for name, choices in vocabularies.items():
            self.filters[name].extra["choices"] = choices

    def filter_search(self, queryset, name, value):
        return search_places(queryset, value.replace("\x00", ""))

    def filter_category(self, queryset, name, value):
        through = Place.categories.through.objects.filter(place=OuterRef("pk"))
        return queryset.filter(Exists(through.filter(category__slug=value)))

    def filter_features(self, queryset, name, values):
        """Entries with every selected feature: each tick narrows the list. One subquery
        however many features are ticked: those having as many of them as were asked for."""
        slugs = set(values)
        with_all = (
            Place.features.through.objects.filter(feature__slug__in=slugs)
            .values("place_id")
            .annotate(matched=Count("feature_id", distinct=True))
            .filter(matched=len(slugs))
            .values("place_id")
        )
        return queryset.filter(pk__in=with_all)

    def filter_plan(self, queryset, name, value):
        plan = PLANS[value]
        categories = Place.categories.through.objects.filter(
            place=OuterRef("pk"), category__slug__in=plan.categories
        )
        features = Place.features.through.objects.filter(
            place=OuterRef("pk"), feature__slug__in=plan.features
        )
        return queryset.filter(Exists(categories) | Exists(features))

    def filter_funding(self, queryset, name, value):
        through = Place.funding_programmes.through.objects.filter(place=OuterRef("pk"))
        return queryset.filter(Exists(through.filter(fundingprogramme__slug=value)))

    def filter_seeking(self, queryset, name, value):
        return queryset.seeking(None if value == SEEKING_ANY else value)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        """Apply the filters, then the order: relevance when searching, else the chosen one."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        sort = data.get("sortierung")
        if sort == SortChoices.NEWEST:
            return queryset.order_by("-published_at", "name")
        if sort == SortChoices.NAME or not data.get("q"):
            return queryset.order_by("name")
        return queryset.order_by("-search_rank", "name")

    def cleaned_query(self):
        """The valid, non-empty parameters as a QueryDict: invalid values are dropped."""
        query = QueryDict(mutable=True)
        if not self.is_bound:
            return query
        self.form.is_valid()
        for name, value in self.form.cleaned_data.items():
            if isinstance(value, list | tuple):
                query.setlist(name, [item for item in value if item])
            elif value is not None and value != "":
                query[name] = value  # a number filter's 0 is a value, not "empty"
        return query

    def active_filters(self):
        """The applied filters in form order, each with the query string that removes it."""
        query = self.cleaned_query()
        query.pop("seite", None)
        active = []
        for name in self.CHIP_FILTERS:
            field = self.form.fields[name]
            for value in query.getlist(name):
                remaining = query.copy()
                remaining.setlist(name, [other for other in query.getlist(name) if other != value])
                remaining_query = remaining.urlencode()
                active.append(
                    ActiveFilter(
                        label=str(field.label),
                        value=self._choice_label(field, value),
                        remove_query=f"?{remaining_query}" if remaining_query else "",
                    )
                )
        return active

    def _choice_label(self, field, value):
        choices = getattr(field, "choices", None)
        if not choices:
            return value
        for key, label in choices:
            if isinstance(label, list | tuple):
                for sub_key, sub_label in label:
                    if sub_key == value:
                        return str(sub_label)
            elif key == value:
                return str(label)
        return value
