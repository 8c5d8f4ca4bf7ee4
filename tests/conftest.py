import os
import socket

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from kreativorte.settings import cache_from_url

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
    """Each test starts with empty caches (the shared one, each process's own, the filter's
    prepared vocabularies): cached map data of one test's entries never answers another's."""
    from places.filters import PlaceFilter

    def empty():
        for each in (cache, caches["local"], PlaceFilter._prepared_for):
            each.clear()

    empty()
    yield
    empty()


REDIS_URL = os.environ.get("KREATIVORTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis (database 3, emptied before and after)."""
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is needed on 127.0.0.1:6379 in CI")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {**settings.CACHES, "default": cache_from_url(REDIS_URL)}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()
