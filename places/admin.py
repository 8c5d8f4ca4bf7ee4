from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import publishing
from .forms import MultilineField, PlaceAdminForm, PlaceImageForm
from .models import (
    Category,
    District,
    Feature,
    FundingProgramme,
    Milestone,
    Need,
    Place,
    PlaceImage,
)
from .search import search_places
from .tasks import write_renditions_on_commit


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "state"]
    list_filter = ["state", "type"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name", "code"]


@admin.register(Feature, Need, FundingProgramme)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]


class PlaceImageInline(admin.TabularInline):
    model = PlaceImage
    form = PlaceImageForm
    extra = 0
    fields = ["preview", "image", "alt_text", "caption", "credit", "order"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Vorschau"))
    def preview(self, obj):
        if not obj.image:
            return "–"
        return format_html(
            '<img src="{}" alt="" width="120" class="place-image-preview">', obj.image.url
        )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["year", "month", "text"]
    verbose_name_plural = _("Zeitleiste (Wie es gemacht wurde)")


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    formfield_overrides = {models.TextField: {"form_class": MultilineField}}
    list_display = ["name", "kind", "district", "stage", "status", "featured", "updated_at"]
    list_filter = ["status", "kind", "categories", "stage", "needs", "featured", "district"]
    list_select_related = ["district"]
    search_fields = ["name", "slug", "operator"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["district"]
    filter_horizontal = ["categories", "features", "needs", "funding_programmes"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PlaceImageInline, MilestoneInline]
    save_on_top = True

    def get_search_results(self, request, queryset, search_term):
        """The portal's own search (umlaut-folding, full text), plus the admin's field search
        for what visitors cannot search (operator, slug)."""
        by_fields, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return by_fields, may_have_duplicates
        found = search_places(queryset, search_term).values("pk")
        return queryset.filter(Q(pk__in=found) | Q(pk__in=by_fields.values("pk"))), False

    def save_model(self, request, obj, form, change):
        if form.publishes:
            publishing.publish(obj, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for image_form in formset.forms:
            if isinstance(image_form.instance, PlaceImage) and "image" in image_form.changed_data:
                write_renditions_on_commit(image_form.instance)

    fieldsets = [
        (
            _("Eintrag"),
            {"fields": ["name", "slug", "kind", "categories", "teaser", "description"]},
        ),
        (_("Mitmachen"), {"fields": ["stage", "needs"]}),
        (
            _("Das Objekt"),
            {
                "fields": [
                    ("former_use", "building_type"),
                    ("building_year", "active_since"),
                    ("plot_area", "usable_area"),
                    ("workspaces", "beds"),
                ]
            },
        ),
        (
            _("Die Lage"),
            {
                "fields": [
                    "street",
                    ("postal_code", "locality", "locality_part"),
                    "district",
                    ("latitude", "longitude"),
                    ("station_name", "station_distance_km"),
                ]
            },
        ),
        (
            _("Die Menschen"),
            {
                "fields": [
                    "operator",
                    "contact_person",
                    ("email", "phone"),
                    "website",
                    "social_links",
                    "forward_inquiries",
                ]
            },
        ),
        (
            _("Angebot, Besuch und Barrierefreiheit"),
            {
                "fields": [
                    "features",
                    "opening_info",
                    "step_free",
                    "accessibility_notes",
                ]
            },
        ),
        (
            _("Wie es gemacht wurde"),
            {
                "fields": [
                    ("organisation_form", "ownership"),
                    "funding_programmes",
                    ("investment_band", "own_work_share"),
                    "lessons_helped",
                    "lessons_hard",
                    "open_to_founders",
                ],
                "description": _(
                    "Fakten für Gründende, die Ähnliches vorhaben. Nur eintragen, was belegt "
                    "ist; die Zeitleiste steht unten."
                ),
            },
        ),
        (
            _("Redaktion"),
            {
                "fields": [
                    ("status", "featured"),
                    "published_at",
                    "last_checked",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
