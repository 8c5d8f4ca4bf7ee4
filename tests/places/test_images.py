"""The one upload validator: content type by content, size, pixels, metadata, re-encoding.

Checked directly, through the suggest form and through the admin's photo inline, which must
refuse the same files with the same words.
"""

from io import BytesIO, StringIO
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from PIL import Image

from places.images import MESSAGES, clean_image, make_renditions
from places.models import Place, PlaceImage
from tests.factories import make_category, make_district, make_image, make_place
from tests.inquiries.inquiry_helpers import image_bytes, jpeg_with_gps, suggest_data, upload

NOT_AN_IMAGE = "Diese Datei ist kein Foto im Format JPEG, PNG oder WebP."
TOO_MANY_PIXELS = "Das Foto hat zu viele Bildpunkte."
TOO_LARGE = "Bitte wählen Sie ein Foto mit höchstens"
BROKEN = "Das Foto ist beschädigt oder unvollständig"
GPS_IFD = 0x8825


def bomb_png():
    """A tiny file that decodes to 144 million pixels."""
    buffer = BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")
    return buffer.getvalue()


def refusal(content, name="foto.jpg", content_type="image/jpeg"):
    try:
        clean_image(upload(content, name, content_type))
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError("the upload was accepted")


class CleanImageTests(TestCase):
    def test_gps_and_camera_metadata_are_removed(self):
        original = Image.open(BytesIO(jpeg_with_gps()))
        assert original.getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS data
        cleaned = Image.open(clean_image(upload(jpeg_with_gps())))
        exif = cleaned.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert len(exif) == 0
        assert "exif" not in cleaned.info

    def test_orientation_is_applied_before_metadata_is_dropped(self):
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise
        cleaned = Image.open(clean_image(upload(image_bytes("JPEG", size=(300, 200), exif=exif))))
        assert cleaned.size == (200, 300)

    def test_formats_are_kept_and_files_renamed(self):
        for image_format, extension in [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]:
            cleaned = clean_image(upload(image_bytes(image_format), name="Max Mustermann.bild"))
            assert cleaned.name.endswith(f".{extension}")
            assert "Mustermann" not in cleaned.name
            assert Image.open(cleaned).format == image_format

    @override_settings(KREATIVORTE_IMAGE_MAX_EDGE=100)
    def test_large_photos_are_scaled_down(self):
        cleaned = Image.open(clean_image(upload(image_bytes(size=(400, 200)))))
        assert cleaned.size == (100, 50)

    def test_multi_picture_jpeg_from_a_camera_is_accepted_as_jpeg(self):
        buffer = BytesIO()
        frame = Image.new("RGB", (50, 40), (31, 91, 58))
        frame.save(buffer, "MPO", save_all=True, append_images=[frame.copy()])
        cleaned = clean_image(upload(buffer.getvalue(), "kamera.jpg"))
        reopened = Image.open(cleaned)
        assert reopened.format == "JPEG"
        assert cleaned.name.endswith(".jpg")
        assert reopened.size == (50, 40)

    def test_palette_png_keeps_its_transparency(self):
        buffer = BytesIO()
        Image.new("P", (20, 10), 0).save(buffer, "PNG", transparency=0)
        reopened = Image.open(clean_image(upload(buffer.getvalue(), "logo.png", "image/png")))
        assert reopened.convert("RGBA").getpixel((0, 0))[3] == 0

    def test_text_disguised_as_jpeg_is_refused(self):
        assert refusal(b"Dies ist kein Bild, nur Text.\n" * 20).startswith(NOT_AN_IMAGE)

    def test_other_image_formats_are_refused(self):
        assert refusal(image_bytes("GIF"), name="bild.png").startswith(NOT_AN_IMAGE)
        assert refusal(image_bytes("BMP"), name="bild.jpg").startswith(NOT_AN_IMAGE)
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        assert refusal(svg, name="bild.webp").startswith(NOT_AN_IMAGE)

    def test_decompression_bomb_is_refused(self):
        data = bomb_png()
        assert len(data) < 100_000
        assert refusal(data, name="bombe.png").startswith(TOO_MANY_PIXELS)

    @override_settings(KREATIVORTE_UPLOAD_MAX_MEGAPIXELS=1)
    def test_pixel_limit_setting(self):
        assert refusal(image_bytes(size=(1200, 1000))).startswith(TOO_MANY_PIXELS)

    @override_settings(KREATIVORTE_UPLOAD_MAX_MB=1)
    def test_oversize_file_is_refused(self):
        message = refusal(b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 1))
        assert TOO_LARGE in message
        assert "höchstens 1 MB" in message

    def test_truncated_image_is_refused(self):
        data = image_bytes("JPEG", size=(600, 400))
        assert refusal(data[: len(data) // 2]).startswith(BROKEN)

    def test_empty_file_is_refused(self):
        assert refusal(b"") == str(MESSAGES["empty"])


@override_settings(KREATIVORTE_EDITOR_EMAILS=["redaktion@example.org"])
class SuggestUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()
        cls.category = make_category()

    def setUp(self):
        cache.clear()

    def post_photo(self, content, name="foto.jpg", content_type="image/jpeg"):
        data = suggest_data(
            district=self.district,
            categories=[self.category],
            photo_1=upload(content, name, content_type),
            photo_1_alt="Das Haus",
            photo_credit="Foto: Test",
            rights_confirmed="on",
        )
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("inquiries:suggest"), data)

    def assert_refused(self, response, message):
        assert response.status_code == 200
        self.assertContains(response, message)
        self.assertContains(response, 'id="id_photo_1_error"')
        assert Place.objects.count() == 0
        assert PlaceImage.objects.count() == 0

    def test_exif_gps_is_gone_from_the_saved_file(self):
        self.assertRedirects(self.post_photo(jpeg_with_gps()), reverse("inquiries:suggest-thanks"))
        saved = PlaceImage.objects.get()
        with saved.image.open("rb") as handle:
            reopened = Image.open(BytesIO(handle.read()))
        assert not reopened.getexif().get_ifd(GPS_IFD)
        assert len(reopened.getexif()) == 0

    def test_saved_photo_gets_smaller_webp_renditions(self):
        self.post_photo(image_bytes("JPEG", size=(1000, 700)))
        saved = PlaceImage.objects.get()
        assert sorted(saved.renditions, key=int) == ["400", "800"]

    def test_disguised_file_is_refused_next_to_the_field(self):
        self.assert_refused(self.post_photo(b"MZ\x90\x00 kein Bild" * 50), NOT_AN_IMAGE)

    def test_bomb_is_refused(self):
        self.assert_refused(self.post_photo(bomb_png(), "bombe.png", "image/png"), TOO_MANY_PIXELS)

    @override_settings(KREATIVORTE_UPLOAD_MAX_MB=1)
    def test_oversize_file_is_refused(self):
        self.assert_refused(self.post_photo(b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10)), TOO_LARGE)

    def test_truncated_file_is_refused(self):
        data = image_bytes("JPEG", size=(600, 400))
        self.assert_refused(self.post_photo(data[: len(data) // 2]), BROKEN)


class AdminUploadTests(TestCase):
    """The admin's photo inline runs the same validator."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw")
        cls.place = make_place(name="Gutshaus Bildtest")

    def setUp(self):
        self.client.force_login(self.admin)

    def post_inline(self, content, name="foto.jpg"):
        url = reverse("admin:places_place_change", args=[self.place.pk])
        response = self.client.get(url)
        form = response.context["adminform"].form
        data = {}
        for field in form:
            value = field.value()
            if value is None:
                continue
            if isinstance(value, list):
                data[field.html_name] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = value
        for formset in response.context["inline_admin_formsets"]:
            management = formset.formset.management_form
            for field in management:
                data[field.html_name] = field.value()
        prefix = "images"
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-0-image": upload(content, name),
                f"{prefix}-0-alt_text": "Das Gutshaus",
                f"{prefix}-0-credit": "Foto: Redaktion",
                f"{prefix}-0-order": "0",
            }
        )
        return self.client.post(url, data)

    def test_admin_refuses_a_disguised_file_with_the_same_words(self):
        response = self.post_inline(b"kein Bild" * 100)
        assert response.status_code == 200
        self.assertContains(response, NOT_AN_IMAGE)
        assert not PlaceImage.objects.exists()

    def test_admin_strips_gps(self):
        response = self.post_inline(jpeg_with_gps())
        assert response.status_code == 302, response.context["errors"]
        saved = PlaceImage.objects.get()
        assert saved.image.name.endswith(".jpg")
        assert (saved.width, saved.height) == (320, 200)
        with saved.image.open("rb") as handle:
            assert not Image.open(BytesIO(handle.read())).getexif().get_ifd(GPS_IFD)

    def test_admin_upload_writes_renditions_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.post_inline(image_bytes("JPEG", size=(900, 600)))
            assert response.status_code == 302, response.context["errors"]
            assert PlaceImage.objects.get().renditions == {}  # not inside the request
        assert len(callbacks) == 1
        assert list(PlaceImage.objects.get().renditions) == ["400", "800"]


class RenditionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place(name="Sägewerk Bildgrößen")

    def photo(self, size):
        content = image_bytes("PNG", size=size, colour=(31, 91, 58, 128))  # half transparent
        upload = SimpleUploadedFile("foto.png", content, "image/png")
        return make_image(self.place, image=upload)

    def test_each_rendition_is_a_webp_of_its_width_with_the_aspect_ratio_kept(self):
        photo = self.photo((1600, 1000))
        make_renditions(photo)
        assert sorted(photo.renditions, key=int) == ["400", "800", "1200"]
        for width, name in photo.renditions.items():
            with photo.image.storage.open(name, "rb") as handle:
                copy = Image.open(BytesIO(handle.read()))
            assert copy.format == "WEBP"
            assert copy.size == (int(width), int(width) * 1000 // 1600)
            assert copy.mode == "RGBA"  # the PNG's transparency survives

    def test_srcset_lists_renditions_then_the_original(self):
        photo = self.photo((1000, 500))
        make_renditions(photo)
        media = settings.MEDIA_URL
        assert photo.srcset == (
            f"{media}{photo.renditions['400']} 400w, {media}{photo.renditions['800']} 800w, "
            f"{photo.image.url} 1000w"
        )

    def test_small_photo_needs_no_rendition_and_redoing_replaces_files(self):
        small = self.photo((300, 200))
        make_renditions(small)
        assert small.renditions == {}
        assert small.srcset == f"{small.image.url} 300w"
        photo = self.photo((900, 600))
        make_renditions(photo)
        make_renditions(photo)
        storage = photo.image.storage
        folder = str(PurePosixPath(photo.image.name).parent / "renditions")
        stem = PurePosixPath(photo.image.name).stem
        on_disk = {f"{folder}/{name}" for name in storage.listdir(folder)[1] if stem in name}
        assert on_disk == set(photo.renditions.values())  # replaced, no copies left behind

    def test_command_fills_in_missing_renditions(self):
        photo = self.photo((900, 600))
        call_command("make_renditions", stdout=StringIO())
        photo.refresh_from_db()
        assert list(photo.renditions) == ["400", "800"]

    def test_detail_page_and_cards_offer_the_srcset(self):
        photo = self.photo((900, 600))
        make_renditions(photo)
        detail = self.client.get(self.place.get_absolute_url())
        self.assertContains(detail, f'srcset="{photo.srcset}"', count=1)
        listing = self.client.get(reverse("places:place-list"))
        self.assertContains(listing, f'srcset="{photo.srcset}"', count=1)
