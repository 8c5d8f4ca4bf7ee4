from django import forms
from django.core.exceptions import ValidationError

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
