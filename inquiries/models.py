"""The intake: contact and correction inquiries, suggested entries, the notification outbox and
the rate limit's events.

Personal data lives only in these models, apart from the public Place fields, so that retention
can delete or anonymise it in one place.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from places.models import Place, choices_check


class InquiryStatus(models.TextChoices):
    NEW = "new", _("neu")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    ANSWERED = "answered", _("beantwortet")
    SPAM = "spam", _("Spam")


class Concern(models.TextChoices):
    FOUND = "found", _("Ich möchte einen Kreativort gründen")
    SEEK = "seek", _("Ich suche einen Ort zum Arbeiten oder Wohnen")
    JOIN = "join", _("Ich möchte bei einem Projekt mitmachen")
    # Offered only on entries whose operators welcome founders' questions.
    EXCHANGE = "exchange", _("Erfahrungsaustausch: Ich plane etwas Ähnliches")
    PRESS = "press", _("Presse")
    OTHER = "other", _("Sonstiges")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("ausstehend")
    SENT = "sent", _("versendet")
    FAILED = "failed", _("fehlgeschlagen")
    SKIPPED = "skipped", _("nicht versendet")


class NotificationQuerySet(models.QuerySet):
    def due_for_delivery(self, *, pending_since=None):
        """The one rule for what is owed a mail: failed and pending notifications, never spam
        or anonymised rows. With ``pending_since``, pending rows only if they have been pending
        since before it: their delivery never finished (e.g. a crash between commit and
        sending), while a younger one may still be on its way."""
        pending = Q(notification_status=NotificationStatus.PENDING)
        if pending_since is not None:
            pending &= Q(created_at__lt=pending_since)
        return (
            self.filter(Q(notification_status=NotificationStatus.FAILED) | pending)
            .not_anonymised()
            .not_spam()
        )

    def not_spam(self):
        return self

    def received_before(self, moment):
        return self.filter(created_at__lt=moment)

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)


class InquiryQuerySet(NotificationQuerySet):
    def not_spam(self):
        return self.exclude(status=InquiryStatus.SPAM)


class NotifiedSubmission(models.Model):
    """What a saved form submission shares: idempotency token, consent, retention and the
    recorded outcome of the editors' notification."""

    NotificationStatus = NotificationStatus

    token = models.UUIDField(
        _("Formular-Kennung"),
        unique=True,
        editable=False,
        help_text=_("Verhindert doppelte Einträge, wenn ein Formular zweimal abgeschickt wird."),
    )
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True)
    anonymised_at = models.DateTimeField(
        _("Anonymisiert am"), null=True, blank=True, editable=False
    )
    notification_status = models.CharField(
        _("Benachrichtigung"),
        max_length=10,
        choices=NotificationStatus,
        default=NotificationStatus.PENDING,
        editable=False,
    )
    notification_attempts = models.PositiveSmallIntegerField(
        _("Zustellversuche"), default=0, editable=False
    )
    notification_error = models.TextField(_("Letzter Fehler"), blank=True, editable=False)
    notified_at = models.DateTimeField(
        _("Redaktion benachrichtigt am"), null=True, blank=True, editable=False
    )
    confirmation_sent_at = models.DateTimeField(
        _("Eingangsbestätigung gesendet am"), null=True, blank=True, editable=False
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            choices_check(
                "notification_status", NotificationStatus, "%(class)s_notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=False) | ~Q(email=""),
                name="%(class)s_email_unless_anonymised",
            ),
        ]

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None


class Inquiry(NotifiedSubmission):
    Status = InquiryStatus
    Concern = Concern

    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("Eintrag"),
        help_text=_("Der Eintrag, zu dem die Anfrage gestellt wurde, falls vorhanden."),
    )
    concern = models.CharField(_("Anliegen"), max_length=20, choices=Concern)
    name = models.CharField(_("Name"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    organisation = models.CharField(_("Organisation"), max_length=150, blank=True)
    message = models.TextField(_("Nachricht"), blank=True)
    status = models.CharField(
        _("Bearbeitungsstand"), max_length=20, choices=InquiryStatus, default=InquiryStatus.NEW
    )
    editor_note = models.TextField(
        _("Notiz der Redaktion"), blank=True, help_text=_("Nur für die Redaktion sichtbar.")
    )
    forward_consented = models.BooleanField(
        _("Weiterleitung zugestimmt"),
        default=False,
        editable=False,
        help_text=_(
            "Das Formular bot beim Absenden die Weiterleitung an die Betreiber des Eintrags an, "
            "und die Person hat zugestimmt. Nur dann wird weitergeleitet."
        ),
    )
    forwarded_at = models.DateTimeField(
        _("An den Eintrag weitergeleitet am"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta(NotifiedSubmission.Meta):
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        constraints = [
            *NotifiedSubmission.Meta.constraints,
            choices_check("status", InquiryStatus, "inquiry_status_valid"),
            choices_check("concern", Concern, "inquiry_concern_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="inquiry_status_created_idx"),
            models.Index(
                fields=["notification_status", "created_at"], name="inquiry_notification_idx"
            ),
        ]

    def __str__(self):
        return f"{self.name or _('anonymisiert')} – {self.get_concern_display()}"

    @property
    def is_spam(self):
        return self.status == InquiryStatus.SPAM


class PlaceSubmission(NotifiedSubmission):
    """The private side of a suggested entry: who suggested it and how to reach them."""

    place = models.OneToOneField(
        Place, on_delete=models.CASCADE, related_name="submission", verbose_name=_("Eintrag")
    )
    name = models.CharField(_("Name"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    note = models.TextField(_("Nachricht an die Redaktion"), blank=True)
    rights_confirmed = models.BooleanField(
        _("Bildrechte bestätigt"),
        default=False,
        help_text=_("Die einreichende Person hat bestätigt, die Rechte an den Fotos zu besitzen."),
    )

    class Meta(NotifiedSubmission.Meta):
        verbose_name = _("Einreichung")
        verbose_name_plural = _("Einreichungen")
        indexes = [
            models.Index(
                fields=["notification_status", "created_at"], name="submission_notification_idx"
            ),
        ]

    def __str__(self):
        return _("Vorschlag „%(place)s“") % {"place": self.place}


class RateLimitEventQuerySet(models.QuerySet):
    def recent(self, key_hash, *, since):
        """One client's events after ``since``, the start of the rate limit window."""
        return self.filter(key_hash=key_hash, created_at__gt=since)

    def expired(self, *, window_start):
        return self.filter(created_at__lte=window_start)


class RateLimitEvent(models.Model):
    """One accepted form submission, for the rate limit that all workers share.

    Only a keyed hash of the client's address is stored, never the address; rows older than
    KREATIVORTE_RATE_LIMIT_WINDOW are deleted (see inquiries/rate_limit.py).
    """

    key_hash = models.CharField(_("Schlüssel-Hash des Absenders"), max_length=64)
    created_at = models.DateTimeField(_("Abgeschickt am"), default=timezone.now)

    objects = RateLimitEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Formularversand (Ratenbegrenzung)")
        verbose_name_plural = _("Formularversände (Ratenbegrenzung)")
        indexes = [
            models.Index(fields=["key_hash", "created_at"], name="ratelimit_key_created_idx"),
            models.Index(fields=["created_at"], name="ratelimit_created_idx"),
        ]

    def __str__(self):
        return f"{self.key_hash[:12]}… {self.created_at:%Y-%m-%d %H:%M:%S}"
