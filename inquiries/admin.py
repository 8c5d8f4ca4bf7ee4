from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from places import admin as places_admin
from places.forms import MultilineField
from places.models import Place

from . import notifications, tasks
from .models import Inquiry, InquiryStatus, PlaceSubmission


class ResendNotificationsMixin:
    """The admin action that delivers failed (or never sent) editor notifications again."""

    @admin.action(description=_("Benachrichtigung erneut senden"), permissions=["change"])
    def resend_notifications(self, request, queryset):
        pks = list(queryset.due_for_delivery().values_list("pk", flat=True))
        if tasks.runs_in_worker():
            queued = tasks.queue_deliveries(self.model, pks)
            sent = failed = 0
        else:
            queued = 0
            sent, failed = notifications.resend(self.model, pks)
        skipped = queryset.count() - sent - failed - queued
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d Benachrichtigung wird gleich versendet; das Ergebnis steht dann "
                    "beim Eintrag.",
                    "%(count)d Benachrichtigungen werden gleich versendet; das Ergebnis steht "
                    "dann bei den Einträgen.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
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
    formfield_overrides = {models.TextField: {"form_class": MultilineField}}
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Place)


@admin.register(Place)
class PlaceAdmin(places_admin.PlaceAdmin):
    """The directory's entry admin, plus who suggested the entry where it came from the form."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and hasattr(obj, "submission"):
            return [*inlines, PlaceSubmissionInline]
        return inlines


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
