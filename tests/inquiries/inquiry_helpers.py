"""Helpers shared by the inquiry tests: valid form data, form tokens of a given age, photos,
and a mail backend that always fails."""

import time
import uuid
from io import BytesIO
from smtplib import SMTPServerDisconnected

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from PIL import Image

from inquiries.forms import TOKEN_SALT

BROKEN_MAILERS = {"default": {"BACKEND": "tests.inquiries.inquiry_helpers.BrokenEmailBackend"}}


class BrokenEmailBackend(BaseEmailBackend):
    """Behaves like an SMTP server that is down."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def form_token(*, age=60, token_id=None):
    """A signed form token as the form would have rendered it ``age`` seconds ago."""
    token_id = token_id or uuid.uuid4().hex
    return signing.dumps({"id": token_id, "t": time.time() - age}, salt=TOKEN_SALT)


def contact_data(**overrides):
    data = {
        "name": "Marta Beispiel",
        "email": "marta@example.org",
        "phone": "+49 391 123456",
        "organisation": "Dorfverein Testhausen e. V.",
        "concern": "found",
        "message": "Wir möchten die alte Schule in unserem Dorf zu einem Kreativort machen.",
        "consent": "on",
        "homepage": "",
        "form_token": form_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def suggest_data(*, district, categories, **overrides):
    data = {
        "name": "Alte Mühle Grünhausen",
        "kind": "ort",
        "categories": [category.slug for category in categories],
        "locality": "Grünhausen",
        "district": district.slug,
        "description": (
            "Eine Wassermühle von 1870, die eine Gruppe junger Familien seit 2023 zu Werkstätten "
            "und Wohnungen umbaut. Gesucht werden Menschen, die mitbauen möchten.\n\n"
            "Jeden ersten Samstag im Monat ist Baustellencafé."
        ),
        "website": "https://muehle.example.org",
        "submitter_name": "Jonas Beispiel",
        "submitter_email": "jonas@example.org",
        "submitter_phone": "",
        "note": "Ich gehöre zur Gruppe.",
        "photo_credit": "",
        "consent": "on",
        "homepage": "",
        "form_token": form_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def image_bytes(image_format="JPEG", size=(320, 200), colour=(31, 91, 58), **save_options):
    buffer = BytesIO()
    mode = "RGBA" if image_format == "PNG" else "RGB"
    Image.new(mode, size, colour).save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def jpeg_with_gps():
    """A JPEG carrying a camera make and a GPS position in its EXIF data."""
    exif = Image.Exif()
    exif[0x010F] = "Beispielkamera"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 38.0, 1.5), 3: "E", 4: (11.0, 25.0, 44.0)})
    return image_bytes("JPEG", exif=exif)


def upload(content, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type)
