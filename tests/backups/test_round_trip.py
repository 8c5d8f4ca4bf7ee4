"""manage.py backup and restore: a full round trip into a fresh database and media folder, on
SQLite and (in CI's second pass) PostgreSQL.

What comes back is read with the database driver itself, not through the restore's own counts.
"""

import sqlite3
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from backups import archive
from inquiries.models import Inquiry, PlaceSubmission
from places.images import make_renditions
from places.models import Place, PlaceImage
from tests.factories import make_image, make_place
from tests.inquiries.inquiry_helpers import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_data(settings):
    """Entries with photos and renditions, an inquiry and a suggestion with its submitter."""
    places = [make_place(name=f"Gutshaus {number}") for number in range(3)]
    photo = make_image(
        places[0],
        image=SimpleUploadedFile("haus.jpg", image_bytes("JPEG", size=(900, 600)), "image/jpeg"),
    )
    make_renditions(photo)
    make_image(places[1])
    Inquiry.objects.create(
        token=uuid.uuid4(),
        place=places[0],
        concern="found",
        name="Ria Beispiel",
        email="ria@example.org",
        message="Wir möchten ein Gutshaus beleben.",
        consent_at=timezone.now(),
    )
    PlaceSubmission.objects.create(
        place=make_place(name="Vorschlag Mühle", status=Place.Status.SUBMITTED),
        token=uuid.uuid4(),
        name="Ole Beispiel",
        email="ole@example.org",
        consent_at=timezone.now(),
    )
    files = {}
    for image in PlaceImage.objects.all():
        for name in [image.image.name, *image.renditions.values()]:
            files[name] = (Path(settings.MEDIA_ROOT) / name).read_bytes()
    assert len(files) == 4  # two originals, two renditions
    return files


@pytest.fixture
def target(tmp_path):
    """A database that does not exist yet, next to the test database, and a media folder."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield url, tmp_path / "restored-media"
        return
    name = settings_dict["NAME"].removeprefix("test_") + "_restore_test"
    server = _server_url(settings_dict)
    _drop(server, name)
    yield f"{server}/{name}", tmp_path / "restored-media"
    _drop(server, name)


def _server_url(settings_dict):
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{settings_dict['USER']}{password}@{host}:{settings_dict['PORT'] or 5432}"


def _drop(server, name):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url, sql):
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return sorted(db.execute(sql).fetchall())
    with psycopg.connect(url) as db:
        return sorted(db.execute(sql).fetchall())


def test_backup_restores_every_entry_photo_rendition_and_inquiry(site_data, target, tmp_path):
    url, media_root = target
    call_command("backup", tmp_path / "backups", stdout=StringIO())
    (backup,) = (tmp_path / "backups").iterdir()
    assert {path.name for path in backup.iterdir()} == {
        archive.DUMPS[connection.vendor],
        archive.MEDIA_ARCHIVE,
        archive.MANIFEST,
    }

    out = StringIO()
    call_command("restore", backup, database_url=url, media_root=media_root, stdout=out)
    assert "every table and media file is back" in out.getvalue()

    expected_slugs = sorted((slug,) for slug in Place.objects.values_list("slug", flat=True))
    assert query(url, "SELECT slug FROM places_place") == expected_slugs
    assert len(expected_slugs) == 4
    restored_images = query(url, "SELECT image FROM places_placeimage")
    assert sorted(name for (name,) in restored_images) == sorted(
        PlaceImage.objects.values_list("image", flat=True)
    )
    assert query(url, "SELECT email FROM inquiries_inquiry") == [("ria@example.org",)]
    assert query(url, "SELECT email FROM inquiries_placesubmission") == [("ole@example.org",)]
    for name, content in site_data.items():
        assert (media_root / name).read_bytes() == content, name
    assert len(archive.media_files(media_root)) == len(site_data)


def test_restore_refuses_a_database_or_media_folder_in_use(site_data, target, tmp_path):
    url, media_root = target
    call_command("backup", tmp_path / "backups", stdout=StringIO())
    (backup,) = (tmp_path / "backups").iterdir()
    call_command("restore", backup, database_url=url, media_root=media_root, stdout=StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", backup, database_url=url, media_root=tmp_path / "new")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", backup, media_root=media_root)


def test_restore_reports_what_is_missing(site_data, target, tmp_path):
    url, media_root = target
    backup = archive.create(tmp_path / "backups")
    manifest = (backup / archive.MANIFEST).read_text()
    (backup / archive.MANIFEST).write_text(manifest.replace('"media_files": 4', '"media_files": 5'))
    with pytest.raises(CommandError, match="media: 4 files, the backup had 5"):
        call_command("restore", backup, database_url=url, media_root=media_root)


def test_keep_deletes_the_oldest_complete_backups_only(tmp_path):
    destination = tmp_path / "backups"
    for day in range(1, 5):
        archive.create(destination, keep=3, now=timezone.now().replace(day=day))
    unfinished = destination / f"{archive.PREFIX}20000101T000000000000Z"
    unfinished.mkdir()
    archive.prune(destination, 3)
    names = sorted(path.name for path in destination.iterdir())
    assert len(names) == 4 and names[0] == unfinished.name
    assert names[1].startswith(f"{archive.PREFIX}{timezone.now():%Y%m}02")
