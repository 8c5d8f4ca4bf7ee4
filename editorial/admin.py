"""The editorial admin: the place admin of ``places`` with the editorial rules added.

``places`` never imports ``editorial``, so the enhanced admins are registered here, replacing
the plain ones (``admin.site.unregister`` + ``register``): regional rights, the workflow
actions and buttons, history with differences, restore and recovery, import and export, the
"Zuletzt geprüft" filter, the pin map and the duplicate warning. Every write bumps the cache
generation here, in the admin hooks, not in signals.
"""

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from reversion.admin import VersionAdmin
from reversion.models import Version

from inquiries import admin as inquiries_admin
from inquiries.admin import PlaceAdmin as IntakePlaceAdmin
from inquiries.models import Inquiry, PlaceSubmission
from places import admin as places_admin
from places.cache import bump_generation
from places.duplicates import similar_to
from places.models import Category, District, Feature, Need, Place, Region

from . import history, workflow
from .models import RegionAssignment
from .regions import RegionRestrictedAdminMixin, allowed_district_ids, may_work_on
from .reminders import stale_before
from .resources import PlaceResource


class CacheFreshnessMixin:
    """Every admin write makes cached pages stale (places.cache)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_generation()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_generation()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_generation()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_generation()


class LastCheckedFilter(admin.SimpleListFilter):
    title = _("Zuletzt geprüft")
    parameter_name = "geprueft"

    def lookups(self, request, model_admin):
        months = settings.KREATIVORTE_STALE_MONTHS
        return [
            ("faellig", _("vor mehr als %(months)d Monaten oder nie") % {"months": months}),
            ("nie", _("nie")),
            ("aktuell", _("in den letzten %(months)d Monaten") % {"months": months}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "faellig":
            return queryset.due_for_check(checked_before=stale_before())
        if self.value() == "nie":
            return queryset.filter(last_checked__isnull=True)
        if self.value() == "aktuell":
            return queryset.filter(last_checked__gte=stale_before())
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = _("Region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(region.slug, region.name) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(district__regions__slug=self.value())
        return queryset


def _transition_action(name):
    transition = workflow.TRANSITIONS[name]

    def action(modeladmin, request, queryset):
        modeladmin.run_transition(request, queryset, name)

    action.__name__ = f"{name}_selected"
    return admin.action(description=transition.label, permissions=["change"])(action)


class EditorialPlaceAdmin(
    RegionRestrictedAdminMixin, ImportExportMixin, VersionAdmin, IntakePlaceAdmin
):
    change_list_template = "editorial/admin/place_change_list.html"
    change_form_template = "editorial/admin/place_change_form.html"
    object_history_template = "editorial/admin/place_history.html"
    recover_list_template = "editorial/admin/place_recover_list.html"
    resource_classes = [PlaceResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    list_display = [
        "name",
        "kind",
        "district",
        "status_label",
        "last_checked",
        "last_edited_by",
        "last_edited_at",
    ]
    list_filter = [
        "status",
        LastCheckedFilter,
        RegionFilter,
        "kind",
        "categories",
        "stage",
        "needs",
        "featured",
        "district",
    ]
    readonly_fields = [
        "status_label",
        "published_at",
        "created_at",
        "updated_at",
        "pin_map",
    ]
    actions = [
        _transition_action("publish"),
        _transition_action("unpublish"),
        _transition_action("archive"),
        _transition_action("restore"),
        _transition_action("accept"),
        "mark_checked",
        "delete_selected",
    ]

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "editorial/admin.css"]}
        js = ["vendor/leaflet/leaflet.js", "editorial/pin_map.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = list(options["fields"])
            if ("latitude", "longitude") in fields:
                fields.insert(fields.index(("latitude", "longitude")) + 1, "pin_map")
            if ("status", "featured") in fields:
                fields[fields.index(("status", "featured"))] = ("status_label", "featured")
            fieldsets.append((title, {**options, "fields": fields}))
        return fieldsets

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_editor=history.last_editor_subquery("revision__user__username"),
                last_edited=history.last_editor_subquery("revision__date_created"),
            )
        )

    # Columns

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, obj):
        return format_html(
            '<span class="status-badge status-badge--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("Zuletzt bearbeitet von"), ordering="last_editor")
    def last_edited_by(self, obj):
        return getattr(obj, "last_editor", None) or "–"

    @admin.display(description=_("Zuletzt bearbeitet am"), ordering="last_edited")
    def last_edited_at(self, obj):
        return getattr(obj, "last_edited", None) or obj.updated_at

    @admin.display(description=_("Karte"))
    def pin_map(self, obj):
        return format_html(
            '<div class="pin-map" data-pin-map data-tile-url="{}" data-attribution="{}" '
            'data-label-load="{}" data-label-help="{}"></div>',
            settings.KREATIVORTE_MAP_TILE_URL,
            settings.KREATIVORTE_MAP_ATTRIBUTION,
            gettext("Kartenhintergrund laden (%(host)s)")
            % {"host": settings.KREATIVORTE_MAP_TILE_URL.split("/")[2]},
            gettext(
                "In die Karte klicken oder die Markierung ziehen, um Breiten- und Längengrad "
                "zu setzen. Ohne Kartenhintergrund werden keine Kacheln von außen geladen."
            ),
        )

    # Saving

    def save_model(self, request, obj, form, change):
        """A save that changes nothing writes nothing, so it records no history."""
        if change and not form.has_changed():
            return
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        workflow.record_slug_change(obj, old_slug)
        bump_generation()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # Photos alone changed: the entry's snapshot records them.
            reversion.add_to_revision(form.instance)
        bump_generation()

    def delete_model(self, request, obj):
        history.snapshot_before_delete(obj, user=request.user)
        super().delete_model(request, obj)
        bump_generation()

    def delete_queryset(self, request, queryset):
        for place in queryset:
            history.snapshot_before_delete(place, user=request.user)
        super().delete_queryset(request, queryset)
        bump_generation()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_work_on(request.user, obj.district_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_work_on(request.user, obj.district_id))

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    # Workflow

    def run_transition(self, request, queryset, name):
        done, refused = 0, []
        for place in queryset:
            try:
                workflow.run(name, place, user=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{place}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                ngettext("%(count)d Eintrag %(done)s.", "%(count)d Einträge %(done)s.", done)
                % {"count": done, "done": workflow.TRANSITIONS[name].done},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Als geprüft markieren"), permissions=["change"])
    def mark_checked(self, request, queryset):
        count = workflow.mark_checked(queryset, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d Eintrag als heute geprüft markiert.",
                "%(count)d Einträge als heute geprüft markiert.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def _after_save(self, request, obj, response):
        name = request.POST.get("_transition")
        if name in workflow.TRANSITIONS:
            try:
                workflow.run(name, obj, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("„%(place)s“ wurde %(done)s.")
                    % {"place": obj, "done": workflow.TRANSITIONS[name].done},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse("admin:places_place_change", args=[obj.pk]) + "#redaktion"
            )
        return response

    def response_change(self, request, obj):
        return self._after_save(request, obj, super().response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.warn_duplicates(request, obj)
        return self._after_save(request, obj, response)

    def warn_duplicates(self, request, obj):
        duplicates = similar_to(obj)
        if duplicates:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a> ({})',
                (
                    (reverse("admin:places_place_change", args=[d.pk]), d.name, d.locality)
                    for d in duplicates[:5]
                ),
            )
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    gettext("Mögliche Dublette: Ähnliche Einträge gibt es schon:"),
                    links,
                ),
                messages.WARNING,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            if request.method == "GET":
                self.warn_duplicates(request, obj)
            extra_context["transitions"] = (
                workflow.available_transitions(obj)
                if self.has_change_permission(request, obj)
                else []
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # History, restore, recovery

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{info[0]}_{info[1]}_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Änderungen an „%(place)s“") % {"place": obj},
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "object": obj,
            "diffs": history.diffs(obj.pk),
            "can_restore": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def _version_for(self, request, version_id, object_id=None):
        version = get_object_or_404(
            Version.objects.get_for_model(Place).select_related("revision"), pk=version_id
        )
        if object_id is not None and version.object_id != str(object_id):
            raise PermissionDenied
        if not may_work_on(request.user, version.field_dict.get("district_id")):
            raise PermissionDenied
        return version

    def restore_view(self, request, object_id, version_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = self._version_for(request, version_id, obj.pk)
        return self._restore(request, version, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return self.restore_view(request, object_id, version_id)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self._version_for(request, version_id)
        if Place.objects.filter(pk=version.object_id).exists():
            return HttpResponseRedirect(
                reverse("admin:places_place_change", args=[version.object_id])
            )
        return self._restore(request, version, None)

    def _restore(self, request, version, obj):
        if request.method == "POST":
            place = history.restore_version(version, user=request.user)
            self.message_user(
                request,
                gettext("„%(place)s“ ist wiederhergestellt.") % {"place": place},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:places_place_change", args=[place.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Fassung wiederherstellen: %(place)s")
            % {"place": version.object_repr},
            "opts": self.opts,
            "object": obj,
            "version": version,
        }
        return TemplateResponse(request, "editorial/admin/place_restore.html", context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Gelöschte Einträge wiederherstellen"),
            "deleted": history.deleted_versions(allowed_district_ids(request.user)),
        }
        return TemplateResponse(request, self.recover_list_template, context)


admin.site.unregister(Place)
admin.site.register(Place, EditorialPlaceAdmin)


# Inquiries and suggestions: regional editors see those about entries in their districts;
# inquiries about no entry go to the central office.


class PlaceDistrictRestrictedMixin(RegionRestrictedAdminMixin):
    district_path = "place__district"


admin.site.unregister(Inquiry)


@admin.register(Inquiry)
class EditorialInquiryAdmin(PlaceDistrictRestrictedMixin, inquiries_admin.InquiryAdmin):
    pass


admin.site.unregister(PlaceSubmission)


@admin.register(PlaceSubmission)
class EditorialPlaceSubmissionAdmin(
    PlaceDistrictRestrictedMixin, inquiries_admin.PlaceSubmissionAdmin
):
    list_display = [*inquiries_admin.PlaceSubmissionAdmin.list_display, "duplicates"]

    @admin.display(description=_("Mögliche Dubletten"))
    def duplicates(self, obj):
        found = similar_to(obj.place)
        if not found:
            return "–"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:places_place_change", args=[d.pk]), d.name) for d in found[:3]),
        )


# Vocabulary and flat pages: the same admins, with the cache freshness rule.

for model in (Category, District, Feature, Need):
    admin.site.unregister(model)


@admin.register(Category)
class EditorialCategoryAdmin(CacheFreshnessMixin, places_admin.CategoryAdmin):
    pass


@admin.register(District)
class EditorialDistrictAdmin(CacheFreshnessMixin, places_admin.DistrictAdmin):
    def get_search_results(self, request, queryset, search_term):
        """The entry form's district autocomplete offers only the editor's districts."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "place":
            allowed = allowed_district_ids(request.user)
            if allowed is not None:
                queryset = queryset.filter(pk__in=allowed)
        return queryset, duplicates


@admin.register(Feature, Need)
class EditorialVocabularyAdmin(CacheFreshnessMixin, places_admin.VocabularyAdmin):
    pass


@admin.register(Region)
class RegionAdmin(CacheFreshnessMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "district_list", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["districts"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("Landkreise und kreisfreie Städte"))
    def district_list(self, obj):
        return ", ".join(district.name for district in obj.districts.all())


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class EditorialFlatPageAdmin(CacheFreshnessMixin, FlatPageAdmin):
    pass


# Users: a superuser assigns editors to regions on the user's page.

User = get_user_model()


class RegionAssignmentInline(admin.TabularInline):
    model = RegionAssignment
    extra = 0
    verbose_name_plural = _("Regionen (ohne Eintrag: alle Regionen)")


if admin.site.is_registered(User):
    user_admin = type(admin.site.get_model_admin(User))
    admin.site.unregister(User)
else:
    user_admin = UserAdmin


@admin.register(User)
class EditorialUserAdmin(user_admin):
    inlines = [*user_admin.inlines, RegionAssignmentInline]
    list_display = [*user_admin.list_display, "region_names"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("region_assignments__region")

    @admin.display(description=_("Regionen"))
    def region_names(self, obj):
        names = [assignment.region.name for assignment in obj.region_assignments.all()]
        return ", ".join(names) or gettext("alle")
