"""Upload checks for photos: one validator for the suggest form and the admin alike.

A photo is accepted only if its content is a JPEG, PNG or WebP image (the file name and the
browser's content type are ignored), it is no larger than the size limit, it has no more pixels
than the pixel limit (decompression bombs) and it decodes completely. It is then re-encoded:
rotated upright, scaled down to a sensible size, without EXIF, XMP or text metadata (camera
serial numbers, GPS position), and stored under a random name.
"""

import uuid
import warnings
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (file extension, save options).
FORMATS = {
    "JPEG": ("jpg", {"quality": 85, "optimize": True, "progressive": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85, "method": 4}),
}
ACCEPT = "image/jpeg,image/png,image/webp"
# Widths of the smaller WebP copies that srcset offers: a card on a phone, a card on a retina
# phone or half a desktop, the gallery's main photo.
RENDITION_WIDTHS = (400, 800, 1200)

MESSAGES = {
    "too_large": _(
        "Die Datei ist %(size)s MB groß. Bitte wählen Sie ein Foto mit höchstens %(limit)s MB."
    ),
    "not_an_image": _(
        "Diese Datei ist kein Foto im Format JPEG, PNG oder WebP. Bitte wählen Sie eine "
        "Bilddatei in einem dieser Formate."
    ),
    "too_many_pixels": _(
        "Das Foto hat zu viele Bildpunkte. Erlaubt sind höchstens %(limit)s Millionen "
        "Bildpunkte; bitte verkleinern Sie es."
    ),
    "broken": _(
        "Das Foto ist beschädigt oder unvollständig und lässt sich nicht öffnen. Bitte wählen Sie "
        "die Datei noch einmal aus."
    ),
    "empty": _("Die Datei ist leer."),
}


def max_bytes():
    return settings.KREATIVORTE_UPLOAD_MAX_MB * 1024 * 1024


def max_pixels():
    return settings.KREATIVORTE_UPLOAD_MAX_MEGAPIXELS * 1_000_000


def _open(upload):
    """Open the upload as one of the allowed formats, refusing bombs before decoding."""
    too_many_pixels = ValidationError(
        MESSAGES["too_many_pixels"],
        code="too_many_pixels",
        params={"limit": settings.KREATIVORTE_UPLOAD_MAX_MEGAPIXELS},
    )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns about a decompression bomb below twice its own limit; here any
        # such warning refuses the upload.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(MESSAGES["not_an_image"], code="not_an_image") from None
    width, height = image.size
    if width * height > max_pixels():
        raise too_many_pixels
    return image


def clean_image(upload):
    """Validate an uploaded photo and return it re-encoded, without metadata, as a new file.

    Raises ValidationError with a German message that says what to do instead.
    """
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            MESSAGES["too_large"],
            code="too_large",
            params={
                "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                "limit": settings.KREATIVORTE_UPLOAD_MAX_MB,
            },
        )
    if not upload.size:
        raise ValidationError(MESSAGES["empty"], code="empty")
    image = _open(upload)
    # Cameras and phones write multi-picture JPEGs (MPO): the first picture is the photo.
    image_format = "JPEG" if image.format == "MPO" else image.format
    if image_format not in FORMATS:
        raise ValidationError(MESSAGES["not_an_image"], code="not_an_image")
    try:
        # Animated PNG and WebP and multi-picture JPEG keep their first frame only.
        image.load()
        icc_profile = image.info.get("icc_profile")
        image = _normalise_mode(image, image_format)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((settings.KREATIVORTE_IMAGE_MAX_EDGE,) * 2, Image.Resampling.LANCZOS)
        extension, options = FORMATS[image_format]
        output = BytesIO()
        # Without the original info, the save writes no EXIF, XMP or text chunks; only the
        # colour profile is carried over so that colours stay true.
        image.info = {}
        image.save(output, format=image_format, icc_profile=icc_profile, **options)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ValidationError(MESSAGES["broken"], code="broken") from None
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _normalise_mode(image, image_format):
    """A mode the format can save; transparency moves into an alpha channel, because the
    re-encoded file keeps none of the original's metadata (where a palette's lives)."""
    if image_format == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.has_transparency_data and image.mode not in ("RGBA", "LA"):
        return image.convert("RGBA")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGB")
    return image


class PhotoField(forms.FileField):
    """A file field that accepts only photos passing :func:`clean_image` and returns the
    cleaned, re-encoded file."""

    default_error_messages = {"empty": MESSAGES["empty"]}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image(upload)


def make_renditions(place_image):
    """Write WebP copies of a stored photo at each width below its own and record them.

    Called after a photo is saved (suggest form, admin) and by ``manage.py make_renditions``;
    running it again replaces the copies.
    """
    storage = place_image.image.storage
    for name in place_image.renditions.values():
        storage.delete(name)
    original = PurePosixPath(place_image.image.name)
    renditions = {}
    with place_image.image.open("rb") as stored, Image.open(stored) as image:
        image.load()
        for width in RENDITION_WIDTHS:
            if width >= image.width:
                break
            copy = image.convert("RGBA" if image.has_transparency_data else "RGB")
            copy.thumbnail((width, image.height), Image.Resampling.LANCZOS)
            output = BytesIO()
            copy.save(output, format="WEBP", quality=80, method=4)
            name = str(original.parent / "renditions" / f"{original.stem}-{width}w.webp")
            renditions[str(width)] = storage.save(name, ContentFile(output.getvalue()))
    place_image.renditions = renditions
    place_image.save(update_fields=["renditions"])


def stored_files(place_image):
    """The original and every rendition of a photo, as storage names."""
    names = [place_image.image.name] if place_image.image else []
    return names + list((place_image.renditions or {}).values())


def delete_files_on_commit(storage, names):
    """Remove files from storage once the transaction that dropped them has committed, so a
    rolled-back delete keeps its files."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
