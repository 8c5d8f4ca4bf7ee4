"""The public forms: contact, contact about an entry, and "Ort vorschlagen".

Both forms share :class:`ProtectedForm`, the one spam-defence piece: a honeypot field; a signed
form token that carries the time the form was shown (minimum fill time) and, together with a
digest of what was sent, makes the idempotency key; and an error summary for the page top. A
suspected bot gets no error: the view answers as usual and the submission is saved as spam.
The forms validate only; the view checks the rate limit (inquiries/rate_limit.py) and hands
the cleaned data to inquiries/intake.py.
"""

import hashlib
import json
import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator, RegexValidator
from django.forms.utils import ErrorDict
from django.urls import reverse_lazy
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from places.forms import MultilineField
from places.images import ACCEPT, PhotoField
from places.models import Category, District, Kind, Place

from .models import Concern

PRIVACY_URL = reverse_lazy("flatpage-privacy")
TOKEN_SALT = "kreativorte.forms.token"
# Interpolate translated texts only when they are rendered, in the language of the request.
interpolate_lazy = lazy(lambda text, params: str(text) % params, str)

MESSAGE_MAX_LENGTH = 5000
MAX_PHOTOS = 3

single_line = RegexValidator(
    r"[\x00-\x1f\x7f]",
    inverse_match=True,
    message=_("Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen."),
    code="control_characters",
)
phone_number = RegexValidator(
    r"^\+?[0-9][0-9 ()/.\-–]{3,38}\Z",
    message=_(
        "Bitte geben Sie die Telefonnummer nur mit Ziffern an; Leerzeichen, +, Klammern, "
        "Schrägstrich und Bindestrich sind erlaubt."
    ),
    code="phone",
)


def rate_limit_error():
    minutes = max(1, settings.KREATIVORTE_RATE_LIMIT_WINDOW // 60)
    return forms.ValidationError(
        ngettext(
            "Von Ihrem Anschluss wurden in kurzer Zeit schon mehrere Formulare "
            "abgeschickt. Bitte warten Sie eine Minute und senden Sie das Formular "
            "dann noch einmal ab. Ihre Angaben bleiben hier erhalten.",
            "Von Ihrem Anschluss wurden in kurzer Zeit schon mehrere Formulare "
            "abgeschickt. Bitte warten Sie %(minutes)s Minuten und senden Sie das "
            "Formular dann noch einmal ab. Ihre Angaben bleiben hier erhalten.",
            minutes,
        )
        % {"minutes": minutes},
        code="rate_limited",
    )


def new_form_token():
    return signing.dumps({"id": uuid.uuid4().hex, "t": time.time()}, salt=TOKEN_SALT)


def read_form_token(value):
    """(id, time shown) of a form token we signed, or None for anything else."""
    try:
        payload = signing.loads(value, salt=TOKEN_SALT)
        return uuid.UUID(payload["id"]), float(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _describe_upload(value):
    if isinstance(value, UploadedFile):
        return [value.name, value.size]
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class ProtectedForm(forms.Form):
    """Honeypot, signed token with minimum fill time, and an error summary."""

    # Bots fill every field; people never see this one (hidden by forms.css, out of the tab
    # order and labelled for those who do come across it).
    homepage = forms.CharField(
        label=_("Bitte lassen Sie dieses Feld leer."),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    honeypot_fields = ("homepage",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        self.spam_reason = ""

    @cached_property
    def submission_key(self):
        """The idempotency key the submission is saved under: the form token combined with a
        digest of what was sent. Sending a form twice (double click, reload) gives the same
        key; a message edited in a form the browser restored with its old token gives a new one.
        Known before validation, so a repeat costs no upload decoding.
        """
        token = read_form_token(self["form_token"].data or "")
        # A forged or missing token never matches an earlier submission.
        namespace = token[0] if token else uuid.uuid4()
        content = [[field.name, field.data] for field in self if field.name != "form_token"]
        digest = hashlib.sha256(json.dumps(content, default=_describe_upload).encode())
        return uuid.uuid5(namespace, digest.hexdigest())

    def clean_form_token(self):
        value = self.cleaned_data.get("form_token", "")
        token = read_form_token(value)
        if token is None:
            self.spam_reason = "token"
            return value
        _token_id, shown_at = token
        # A start time in the future is clock skew between servers, not a bot: only our own
        # key can sign a token.
        if 0 <= time.time() - shown_at < settings.KREATIVORTE_FORM_MIN_SECONDS:
            self.spam_reason = self.spam_reason or "too_fast"
        return value

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            self.spam_reason = "honeypot"
        return ""

    @property
    def is_suspected_bot(self):
        return bool(self.spam_reason)

    def refuse(self, error):
        """Show the visitor's input with just this error, without validating it: validating
        would read and decode the uploads, which a client over the rate limit must not make us
        do. Browsers cannot refill file inputs, so the page asks for the photos again."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        self.add_error(None, error)

    @property
    def visible_fields_for_page(self):
        return [field for field in self.visible_fields() if field.name not in self.honeypot_fields]

    @property
    def honeypot(self):
        return [self[name] for name in self.honeypot_fields]

    @property
    def error_summary(self):
        """Every error once, in field order, with the id of the input it belongs to."""
        entries = [{"anchor": "", "message": message} for message in self.non_field_errors()]
        for field in self:
            if field.is_hidden or field.name in self.honeypot_fields:
                continue
            anchor = f"{field.auto_id}_0" if field.field.widget.use_fieldset else field.auto_id
            entries.extend({"anchor": anchor, "message": message} for message in field.errors)
        return entries


def _required(message):
    return {"required": message}


def _too_long(what):
    return {
        "max_length": interpolate_lazy(
            _(
                "%(what)s ist zu lang: erlaubt sind höchstens %%(limit_value)d Zeichen, "
                "jetzt sind es %%(show_value)d."
            ),
            {"what": what},
        )
    }


def consent_field():
    """The consent checkbox; each form sets its help text, which names the retention period."""
    return forms.BooleanField(
        label=_("Ich bin einverstanden, dass meine Angaben gespeichert und verarbeitet werden."),
        error_messages=_required(
            _("Bitte stimmen Sie zu, damit wir Ihre Angaben speichern und bearbeiten dürfen.")
        ),
    )


def privacy_help(text):
    return interpolate_lazy(
        _('%(text)s Mehr dazu in unserer <a href="%(url)s">Datenschutzerklärung</a>.'),
        {"text": text, "url": PRIVACY_URL},
    )


def sender_name_field():
    return forms.CharField(
        label=_("Ihr Name"),
        max_length=100,
        validators=[single_line],
        error_messages=_required(_("Bitte geben Sie Ihren Namen an.")) | _too_long(_("Der Name")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def sender_email_field(help_text):
    return forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=help_text,
        max_length=254,
        error_messages=_required(_("Bitte geben Sie Ihre E-Mail-Adresse an."))
        | {"invalid": _("Bitte geben Sie eine E-Mail-Adresse im Format name@beispiel.de an.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def sender_phone_field(help_text):
    return forms.CharField(
        label=_("Telefon"),
        help_text=help_text,
        required=False,
        max_length=40,
        validators=[phone_number],
        error_messages=_too_long(_("Die Telefonnummer")),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


class ContactForm(ProtectedForm):
    name = sender_name_field()
    email = sender_email_field(_("Damit wir Ihnen antworten können."))
    phone = sender_phone_field(_("Freiwillig, falls wir Sie lieber anrufen sollen."))
    organisation = forms.CharField(
        label=_("Organisation"),
        help_text=_("Freiwillig, z. B. Verein, Redaktion oder Gemeinde."),
        required=False,
        max_length=150,
        validators=[single_line],
        error_messages=_too_long(_("Der Name der Organisation")),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    concern = forms.ChoiceField(
        label=_("Ihr Anliegen"),
        choices=[choice for choice in Concern.choices if choice[0] != Concern.CORRECTION],
        widget=forms.RadioSelect,
        error_messages=_required(_("Bitte wählen Sie Ihr Anliegen aus."))
        | {"invalid_choice": _("Bitte wählen Sie eines der genannten Anliegen aus.")},
    )
    message = MultilineField(
        label=_("Ihre Nachricht"),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages=_required(_("Bitte schreiben Sie uns Ihre Nachricht."))
        | _too_long(_("Die Nachricht")),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = consent_field()

    field_order = ["name", "email", "phone", "organisation", "concern", "message", "consent"]

    def __init__(self, *args, place=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = place
        months = settings.KREATIVORTE_RETENTION_MONTHS
        self.fields["consent"].help_text = privacy_help(
            ngettext(
                "Wir nutzen Ihre Angaben nur, um Ihre Anfrage zu beantworten, und löschen sie "
                "spätestens nach %(months)s Monat. Sie können Ihre Einwilligung jederzeit "
                "widerrufen.",
                "Wir nutzen Ihre Angaben nur, um Ihre Anfrage zu beantworten, und löschen sie "
                "spätestens nach %(months)s Monaten. Sie können Ihre Einwilligung jederzeit "
                "widerrufen.",
                months,
            )
            % {"months": months}
        )
        # Stored with the inquiry: forwarding needs the consent this label asked for.
        self.offers_forwarding = place is not None and place.accepts_forwarded_inquiries
        if place is None or not place.open_to_founders:
            self.fields["concern"].choices = [
                choice for choice in self.fields["concern"].choices if choice[0] != Concern.EXCHANGE
            ]
        if self.offers_forwarding:
            self.fields["consent"].label = _(
                "Ich bin einverstanden, dass meine Angaben gespeichert und an die Betreiber "
                "von „%(place)s“ weitergeleitet werden."
            ) % {"place": place.name}


class CorrectionForm(ProtectedForm):
    """ "Fehler melden" on an entry: what is wrong, and a contact only if the sender wants one."""

    message = forms.CharField(
        label=_("Was ist falsch oder fehlt?"),
        help_text=_("z. B. geänderte Öffnungszeiten, ein neuer Betreiber, eine falsche Adresse."),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages=_required(_("Bitte beschreiben Sie, was nicht stimmt."))
        | _too_long(_("Die Beschreibung")),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = sender_name_field()
    email = sender_email_field(_("Freiwillig, falls wir nachfragen dürfen."))
    consent = consent_field()

    field_order = ["message", "name", "email", "consent"]

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["name"].required = False
        self.fields["email"].required = False
        months = settings.KREATIVORTE_RETENTION_MONTHS
        self.fields["consent"].help_text = privacy_help(
            ngettext(
                "Wir nutzen Ihre Angaben nur, um den Eintrag zu berichtigen, und löschen sie "
                "spätestens nach %(months)s Monat.",
                "Wir nutzen Ihre Angaben nur, um den Eintrag zu berichtigen, und löschen sie "
                "spätestens nach %(months)s Monaten.",
                months,
            )
            % {"months": months}
        )


class SuggestPlaceForm(ProtectedForm, forms.ModelForm):
    """An entry proposed by the public: the Place's public fields plus private submitter
    details and up to three photos, which are validated and re-encoded on upload."""

    submitter_name = sender_name_field()
    submitter_email = sender_email_field(
        _("Für Rückfragen der Redaktion; wird nicht veröffentlicht.")
    )
    submitter_phone = sender_phone_field(_("Freiwillig; wird nicht veröffentlicht."))
    note = MultilineField(
        label=_("Nachricht an die Redaktion"),
        help_text=_("Freiwillig, z. B. wie Sie mit dem Ort verbunden sind."),
        required=False,
        max_length=2000,
        error_messages=_too_long(_("Die Nachricht")),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo_credit = forms.CharField(
        label=_("Wer hat die Fotos gemacht?"),
        help_text=_("Wird als Bildnachweis neben den Fotos genannt, z. B. „Foto: Anna Schmidt“."),
        required=False,
        max_length=150,
        validators=[single_line],
        error_messages=_too_long(_("Der Bildnachweis")),
    )
    rights_confirmed = forms.BooleanField(
        label=_(
            "Ich besitze die Rechte an den Fotos und erlaube ihre Veröffentlichung auf diesem "
            "Portal. Erkennbare Personen sind damit einverstanden."
        ),
        required=False,
    )
    consent = consent_field()

    class Meta:
        model = Place
        fields = [
            "name",
            "kind",
            "stage",
            "categories",
            "locality",
            "district",
            "description",
            "website",
        ]
        # Only where the form asks differently from the model's verbose_name and help_text.
        labels = {
            "name": _("Name des Ortes oder Projekts"),
            "kind": _("Was möchten Sie vorschlagen?"),
            "stage": _("Wie weit ist es?"),
            "categories": _("Themen"),
            "locality": _("Gemeinde oder Stadt"),
            "district": _("Landkreis oder kreisfreie Stadt"),
        }
        help_texts = {
            "name": _("z. B. „Alte Dorfschule Kleinwusterwitz“"),
            "stage": _("Eine Idee, ein Vorhaben im Aufbau oder ein Ort, den es schon gibt."),
            "categories": _("Wählen Sie alle Themen, die passen."),
            "locality": _("Bei Ortsteilen bitte die Gemeinde, z. B. „Kalbe (Milde)“."),
            "description": _(
                "Was geschieht dort, wer steckt dahinter, was ist geplant? Der erste Satz wird "
                "als Kurztext in der Liste gezeigt."
            ),
            "website": _("Freiwillig, z. B. https://www.beispiel.de"),
        }
        field_classes = {"description": MultilineField}
        widgets = {
            "kind": forms.RadioSelect,
            "stage": forms.RadioSelect,
            "categories": forms.CheckboxSelectMultiple,
            "locality": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        error_messages = {
            "name": _required(_("Bitte geben Sie den Namen des Ortes an."))
            | _too_long(_("Der Name")),
            "kind": _required(_("Bitte wählen Sie aus, was Sie vorschlagen."))
            | {"invalid_choice": _("Bitte wählen Sie eine der genannten Arten aus.")},
            "stage": _required(_("Bitte wählen Sie aus, wie weit das Vorhaben ist."))
            | {"invalid_choice": _("Bitte wählen Sie einen der genannten Stände aus.")},
            "categories": _required(_("Bitte wählen Sie mindestens ein Thema aus."))
            | {"invalid_choice": _("Bitte wählen Sie Themen aus der Liste aus.")},
            "locality": _required(_("Bitte geben Sie die Gemeinde oder Stadt an."))
            | _too_long(_("Der Ortsname")),
            "district": _required(_("Bitte wählen Sie den Landkreis oder die kreisfreie Stadt."))
            | {"invalid_choice": _("Bitte wählen Sie einen Landkreis aus der Liste aus.")},
            "description": _required(_("Bitte beschreiben Sie den Ort in ein paar Sätzen.")),
            "website": {
                "invalid": _("Bitte geben Sie eine vollständige Adresse an, z. B. https://…"),
            }
            | _too_long(_("Die Adresse")),
        }

    field_order = [
        *Meta.fields,
        *[f"photo_{number}" for number in range(1, MAX_PHOTOS + 1)],
        "photo_credit",
        "rights_confirmed",
        "submitter_name",
        "submitter_email",
        "submitter_phone",
        "note",
        "consent",
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("instance", Place(status=Place.Status.SUBMITTED))
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices
        # No preselected stage: a project must not end up "realisiert" because nobody chose.
        self.fields["stage"].choices = Place.Stage.choices
        self.fields["stage"].initial = None
        # Chosen by slug: a number beyond 64 bits would crash SQLite in the primary key lookup.
        self.fields["categories"].queryset = Category.objects.all()
        self.fields["categories"].to_field_name = "slug"
        self.fields["district"].queryset = District.objects.all()
        self.fields["district"].to_field_name = "slug"
        self.fields["district"].empty_label = _("Bitte wählen")
        self.fields["name"].validators.append(single_line)
        self.fields["locality"].validators.append(single_line)
        self.fields["description"].validators.append(MaxLengthValidator(MESSAGE_MAX_LENGTH))
        self.fields["description"].widget.attrs["maxlength"] = MESSAGE_MAX_LENGTH
        self.fields["description"].error_messages |= _too_long(_("Die Beschreibung"))
        self.fields["description"].required = True
        months = settings.KREATIVORTE_RETENTION_MONTHS
        self.fields["consent"].help_text = privacy_help(
            ngettext(
                "Die Angaben zum Ort werden nach Prüfung durch die Redaktion veröffentlicht. Ihre "
                "Kontaktdaten bleiben intern und werden spätestens nach %(months)s Monat gelöscht.",
                "Die Angaben zum Ort werden nach Prüfung durch die Redaktion veröffentlicht. Ihre "
                "Kontaktdaten bleiben intern und werden spätestens nach %(months)s Monaten "
                "gelöscht.",
                months,
            )
            % {"months": months}
        )
        for number in range(1, MAX_PHOTOS + 1):
            self.fields[f"photo_{number}"] = PhotoField(
                label=_("Foto %(number)s") % {"number": number},
                help_text=_("JPEG, PNG oder WebP, höchstens %(mb)s MB.")
                % {"mb": settings.KREATIVORTE_UPLOAD_MAX_MB},
                required=False,
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
            )
            self.fields[f"photo_{number}_alt"] = forms.CharField(
                label=_("Was ist auf Foto %(number)s zu sehen?") % {"number": number},
                help_text=_("Eine kurze Beschreibung für Menschen, die das Bild nicht sehen."),
                required=False,
                max_length=250,
                validators=[single_line],
                error_messages=_too_long(_("Die Beschreibung")),
            )
        self.order_fields(self.field_order)

    @property
    def photo_slots(self):
        return [
            (self[f"photo_{number}"], self[f"photo_{number}_alt"])
            for number in range(1, MAX_PHOTOS + 1)
        ]

    @property
    def photos_need_reselecting(self):
        """Browsers cannot refill file inputs: say so when a form with photos comes back."""
        return self.is_bound and bool(self.files) and bool(self.errors)

    def clean(self):
        cleaned_data = super().clean()
        photos = self.photos
        for number in range(1, MAX_PHOTOS + 1):
            if cleaned_data.get(f"photo_{number}") and not cleaned_data.get(f"photo_{number}_alt"):
                self.add_error(
                    f"photo_{number}_alt",
                    _("Bitte beschreiben Sie kurz, was auf Foto %(number)s zu sehen ist.")
                    % {"number": number},
                )
        if photos and not cleaned_data.get("photo_credit"):
            self.add_error("photo_credit", _("Bitte geben Sie an, wer die Fotos gemacht hat."))
        if photos and not cleaned_data.get("rights_confirmed"):
            self.add_error(
                "rights_confirmed",
                _("Bitte bestätigen Sie, dass Sie die Fotos veröffentlichen dürfen."),
            )
        return cleaned_data

    @property
    def photos(self):
        """(file, alt text) for each photo that was uploaded and passed the checks."""
        data = getattr(self, "cleaned_data", {})
        return [
            (data[f"photo_{number}"], data.get(f"photo_{number}_alt", ""))
            for number in range(1, MAX_PHOTOS + 1)
            if data.get(f"photo_{number}")
        ]
