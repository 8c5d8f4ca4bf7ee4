"""PlaceFilter: the one FilterSet behind the list, the map page, the map data and the exports.

Query parameters are short German words with slug values, so URLs stay readable and stable:
``/orte/?q=schule&kategorie=arbeiten-wirtschaft&kreis=altmarkkreis-salzwedel&seite=2``.
Near a town: ``?nahe=Stendal&umkreis=25`` (a name from the gazetteer), or near the visitor:
``?standort=52.61,11.86`` (rounded to about a kilometre before it is used).

Vocabulary filters are plain choice filters whose choices are loaded once per request: a value
is checked against those choices in Python, so no raw query-string value ever reaches the
database as a lookup, and each vocabulary costs exactly one query.
"""

import re
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import gazetteer
from .cache import cached_fragment, generation
from .geo import Point
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
    """The explicit orders; without one the list is ordered by relevance (or name), or by
    distance when a town or position is given."""

    NAME = "name"
    NEWEST = "neu"
    DISTANCE = "entfernung"


# Keyed by generation; the timeout bounds staleness should a write forget to bump it.
FACET_CACHE_SECONDS = 300
RADIUS_CHOICES = [(str(km), f"{km} km") for km in (10, 25, 50, 100)]
# Names shown in an "ambiguous town" message at most.
MAX_CANDIDATES_SHOWN = 6
_POSITION = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


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


class TownField(forms.CharField):
    """A town typed by name, resolved against the gazetteer: a ``gazetteer.Town``, or a German
    message when the name is unknown or names several places."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lookup = gazetteer.resolve(value)
        if lookup.town:
            return lookup.town
        if lookup.candidates:
            shown = [town.label for town in lookup.candidates[:MAX_CANDIDATES_SHOWN]]
            raise ValidationError(
                _("„%(name)s“ gibt es mehrmals. Bitte wählen Sie einen: %(candidates)s.")
                % {"name": value, "candidates": "; ".join(shown)},
                code="ambiguous",
            )
        raise ValidationError(
            _(
                "Den Ort „%(name)s“ kennen wir nicht. Bitte geben Sie eine Stadt, Gemeinde "
                "oder einen Ortsteil in Sachsen-Anhalt oder Brandenburg ein."
            )
            % {"name": value},
            code="unknown",
        )


class PositionField(forms.CharField):
    """ "latitude,longitude" from the browser's geolocation, rounded to about a kilometre here
    too, whatever precision the URL carries."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = _POSITION.match(value)
        latitude, longitude = (float(part) for part in match.groups()) if match else (999, 999)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationError(
                _("Der Standort ist ungültig. Bitte wählen Sie einen Ort aus der Liste."),
                code="invalid",
            )
        return Point.rounded(latitude, longitude)


class TownFilter(django_filters.CharFilter):
    field_class = TownField


class PositionFilter(django_filters.CharFilter):
    field_class = PositionField


@dataclass(frozen=True)
class FacetOption:
    """One filter option with the number of entries it would yield, given the other filters."""

    value: str
    label: str
    count: int
    selected: bool

    @property
    def disabled(self):
        """A choice that would show nothing is offered greyed out, never as a dead end."""
        return self.count == 0 and not self.selected


@dataclass(frozen=True)
class FacetGroup:
    label: str
    options: list


@dataclass(frozen=True)
class Facet:
    """A filter's options with counts; ``groups`` for selects with optgroups (districts by
    state), ``options`` the options that yield something, ``more`` the rest (under "weitere")."""

    name: str
    groups: list = field(default_factory=list)
    empty_label: str = ""

    @property
    def options(self):
        return [option for group in self.groups for option in group.options if not option.disabled]

    @property
    def more(self):
        return [option for group in self.groups for option in group.options if option.disabled]


@dataclass(frozen=True)
class Plan:
    """What a founder wants to build ("Vorhaben"), as the categories and features that show
    it: an entry matches when it has any of them."""

    label: str
    categories: tuple = ()
    features: tuple = ()

    def condition(self):
        """The entry has one of the plan's categories or features: a Q for ``filter()`` and
        for a conditional ``Count``."""
        categories = Place.categories.through.objects.filter(
            place=OuterRef("pk"), category__slug__in=self.categories
        )
        features = Place.features.through.objects.filter(
            place=OuterRef("pk"), feature__slug__in=self.features
        )
        return Q(Exists(categories)) | Q(Exists(features))


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
    nahe = TownFilter(
        label=_("In der Nähe von"),
        method="filter_noop",
        max_length=100,
    )
    standort = PositionFilter(
        label=_("Mein Standort"), method="filter_noop", max_length=40, widget=forms.HiddenInput
    )
    umkreis = _choice_filter(
        label=_("Umkreis"),
        method="filter_noop",
        choices=RADIUS_CHOICES,
        empty_label=_("beliebig"),
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
        choices=[
            (SortChoices.NAME, _("Name (A–Z)")),
            (SortChoices.NEWEST, _("Neueste zuerst")),
            (SortChoices.DISTANCE, _("Entfernung")),
        ],
        empty_label=_("Relevanz"),
    )

    class Meta:
        model = Place
        fields = []
        form = PlaceFilterForm

    # Filters whose chips show; sorting is a view option, not a filter.
    CHIP_FILTERS = (
        "q",
        "nahe",
        "standort",
        "umkreis",
        "kategorie",
        "art",
        "kreis",
        "merkmal",
        "stand",
        "sucht",
        *BLUEPRINT_FILTERS,
    )
    # The filters whose options show counts: four queries for the six.
    FACETS = ("kategorie", "art", "kreis", "merkmal", "stand", "sucht")
    # Facets on a column of the entry itself, counted together (filter name: column).
    COLUMN_FACETS = {"art": "kind", "stand": "stage", "kreis": "district_id"}

    def __init__(self, data=None, *args, **kwargs):
        if (
            data is not None
            and not data.get("sortierung")
            and (data.get("nahe") or data.get("standort"))
        ):
            # Near a point the nearest come first, and the order field says so.
            data = data.copy()
            data["sortierung"] = SortChoices.DISTANCE
        super().__init__(data, *args, **kwargs)
        self._prepared = self._prepare()
        # Slugs by primary key, for the facet counts (which group by foreign key).
        self._slugs = self._prepared["slugs"]
        for name, choices in self._prepared["choices"].items():
            self.filters[name].extra["choices"] = choices

    # In each process, for the current generation and language only: the vocabularies' options
    # and the form class built from them, the same for every request until the next change.
    _prepared_for = {}

    def _prepare(self):
        key = None
        if settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS:
            current = generation()
            key = (current, get_language()) if current is not None else None
        prepared = self._prepared_for.get(key) if key else None
        if prepared is None:
            prepared = self._vocabularies(cached_fragment("vocabularies", self._vocabulary_rows))
            if key:
                self._prepared_for.clear()
                self._prepared_for[key] = prepared
        return prepared

    @staticmethod
    def _vocabularies(rows):
        districts = {state: [] for state in State.values}
        for _pk, slug, name, state in sorted(
            rows["kreis"], key=lambda row: district_sort_key(row[2])
        ):
            districts[state].append((slug, name))
        return {
            "slugs": {
                name: {row[0]: row[1] for row in rows[name]}
                for name in ("kategorie", "kreis", "merkmal", "sucht")
            },
            "choices": {
                "kategorie": [row[1:] for row in rows["kategorie"]],
                "kreis": [
                    (State(state).label, items) for state, items in districts.items() if items
                ],
                "merkmal": [row[1:] for row in rows["merkmal"]],
                "sucht": [
                    (SEEKING_ANY, _("Mitwirkende jeder Art")),
                    *(row[1:] for row in rows["sucht"]),
                ],
                "foerderung": rows["foerderung"],
            },
        }

    def get_form_class(self):
        """Made once per vocabulary state (see ``_prepare``): building the fields and the class
        costs more than validating the input."""
        if "form_class" not in self._prepared:
            self._prepared["form_class"] = super().get_form_class()
        return self._prepared["form_class"]

    @staticmethod
    def _vocabulary_rows():
        """The options of the vocabulary filters: the same for every request until an editor
        changes a vocabulary (which bumps the generation)."""
        return {
            "kategorie": list(Category.objects.values_list("pk", "slug", "name")),
            "kreis": list(District.objects.values_list("pk", "slug", "name", "state")),
            "merkmal": list(Feature.objects.values_list("pk", "slug", "name")),
            "sucht": list(Need.objects.values_list("pk", "slug", "name")),
            "foerderung": list(FundingProgramme.objects.values_list("slug", "name")),
        }

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
        return queryset.filter(PLANS[value].condition())

    def filter_funding(self, queryset, name, value):
        through = Place.funding_programmes.through.objects.filter(place=OuterRef("pk"))
        return queryset.filter(Exists(through.filter(fundingprogramme__slug=value)))

    def filter_seeking(self, queryset, name, value):
        return queryset.seeking(None if value == SEEKING_ANY else value)

    def filter_noop(self, queryset, name, value):
        return queryset

    def _valid_data(self):
        """The valid values; nothing for an unbound filter (the plain list)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def origin(self):
        """The point distances are measured from: the town typed, else the visitor's position."""
        data = self._valid_data()
        return data.get("nahe") or data.get("standort")

    def radius(self):
        value = self._valid_data().get("umkreis")
        return int(value) if value else None

    def _narrow(self, queryset, skip=()):
        """The filters applied, except those named in ``skip`` (a facet counts its options
        against every filter but its own). Near a point, also within the chosen radius."""
        for name, value in self._valid_data().items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        origin, radius = self.origin(), self.radius()
        if origin and radius:
            queryset = queryset.within(origin, radius)
        return queryset

    def filter_queryset(self, queryset):
        """Apply the filters, then the order: by distance near a point unless another order is
        chosen, relevance when searching, else the chosen one."""
        queryset = self._narrow(queryset)
        data = self.form.cleaned_data
        sort = data.get("sortierung")
        origin = self.origin()
        if origin:
            queryset = queryset.with_distance(origin)
        if sort == SortChoices.NEWEST:
            return queryset.order_by("-published_at", "name")
        if origin and sort == SortChoices.DISTANCE:
            return queryset.order_by(F("distance_km").asc(nulls_last=True), "name")
        if sort in (SortChoices.NAME, SortChoices.DISTANCE) or not data.get("q"):
            return queryset.order_by("name")
        return queryset.order_by("-search_rank", "name")

    def facets(self):
        """Every option of the vocabulary filters with the number of entries it would yield,
        given the other active filters, in four aggregate queries however many options: one each
        for categories, features and groups sought, one for kind, stage and district together.

        Features combine with AND, so a feature's count is that of the current result with that
        feature added: counted on the full result. Every other filter counts on the result
        without its own value, so choosing another district shows what that district holds.
        Only valid values take part, as in the list itself. The counts are cached per
        generation and selection, so a repeated view costs none of these queries."""
        if hasattr(self, "_facets"):
            return self._facets
        counts = cached_fragment(
            "facets", self._facet_counts, self.selection(), FACET_CACHE_SECONDS
        )
        self._facets = {name: self._facet(name, counts[name]) for name in self.FACETS}
        return self._facets

    def _facet_counts(self):
        base = Place.objects.published().order_by()
        # The search runs once (on PostgreSQL it looks up matching feature names first) and
        # enters every facet query as a subquery.
        search = self._valid_data().get("q")
        if search:
            base = base.filter(pk__in=self.filter_search(base, "q", search).values("pk"))

        def ids(skip):
            return self._narrow(base, skip={*skip, "q"}).values("pk")

        def through_counts(relation, column, skip):
            through = getattr(Place, relation).through.objects
            rows = (
                through.filter(place_id__in=ids(skip))
                .values(column)
                .annotate(count=Count("place_id"))
                .values_list(column, "count")
                .order_by()
            )
            return dict(rows)

        return {
            "kategorie": self._by_slug(
                "kategorie", through_counts("categories", "category_id", {"kategorie"})
            ),
            "merkmal": self._by_slug("merkmal", through_counts("features", "feature_id", ())),
            **self._column_counts(ids(set(self.COLUMN_FACETS))),
            "sucht": self._seeking_counts(ids({"sucht"})),
        }

    def _column_counts(self, place_ids):
        """Art, Stand and Landkreis from one GROUP BY over all three columns, on the result
        without any of the three. Each is an equality on its column, so each facet's counts are
        the rows that match the other two choices, summed."""
        rows = (
            Place.objects.filter(pk__in=place_ids)
            .values(*self.COLUMN_FACETS.values())
            .annotate(count=Count("pk"))
            .values_list(*self.COLUMN_FACETS.values(), "count")
            .order_by()
        )
        district_pks = {slug: pk for pk, slug in self._slugs["kreis"].items()}
        data = self._valid_data()
        chosen = {
            "art": data.get("art") or None,
            "stand": data.get("stand") or None,
            "kreis": district_pks.get(data.get("kreis")),
        }
        counts = {name: {} for name in self.COLUMN_FACETS}
        for *values, count in rows:
            row = dict(zip(self.COLUMN_FACETS, values, strict=True))
            for name in self.COLUMN_FACETS:
                others = (other for other in self.COLUMN_FACETS if other != name)
                if all(chosen[other] in (None, row[other]) for other in others):
                    counts[name][row[name]] = counts[name].get(row[name], 0) + count
        counts["kreis"] = self._by_slug("kreis", counts["kreis"])
        return counts

    def _by_slug(self, name, counts_by_pk):
        slugs = self._slugs[name]
        return {slugs[pk]: count for pk, count in counts_by_pk.items() if pk in slugs}

    def _seeking_counts(self, place_ids):
        """Entries seeking each group and seeking anyone, in one pass over the links."""
        through = Place.needs.through.objects.filter(place_id__in=place_ids)
        per_need = {
            f"need_{pk}": Count("place_id", filter=Q(need_id=pk)) for pk in self._slugs["sucht"]
        }
        totals = through.aggregate(any=Count("place_id", distinct=True), **per_need)
        counts = {slug: totals[f"need_{pk}"] for pk, slug in self._slugs["sucht"].items()}
        counts[SEEKING_ANY] = totals["any"]
        return counts

    def _facet(self, name, counts):
        field = self.form.fields[name]
        selected = self._valid_data().get(name) or []
        selected = set(selected) if isinstance(selected, list) else {selected}
        groups = []
        ungrouped = []
        empty_label = ""
        for key, label in field.choices:
            if key == "":
                empty_label = str(label)
                continue
            if isinstance(label, list | tuple):
                groups.append(FacetGroup(str(key), self._options(label, counts, selected)))
            else:
                ungrouped.append((key, label))
        if ungrouped:
            groups.insert(0, FacetGroup("", self._options(ungrouped, counts, selected)))
        return Facet(name, groups, empty_label)

    @staticmethod
    def _options(choices, counts, selected):
        return [
            FacetOption(
                value=str(key),
                label=str(label),
                count=counts.get(key, 0),
                selected=key in selected,
            )
            for key, label in choices
        ]

    def main_fields_with_facets(self):
        """The form's main fields in order, each with its facet (or None): what the filter
        form template loops over (the founders' fields follow in a group of their own)."""
        facets = self.facets()
        return [(bound, facets.get(bound.name)) for bound in self.form.main_fields()]

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
                # A number filter's 0 is a value, not "empty"; a town or position is its text.
                query[name] = str(value)
        return query

    def selection(self):
        """Which entries the filters select, whatever their order: ``cleaned_query()`` without
        the sort order. What the facet counts, a total and the open-data links depend on."""
        query = self.cleaned_query()
        query.pop("sortierung", None)
        return query

    def active_filters(self):
        """The applied filters in order, each with the query string that removes it."""
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
                        value=self._chip_value(name, field, value),
                        remove_query=f"?{remaining_query}" if remaining_query else "",
                    )
                )
        return active

    def _chip_value(self, name, field, value):
        if name == "standort":
            return str(_("ungefähr"))
        return self._choice_label(field, value)

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
