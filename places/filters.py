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

from .models import Category, District, Feature, Kind, Need, Place, Stage, State
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
class ActiveFilter:
    """One applied filter, for a removable chip: label, value and the query string without it
    ("" when nothing would remain)."""

    label: str
    value: str
    remove_query: str


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
    sortierung = _choice_filter(
        label=_("Sortierung"),
        method="filter_noop",
        choices=[(SortChoices.NAME, _("Name (A–Z)")), (SortChoices.NEWEST, _("Neueste zuerst"))],
        empty_label=_("Relevanz"),
    )

    class Meta:
        model = Place
        fields = []

    # Filters whose chips show; sorting is a view option, not a filter.
    CHIP_FILTERS = ("q", "kategorie", "art", "kreis", "merkmal", "stand", "sucht")

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
            elif value:
                query[name] = value
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
