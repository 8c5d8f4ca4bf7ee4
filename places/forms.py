import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .images import PhotoField
from .models import Place, PlaceImage
from .text import normalise_newlines


class MultilineField(forms.CharField):
    """A text area's value with plain ``\n`` line breaks: browsers post CRLF, so without this
    an untouched text would count as changed and be stored with other line endings."""

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))


class PlaceAdminForm(forms.ModelForm):
    """The admin's entry form. Saving an entry as published without a publication date
    publishes it (places.publishing.publish dates it), so until then it may lack the date."""

    @property
    def publishes(self):
        place = self.instance
        return place.status == Place.Status.PUBLISHED and (
            place.published_at is None or "status" in self.changed_data
        )

    def validate_constraints(self):
        if not (self.instance.status == Place.Status.PUBLISHED and not self.instance.published_at):
            return super().validate_constraints()
        try:
            self.instance.validate_constraints(
                exclude=self._get_validation_exclusions() | {"published_at"}
            )
        except ValidationError as error:
            self._update_errors(error)


class PlaceImageForm(forms.ModelForm):
    """The admin's photo form: the same upload checks and re-encoding as the public form."""

    class Meta:
        model = PlaceImage
        fields = ["image", "alt_text", "caption", "credit", "order"]
        field_classes = {"image": PhotoField}


MAX_COMPARED = 3
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Each value is a slug; a longer one cannot name an entry.
SLUG_MAX_LENGTH = Place._meta.get_field("slug").max_length


class SlugListField(forms.Field):
    """Entry slugs, given as ``?orte=a,b`` or as repeated ``?orte=a&orte=b`` (the checkboxes
    of "Ideen finden"), each once, in the order given."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value or ""]
        slugs = (part.strip() for item in values for part in str(item).split(","))
        return list(dict.fromkeys(slug for slug in slugs if slug))


class CompareForm(forms.Form):
    orte = SlugListField(
        required=False,
        error_messages={"required": _("Bitte wählen Sie Einträge zum Vergleich aus.")},
    )

    def clean_orte(self):
        slugs = self.cleaned_data["orte"]
        if len(slugs) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Bitte höchstens %(limit)d Einträge vergleichen.") % {"limit": MAX_COMPARED},
                code="too_many",
            )
        return slugs

    def places(self):
        """The published entries named, in the order given, and the names that match none."""
        slugs = self.cleaned_data.get("orte", []) if self.is_valid() else []
        # Only real slugs reach the database (PostgreSQL refuses a NUL byte, for one).
        valid = [slug for slug in slugs if len(slug) <= SLUG_MAX_LENGTH and SLUG.fullmatch(slug)]
        found = {
            place.slug: place
            for place in Place.objects.published().with_details().filter(slug__in=valid)
        }
        return [found[slug] for slug in slugs if slug in found], [
            slug for slug in slugs if slug not in found
        ]
