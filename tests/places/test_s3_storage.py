"""Media on S3-compatible object storage (KREATIVORTE_S3_*), against moto's in-process S3: an
upload through the one image validator lands in the bucket with its renditions, and deleting
and replacing works. No network is involved."""

import boto3
import pytest
from django.core.files.storage import default_storage
from django.test import TestCase, override_settings
from django.urls import reverse
from moto import mock_aws

from kreativorte.settings import s3_media_origin, s3_media_storage
from places.images import make_renditions
from places.models import PlaceImage
from tests.factories import make_category, make_district
from tests.inquiries.inquiry_helpers import image_bytes, suggest_data
from tests.places.test_images import upload

BUCKET = "kreativorte-media"
ENVIRON = {
    "KREATIVORTE_S3_BUCKET": BUCKET,
    "KREATIVORTE_S3_REGION": "eu-central-1",
    "KREATIVORTE_S3_ACCESS_KEY_ID": "test-key",
    "KREATIVORTE_S3_SECRET_ACCESS_KEY": "test-secret",
}
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def test_no_bucket_keeps_the_file_system():
    assert s3_media_storage({}) is None


def test_custom_domain_serves_unsigned_urls_and_is_allowed_as_image_source():
    storage = s3_media_storage({**ENVIRON, "KREATIVORTE_S3_CUSTOM_DOMAIN": "medien.example.org"})
    assert storage["OPTIONS"]["custom_domain"] == "medien.example.org"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert s3_media_origin({**ENVIRON, "KREATIVORTE_S3_CUSTOM_DOMAIN": "medien.example.org"}) == (
        "https://medien.example.org"
    )
    endpoint = {**ENVIRON, "KREATIVORTE_S3_ENDPOINT_URL": "https://s3.example.org:9000/"}
    assert s3_media_origin(endpoint) == "https://s3.example.org:9000"
    assert s3_media_storage(endpoint)["OPTIONS"]["addressing_style"] == "path"


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch):
    """Keep boto3 away from any real credentials or configuration of the machine."""
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


class S3StorageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district()
        cls.category = make_category()

    def setUp(self):
        mock = mock_aws()
        mock.start()
        self.addCleanup(mock.stop)
        self.s3 = boto3.client("s3", region_name="eu-central-1")
        self.s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        storages = {"default": s3_media_storage(ENVIRON), "staticfiles": STATIC}
        override = override_settings(STORAGES=storages)
        override.enable()
        self.addCleanup(override.disable)

    def keys(self):
        listing = self.s3.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def post_photo(self, size=(1000, 700)):
        data = suggest_data(
            district=self.district,
            categories=[self.category],
            photo_1=upload(image_bytes("JPEG", size=size), "foto.jpg", "image/jpeg"),
            photo_1_alt="Das Haus",
            photo_credit="Foto: Test",
            rights_confirmed="on",
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("inquiries:suggest"), data)
        self.assertRedirects(response, reverse("inquiries:suggest-thanks"))
        return PlaceImage.objects.get()

    def test_upload_and_renditions_land_in_the_bucket(self):
        photo = self.post_photo()
        assert type(default_storage._wrapped).__name__ == "S3Storage"
        assert sorted(photo.renditions, key=int) == ["400", "800"]
        assert self.keys() == sorted([photo.image.name, *photo.renditions.values()])
        stored = self.s3.get_object(Bucket=BUCKET, Key=photo.image.name)
        assert stored["ContentType"] == "image/jpeg"
        assert stored["CacheControl"] == "public, max-age=2592000"
        assert stored["Body"].read()[:3] == b"\xff\xd8\xff"  # the re-encoded JPEG
        assert f"{BUCKET}" in photo.image.url and "Signature" in photo.image.url
        assert photo.srcset.count("https://") == 3

    def test_renditions_are_replaced_and_files_deleted(self):
        photo = self.post_photo()
        make_renditions(photo)
        # The old copies went before the new ones were written: no duplicates stayed.
        assert self.keys() == sorted([photo.image.name, *photo.renditions.values()])
        assert len(self.keys()) == 3
        for name in [photo.image.name, *photo.renditions.values()]:
            photo.image.storage.delete(name)
        assert self.keys() == []
