from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import inquiries
from .forms import PlaceImageForm
from .images import make_renditions
from .models import (
    Category,
    District,
    Feature,
    Inquiry,
    InquiryStatus,
    Need,
    NotificationStatus,
    Place,
    PlaceImage,
    PlaceSubmission,
)
from .search import search_places


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


@admin.register(Feature, Need)
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


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "stage", "status", "featured", "updated_at"]
    list_filter = ["status", "kind", "categories", "stage", "needs", "featured", "district"]
    list_select_related = ["district"]
    search_fields = ["name", "slug", "operator"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["district"]
    filter_horizontal = ["categories", "features", "needs"]
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PlaceImageInline]
    save_on_top = True

    def get_search_results(self, request, queryset, search_term):
        """The portal's own search (umlaut-folding, full text), plus the admin's field search
        for what visitors cannot search (operator, slug)."""
        by_fields, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return by_fields, may_have_duplicates
        found = search_places(queryset, search_term).values("pk")
        return queryset.filter(Q(pk__in=found) | Q(pk__in=by_fields.values("pk"))), False

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for image_form in formset.forms:
            if isinstance(image_form.instance, PlaceImage) and "image" in image_form.changed_data:
                make_renditions(image_form.instance)

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
                    "former_use",
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


# Inquiries and suggested entries


class ResendNotificationsMixin:
    """The admin action that delivers failed (or never sent) editor notifications again."""

    @admin.action(description=_("Benachrichtigung erneut senden"), permissions=["change"])
    def resend_notifications(self, request, queryset):
        due = queryset.exclude(notification_status=NotificationStatus.SENT)
        if hasattr(self.model, "status"):
            due = due.exclude(status=InquiryStatus.SPAM)
        pks = list(due.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
        sent, failed = inquiries.resend(self.model, pks)
        skipped = queryset.count() - sent - failed
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d Benachrichtigung versendet.",
                    "%(count)d Benachrichtigungen versendet.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d Benachrichtigung ist wieder fehlgeschlagen; der Fehler steht "
                    "beim Eintrag.",
                    "%(count)d Benachrichtigungen sind wieder fehlgeschlagen; der Fehler steht "
                    "bei den Einträgen.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ausgewählter Eintrag war schon versendet, ist Spam oder "
                    "anonymisiert und wurde übersprungen.",
                    "%(count)d ausgewählte Einträge waren schon versendet, sind Spam oder "
                    "anonymisiert und wurden übersprungen.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )


def place_admin_link(place):
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:places_place_change", args=[place.pk]), place
    )


class ContactDisplayMixin:
    @admin.display(description=_("E-Mail-Adresse"))
    def email_link(self, obj):
        if not obj.email:
            return "–"
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)


NOTIFICATION_FIELDS = [
    "notification_status",
    "notification_attempts",
    "notification_error",
    "notified_at",
    "confirmation_sent_at",
]


@admin.register(Inquiry)
class InquiryAdmin(ContactDisplayMixin, ResendNotificationsMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "name",
        "concern",
        "place_link",
        "status",
        "notification_status",
    ]
    list_display_links = ["created_at", "name"]
    list_editable = ["status"]
    list_filter = [
        "status",
        "concern",
        "notification_status",
        ("place", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["place"]
    search_fields = ["name", "email", "organisation", "message", "place__name"]
    date_hierarchy = "created_at"
    actions = ["resend_notifications", "mark_in_progress", "mark_answered", "mark_spam"]
    readonly_fields = [
        "place_link",
        "concern",
        "message",
        "name",
        "email_link",
        "phone",
        "organisation",
        "consent_at",
        "created_at",
        "updated_at",
        "anonymised_at",
        "forward_consented",
        "forwarded_at",
        "token",
        *NOTIFICATION_FIELDS,
    ]
    fieldsets = [
        (_("Anfrage"), {"fields": ["place_link", "concern", "message", "created_at"]}),
        (
            _("Absender"),
            {"fields": ["name", "email_link", "phone", "organisation", "consent_at"]},
        ),
        (_("Bearbeitung"), {"fields": ["status", "editor_note", "updated_at"]}),
        (
            _("Benachrichtigung"),
            {
                "classes": ["collapse"],
                "fields": [
                    *NOTIFICATION_FIELDS,
                    "forward_consented",
                    "forwarded_at",
                    "token",
                    "anonymised_at",
                ],
            },
        ),
    ]

    def has_add_permission(self, request):
        # Inquiries come from the public form only.
        return False

    @admin.display(description=_("Eintrag"), ordering="place__name")
    def place_link(self, obj):
        if obj.place is None:
            return "–"
        return place_admin_link(obj.place)

    def _set_status(self, request, queryset, status):
        updated = queryset.update(status=status)
        self.message_user(
            request,
            ngettext(
                "%(count)d Anfrage auf „%(status)s“ gesetzt.",
                "%(count)d Anfragen auf „%(status)s“ gesetzt.",
                updated,
            )
            % {"count": updated, "status": InquiryStatus(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Als „in Bearbeitung“ markieren"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, InquiryStatus.IN_PROGRESS)

    @admin.action(description=_("Als „beantwortet“ markieren"), permissions=["change"])
    def mark_answered(self, request, queryset):
        self._set_status(request, queryset, InquiryStatus.ANSWERED)

    @admin.action(description=_("Als Spam markieren"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, InquiryStatus.SPAM)


SUBMISSION_READONLY = [
    "name",
    "email_link",
    "phone",
    "note",
    "rights_confirmed",
    "consent_at",
    "created_at",
    "anonymised_at",
    *NOTIFICATION_FIELDS,
]


class PlaceSubmissionInline(ContactDisplayMixin, admin.StackedInline):
    """Who suggested an entry: private, read-only, shown on the entry's admin page."""

    model = PlaceSubmission
    verbose_name = verbose_name_plural = _("Eingereicht von (intern, nicht öffentlich)")
    extra = 0
    fields = SUBMISSION_READONLY
    readonly_fields = SUBMISSION_READONLY

    def has_view_permission(self, request, obj=None):
        # Shown only on suggested entries, so other entries' forms carry no extra formset.
        return hasattr(obj, "submission") and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        # The inline's own check asks without an entry; the entry was checked above.
        return super(admin.options.InlineModelAdmin, self).get_queryset(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PlaceAdmin.inlines = [*PlaceAdmin.inlines, PlaceSubmissionInline]


@admin.register(PlaceSubmission)
class PlaceSubmissionAdmin(ContactDisplayMixin, ResendNotificationsMixin, admin.ModelAdmin):
    list_display = ["created_at", "place_link", "name", "place_status", "notification_status"]
    list_filter = ["notification_status", "place__status"]
    list_select_related = ["place"]
    search_fields = ["name", "email", "place__name"]
    date_hierarchy = "created_at"
    actions = ["resend_notifications"]
    fields = ["place_link", *SUBMISSION_READONLY, "token"]
    readonly_fields = ["place_link", *SUBMISSION_READONLY, "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only records; the change permission still allows the resend action.
        return super().has_change_permission(request, obj) if obj is None else False

    @admin.display(description=_("Eintrag"), ordering="place__name")
    def place_link(self, obj):
        return place_admin_link(obj.place)

    @admin.display(description=_("Status des Eintrags"), ordering="place__status")
    def place_status(self, obj):
        return obj.place.get_status_display()
