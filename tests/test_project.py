import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from places.models import Place
from tests.factories import make_place


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def _import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kreativorte.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _import_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_are_safe_by_default():
    result = _import_settings(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False []"


def test_debug_mode_runs_without_secret_key():
    result = _import_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['127.0.0.1', 'localhost']"


@pytest.mark.django_db
def test_published_entry_pages_render_and_drafts_stay_private(client):
    published = make_place(name="Alte Schule Sonnenhof")
    draft = make_place(name="Geheimer Entwurf", status=Place.Status.DRAFT)
    submitted = make_place(name="Eingereichter Vorschlag", status=Place.Status.SUBMITTED)

    home = client.get("/")
    assert home.status_code == 200
    assert published.name in home.text
    assert draft.name not in home.text
    assert submitted.name not in home.text

    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_production_static_files_collect_with_hashed_names(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/site.*.css.gz"))


def test_favicon_ico_redirects_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
