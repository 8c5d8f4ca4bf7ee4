import os

import pytest
from django.test import override_settings

# The production smoke test starts nginx, gunicorn and a worker from a fresh virtual environment;
# `make smoke` runs it on its own (CI after the suites).
if not os.environ.get("KREATIVORTE_SMOKE"):
    collect_ignore = ["production"]


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """Serve static files unhashed in tests; tests/test_deploy.py covers the manifest storage."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
