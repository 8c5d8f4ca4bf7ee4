from django import forms

from .images import PhotoField
from .models import PlaceImage


class PlaceImageForm(forms.ModelForm):
    """The admin's photo form: the same upload checks and re-encoding as the public form."""

    class Meta:
        model = PlaceImage
        fields = ["image", "alt_text", "caption", "credit", "order"]
        field_classes = {"image": PhotoField}
