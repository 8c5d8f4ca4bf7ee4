from django.db.models import Case, Prefetch, Value, When
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import blueprint, geo, open_data
from .filters import PLANS, PlaceFilter
from .forms import MAX_COMPARED, CompareForm
from .models import Category, District, FundingProgramme, Need, Place, published_count

OPEN_DATA_CACHE = cache_control(public=True, max_age=300)


class HomeView(TemplateView):
    template_name = "places/home.html"
    featured_count = 6
    seeking_count = 3

    def get_context_data(self, **kwargs):
        published = Place.objects.published()
        totals = published.counts()
        return super().get_context_data(
            **kwargs,
            # Aggregating queries ignore Meta.ordering, so each one orders explicitly.
            categories=Category.objects.annotate(entry_count=published_count()).order_by(
                "order", "name"
            ),
            # Featured entries first, topped up with the newest ones; entries seeking people
            # come last there, as "Mitmachen" shows them already.
            featured=published.with_cards()
            .with_seeking()
            .order_by("-featured", "seeking", "-published_at", "name")[: self.featured_count],
            # "Mitmachen": the newest entries looking for people.
            seeking=published.seeking()
            .with_cards()
            .order_by("-published_at", "name")[: self.seeking_count],
            districts=District.objects.annotate(entry_count=published_count())
            .filter(entry_count__gt=0)
            .order_by("-state", "name"),
            needs=Need.objects.annotate(entry_count=published_count())
            .filter(entry_count__gt=0)
            .order_by("order", "name"),
            total_count=totals["total"],
            seeking_count=totals["seeking"],
        )


class PlaceListView(FilterView):
    filterset_class = PlaceFilter
    paginate_by = 24
    page_kwarg = "seite"
    # Invalid filter values are reported next to the form and left out; the rest still apply.
    strict = False

    def get_queryset(self):
        return Place.objects.published().with_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        )
        context["active_filters"] = self.filterset.active_filters()
        query = self.filterset.cleaned_query()
        query.pop("sortierung", None)
        context["data_query"] = f"?{query.urlencode()}" if query else ""
        # The header marks "Mitmachen" for the list of entries seeking people.
        context["nav_current"] = "join" if "sucht" in query else "place-list"
        return context


class PlaceDetailView(DetailView):
    context_object_name = "place"
    related_count = 3

    def get_queryset(self):
        """Visitors see published entries only; staff also see drafts, to check them."""
        places = Place.objects.with_details()
        return places if self.request.user.is_staff else places.published()

    def get_context_data(self, **kwargs):
        place = self.object
        return super().get_context_data(
            **kwargs,
            distances=geo.city_distances(place.latitude, place.longitude),
            related=Place.objects.published().related_to(place).with_cards()[: self.related_count],
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
@OPEN_DATA_CACHE
def place_csv(request):
    """CSV export, UTF-8 with byte order mark so spreadsheet programs read the umlauts."""
    queryset = (
        Place.objects.published()
        .select_related("district")
        .prefetch_related("categories", "features", "needs", "funding_programmes", "milestones")
    )
    filterset, places = _filtered_places(request, queryset)
    if places is None:
        return _invalid_filters(filterset)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kreativorte.csv"'
    response["Link"] = f'<{open_data.licence()["url"]}>; rel="license"'
    response.write("\ufeff")
    open_data.write_csv(response, places, request.build_absolute_uri)
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
