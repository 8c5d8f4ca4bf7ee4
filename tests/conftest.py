import os

import pytest
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Factories write without bumping the cache generation, as editorial code must: tests
    that are about the page cache turn it on themselves (tests/places/test_page_cache.py)."""
    settings.KREATIVORTE_PAGE_CACHE_SECONDS = 0
    settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached map data of one test's entries never
    answers another's."""
    cache.clear()
    yield
    cache.clear()
