from django.core.paginator import EmptyPage, Paginator
from django.db.models import Case, Count, Prefetch, Value, When, Window
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import blueprint, fragments, gazetteer, geo, map_data, open_data
from .cache import cached_fragment
from .filters import PLANS, PlaceFilter
from .forms import MAX_COMPARED, CompareForm
from .models import (
    Category,
    District,
    FundingProgramme,
    Need,
    Place,
    PlaceOldSlug,
    PlaceQuerySet,
    published_count,
)
from .page_cache import cache_for_visitors

OPEN_DATA_CACHE = cache_control(public=True, max_age=300)


class OnePlanPaginator(Paginator):
    """Pages of a search: the total comes with the page's rows (``COUNT(*) OVER ()``), so the
    database finds and ranks the hits once instead of once for the count and once for the page.
    Only an empty page past the first asks for the count separately.

    Ranking costs time with every hit (a common word matches a third of all entries), so with
    a ``selection`` (the query string without the page) a page's entry ids and the total are
    kept as a fragment under the cache generation; the page after that is one lookup by id."""

    def __init__(self, *args, selection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.selection = selection

    def page(self, number):
        number = self.validate_number_format(number)
        rows = []
        if self.selection is None:
            ids, total = self._ranked(number, rows)
        else:
            query = self.selection.copy()
            query["seite"] = str(number)
            ids, total = cached_fragment("search-page", lambda: self._ranked(number, rows), query)
        if total is None:
            number = self.validate_number(number)
            return super().page(number)
        if ids and not rows:
            rows = self._by_id(ids)
        self.__dict__["count"] = total
        return self._get_page(rows, number, self)

    def _by_id(self, ids):
        """The rows of a kept page, in their order. Only the card's columns are needed, so a
        plain lookup by id does, unless the cards show a distance computed by the query."""
        places = self.object_list
        if "distance_km" not in places.query.annotations:
            places = Place.objects.published().with_cards()
        by_id = places.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def _ranked(self, number, rows):
        """The ids on page ``number`` and the total (None for an empty page past the first);
        the rows themselves go into ``rows``."""
        bottom = (number - 1) * self.per_page
        rows.extend(self.object_list[bottom : bottom + self.per_page])
        if rows:
            return [row.pk for row in rows], rows[0].total_count
        return [], 0 if number == 1 else None

    def validate_number_format(self, number):
        number = self.validate_number(number) if number == "last" else int(number)
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


@method_decorator(cache_for_visitors, name="dispatch")
class HomeView(TemplateView):
    template_name = "places/home.html"
    featured_count = 6
    seeking_shown = 3

    def get_context_data(self, **kwargs):
        chosen = cached_fragment("home-entries", self.chosen)
        # Which entries to show is decided once per generation (at 100,000 entries ordering
        # them takes longer than the whole page); their rows are read by id.
        wanted = [*chosen["featured"], *chosen["seeking"]]
        rows = Place.objects.published().with_cards().in_bulk(wanted)
        featured = [rows[pk] for pk in chosen["featured"] if pk in rows]
        seeking = [rows[pk] for pk in chosen["seeking"] if pk in rows]
        cards = fragments.place_cards([*featured, *seeking])  # one round trip for both
        return super().get_context_data(
            **kwargs,
            **cached_fragment("home-counts", self.counts),
            featured=featured,
            seeking=seeking,
            featured_cards=cards[: len(featured)],
            seeking_cards=cards[len(featured) :],
        )

    def chosen(self):
        published = Place.objects.published()
        return {
            # Featured entries first, topped up with the newest ones; entries seeking people
            # come last there, as "Mitmachen" shows them already.
            "featured": list(
                published.with_seeking()
                .order_by("-featured", "seeking", "-published_at", "name")
                .values_list("pk", flat=True)[: self.featured_count]
            ),
            # "Mitmachen": the newest entries looking for people.
            "seeking": list(
                published.seeking()
                .order_by("-published_at", "name")
                .values_list("pk", flat=True)[: self.seeking_shown]
            ),
        }

    @staticmethod
    def counts():
        """The counts over every entry: the same for every visitor until the next change."""
        totals = Place.objects.published().counts()
        return {
            # Aggregating queries ignore Meta.ordering, so each one orders explicitly.
            "categories": list(
                Category.objects.annotate(entry_count=published_count()).order_by("order", "name")
            ),
            "districts": list(
                District.objects.annotate(entry_count=published_count())
                .filter(entry_count__gt=0)
                .order_by("-state", "name")
            ),
            "needs": list(
                Need.objects.annotate(entry_count=published_count())
                .filter(entry_count__gt=0)
                .order_by("order", "name")
            ),
            "total_count": totals["total"],
            "seeking_count": totals["seeking"],
        }


class DirectoryMixin:
    """The list and the map page: the same filters, chips and facet counts."""

    filterset_class = PlaceFilter
    # Invalid filter values are reported next to the form and left out; the rest still apply.
    strict = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = self.filterset.active_filters()
        query = self.filterset.selection()
        context["data_query"] = f"?{query.urlencode()}" if query else ""
        return context


@method_decorator(cache_for_visitors, name="dispatch")
class PlaceListView(DirectoryMixin, FilterView):
    paginate_by = 24
    page_kwarg = "seite"

    def get_queryset(self):
        return Place.objects.published().with_cards()

    def get_paginator(self, queryset, per_page, **kwargs):
        if "search_rank" in queryset.query.annotations:
            queryset = queryset.annotate(total_count=Window(Count("pk")))
            # A ranked page depends on the order too.
            selection = self.filterset.cleaned_query()
            return OnePlanPaginator(queryset, per_page, selection=selection, **kwargs)
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The total of a filter combination is the same on every page and for every visitor
        # until the next editorial change: a fragment under the generation.
        paginator.__dict__["count"] = cached_fragment(
            "list-count", queryset.count, self.filterset.selection()
        )
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        # The header marks "Mitmachen" for the list of entries seeking people.
        seeking = "sucht" in self.filterset.cleaned_query()
        context["nav_current"] = "join" if seeking else "place-list"
        return context


@method_decorator(cache_for_visitors, name="dispatch")
class PlaceMapView(DirectoryMixin, FilterView):
    """The map page: the filters beside a map of the selection; the list is its text form."""

    template_name = "places/place_map.html"

    def get_queryset(self):
        return Place.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached_fragment("map-counts", self.counts, self.filterset.selection()))
        return context

    def counts(self):
        return {
            "result_count": self.object_list.count(),
            "mapped_count": self.object_list.filter(latitude__isnull=False).count(),
        }


@method_decorator(cache_for_visitors, name="dispatch")
class PlaceDetailView(DetailView):
    context_object_name = "place"
    related_count = 3

    def get_queryset(self):
        """Visitors see published entries only; staff also see drafts, to check them."""
        places = Place.objects.with_details(relations=False)
        return places if self.request.user.is_staff else places.published()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return gone_or_moved(request, kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steckbrief"] = fragments.steckbrief(self.request, self.object, self.steckbrief)
        return context

    def steckbrief(self):
        place = self.object
        return {
            "distances": geo.city_distances(place.latitude, place.longitude),
            "related": Place.objects.published()
            .with_cards()
            .related_to(place, limit=self.related_count),
        }


def gone_or_moved(request, slug):
    """An entry's old address: 301 to its new slug, 410 Gone with similar entries when it is
    archived, 404 otherwise."""
    old = PlaceOldSlug.objects.select_related("place").filter(slug=slug).first()
    if old is not None and old.place.status != Place.Status.ARCHIVED:
        return redirect(old.place, permanent=True)
    place = old.place if old is not None else Place.objects.filter(slug=slug).first()
    if place is None or place.status != Place.Status.ARCHIVED:
        raise Http404
    related = Place.objects.published().related_to(place).with_cards()[:3]
    return render(
        request, "places/place_gone.html", {"place": place, "related": related}, status=410
    )


def _filtered_places(request, queryset):
    """The published entries selected by the query string, or None when a filter is invalid."""
    filterset = PlaceFilter(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, None
    return filterset, filterset.qs


def _invalid_filters(filterset):
    return JsonResponse(
        {"error": _("Ungültige Filterangaben."), "fields": filterset.errors.get_json_data()},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@cache_for_visitors
@OPEN_DATA_CACHE
def place_geojson(request):
    """The map data and an open-data export: RFC 7946 GeoJSON, same filters as the list."""
    queryset = (
        Place.objects.published()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .only(*open_data.GEOJSON_FIELDS)
        .with_seeking()
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("name", "slug")),
            Prefetch("funding_programmes", queryset=FundingProgramme.objects.only("name")),
            "milestones",
        )
    )
    filterset, places = _filtered_places(request, queryset)
    if places is None:
        return _invalid_filters(filterset)
    collection = open_data.geojson_collection(places, request.build_absolute_uri)
    return JsonResponse(
        collection,
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@gzip_page
@OPEN_DATA_CACHE
def place_markers(request):
    """The map's compact marker list (``places.map_data``), same filters as the list."""

    invalid = []

    def build():
        queryset = Place.objects.published().filter(latitude__isnull=False, longitude__isnull=False)
        filterset, places = _filtered_places(request, queryset)
        if places is None:
            invalid.append(filterset)
            return None
        return map_data.marker_payload(places)

    body = map_data.cached_marker_payload(request.GET, build)
    if body is None:
        return _invalid_filters(invalid[0])
    return HttpResponse(body, content_type="application/json")


@require_safe
@OPEN_DATA_CACHE
def place_marker(request, pk):
    """What the popup of one marker shows."""
    place = get_object_or_404(Place.objects.published().prefetch_related("categories"), pk=pk)
    return JsonResponse(
        map_data.popup(place, place.get_absolute_url()),
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@cache_control(public=True, max_age=3600)
def town_suggestions(request):
    """Autocomplete for "In der Nähe von": towns from the shipped gazetteer, no outside call."""
    text = request.GET.get("q", "")[:100]
    return JsonResponse(
        {
            "towns": [
                {"label": town.label, "description": str(town.description)}
                for town in gazetteer.suggest(text)
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def robots_txt(request):
    """Everything public may be crawled; the admin and the forms may not."""
    placeholder = "slug-placeholder"
    place_contact = reverse("inquiries:place-contact", kwargs={"slug": placeholder})
    return render(
        request,
        "robots.txt",
        {
            "place_contact_pattern": place_contact.replace(placeholder, "*"),
            "sitemap_path": reverse("sitemap"),
        },
        content_type="text/plain; charset=utf-8",
    )


@require_safe
@OPEN_DATA_CACHE
def place_csv(request):
    """CSV export, UTF-8 with byte order mark so spreadsheet programs read the umlauts;
    streamed row by row from one query."""
    filterset, places = _filtered_places(request, Place.objects.published())
    if places is None:
        return _invalid_filters(filterset)
    response = StreamingHttpResponse(
        open_data.stream_csv(places, request.build_absolute_uri),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="kreativorte.csv"'
    response["Link"] = f'<{open_data.licence()["url"]}>; rel="license"'
    return response


class IdeasView(TemplateView):
    """ "Ideen finden": start from a building type or a plan, see who did it and how."""

    template_name = "places/ideas.html"
    shown = 24

    def get_context_data(self, **kwargs):
        published = Place.objects.published()
        filterset = PlaceFilter(self.request.GET or None, queryset=published, request=self.request)
        context = super().get_context_data(**kwargs, filter=filterset)
        query = filterset.cleaned_query()
        if not (query.get("vornutzung") or query.get("vorhaben")):
            context["building_types"] = blueprint.building_type_counts(published)
            context["plans"] = blueprint.plan_counts(published, PLANS)
            return context
        places = filterset.qs
        # Grouped by organisation form, entries that do not say theirs last.
        unknown_last = Case(When(organisation_form="", then=Value(1)), default=Value(0))
        context.update(
            chosen=True,
            active_filters=filterset.active_filters(),
            list_query=f"?{query.urlencode()}",
            organisation_forms=blueprint.organisation_form_counts(places),
            funding=blueprint.funding_counts(places),
            entries=places.with_cards()
            .only(*PlaceQuerySet.CARD_FIELDS, "stage", "former_use", "organisation_form")
            .prefetch_related("funding_programmes")
            .annotate(unknown_form=unknown_last)
            .order_by("unknown_form", "organisation_form", "name")[: self.shown],
            max_compared=MAX_COMPARED,
        )
        context["total"] = sum(count for _, _, count in context["organisation_forms"])
        return context


class CompareView(TemplateView):
    """Up to three entries side by side: their Steckbrief and how they were done."""

    template_name = "places/compare.html"

    def get_context_data(self, **kwargs):
        form = CompareForm(self.request.GET)
        places, missing = form.places()
        return super().get_context_data(
            **kwargs,
            form=form,
            places=places,
            missing=missing,
            rows=blueprint.compare_rows(places),
            max_compared=MAX_COMPARED,
        )
