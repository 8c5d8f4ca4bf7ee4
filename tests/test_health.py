"""Health endpoints, request ids, one-line logs and the configurable cache."""

import io
import json
import logging
import sys
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import path
from django.utils.module_loading import import_string

from kreativorte.logs import JsonFormatter, OneLineFormatter
from kreativorte.request_id import RequestIdFilter, current_request_id
from kreativorte.settings import cache_from_url
from kreativorte.urls import urlpatterns as site_urlpatterns


def fail_every_query(execute, sql, params, many, context):
    raise OperationalError("connection refused")


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kreativorte.example"])
class HealthTests(TestCase):
    def test_liveness_needs_no_database_host_or_https(self):
        """The container's own check: plain HTTP, an IP as host, no proxy headers."""
        with self.assertNumQueries(0):
            response = self.client.get("/healthz", headers={"host": "127.0.0.1:8000"})
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert "no-cache" in response["Cache-Control"]

    def test_liveness_survives_a_database_outage(self):
        with connection.execute_wrapper(fail_every_query):
            assert self.client.get("/healthz").status_code == 200

    def test_readiness_checks_database_and_cache(self):
        with self.assertNumQueries(1):
            response = self.client.get("/readyz", headers={"host": "10.0.0.5"})
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
        }
        assert "max-age=0" in response["Cache-Control"]

    def test_readiness_fails_without_the_database(self):
        with (
            connection.execute_wrapper(fail_every_query),
            self.assertLogs("kreativorte.health", "WARNING") as logs,
            self.assertNoLogs("django.request"),
        ):
            response = self.client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"] == {"database": "error", "cache": "ok", "tasks": "ok"}
        assert "connection refused" not in response.text
        assert logs.output == [
            "WARNING:kreativorte.health:readiness check database failed: OperationalError"
        ]

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_readiness_asks_the_database_queue(self):
        with self.assertNumQueries(2):
            response = self.client.get("/readyz")
        assert response.json()["checks"]["tasks"] == "ok"
        with (
            connection.execute_wrapper(fail_every_query),
            self.assertLogs("kreativorte.health", "WARNING") as logs,
        ):
            response = self.client.get("/readyz")
        assert response.json()["checks"]["tasks"] == "error"
        assert "readiness check tasks failed: OperationalError" in logs.output[-1]

    def test_readiness_fails_when_the_cache_loses_writes(self):
        with (
            mock.patch("kreativorte.health.cache.get", return_value=None),
            self.assertLogs("kreativorte.health", "WARNING"),
        ):
            response = self.client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["cache"] == "error"

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_readiness_checks_the_task_queue_of_the_worker(self):
        with self.assertNumQueries(2):
            response = self.client.get("/readyz")
        assert response.json()["checks"]["tasks"] == "ok"
        with (
            connection.execute_wrapper(fail_every_query),
            self.assertLogs("kreativorte.health", "WARNING") as logs,
        ):
            response = self.client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["tasks"] == "error"
        assert "readiness check tasks failed: OperationalError" in logs.output[-1]

    @override_settings(
        KREATIVORTE_READINESS_CHECKS={
            "database": "kreativorte.health.check_database",
            "queue": "tests.test_health.broken_check",
        }
    )
    def test_a_further_check_is_one_line_in_the_settings(self):
        with self.assertLogs("kreativorte.health", "WARNING"):
            response = self.client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"] == {"database": "ok", "queue": "error"}

    def test_other_methods_and_paths_fall_through_to_the_site(self):
        host = {"host": "kreativorte.example"}
        assert self.client.post("/healthz", headers=host).status_code == 301
        assert self.client.get("/healthz/", headers=host).status_code == 301


def broken_check():
    raise ConnectionError("queue down")


def show_request_id(request):
    return HttpResponse(current_request_id.get())


urlpatterns = [path("request-id/", show_request_id), *site_urlpatterns]


@override_settings(ROOT_URLCONF="tests.test_health")
class RequestIdTests(SimpleTestCase):
    def test_a_new_id_is_made_and_sent_back(self):
        response = self.client.get("/request-id/")
        request_id = response["X-Request-ID"]
        assert len(request_id) == 32
        assert response.text == request_id
        assert self.client.get("/request-id/")["X-Request-ID"] != request_id

    def test_the_proxy_id_is_kept(self):
        response = self.client.get("/request-id/", headers={"x-request-id": "nginx-4f1c2a9b"})
        assert response["X-Request-ID"] == "nginx-4f1c2a9b"
        assert response.text == "nginx-4f1c2a9b"

    def test_a_forged_id_is_replaced(self):
        for forged in ["kurz", "a b c d e f g h", "x" * 65, "abc\ndef-ghijk", "<script>ab"]:
            with self.subTest(forged=forged):
                response = self.client.get("/request-id/", headers={"x-request-id": forged})
                assert response["X-Request-ID"] != forged
                assert len(response["X-Request-ID"]) == 32

    def test_access_line_has_no_query_string_and_no_address(self):
        with self.assertLogs("kreativorte.request", "INFO") as logs:
            self.client.get(
                "/request-id/?email=ada%40example.org&q=geheim", REMOTE_ADDR="203.0.113.9"
            )
        [line] = logs.output
        assert line.startswith("INFO:kreativorte.request:GET /request-id/ 200 ")
        assert "example.org" not in line
        assert "geheim" not in line
        assert "203.0.113.9" not in line

    def test_outside_a_request_the_id_is_a_dash(self):
        self.client.get("/request-id/")
        assert current_request_id.get() == "-"


def log_line(formatter, exc_info=None):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger("tests.log_format")
    logger.addHandler(handler)
    logger.propagate = False
    token = current_request_id.set("req-12345678")
    try:
        logger.error("Eintrag %s fehlgeschlagen", "Lindenhof", exc_info=exc_info)
    finally:
        current_request_id.reset(token)
        logger.removeHandler(handler)
    return stream.getvalue()


def test_json_log_is_one_line_per_event_even_with_a_traceback():
    try:
        raise ValueError("erste Zeile\nzweite Zeile")
    except ValueError:
        output = log_line(JsonFormatter(), exc_info=sys.exc_info())
    [line] = output.splitlines()
    event = json.loads(line)
    assert event["level"] == "ERROR"
    assert event["request_id"] == "req-12345678"
    assert event["message"] == "Eintrag Lindenhof fehlgeschlagen"
    assert "ValueError: erste Zeile\nzweite Zeile" in event["exception"]


def test_text_log_is_one_line_with_the_request_id():
    try:
        raise ValueError("kaputt")
    except ValueError:
        output = log_line(
            OneLineFormatter("%(levelname)s [%(request_id)s] %(message)s"),
            exc_info=sys.exc_info(),
        )
    [line] = output.splitlines()
    assert line.startswith("ERROR [req-12345678] Eintrag Lindenhof fehlgeschlagen\\nTraceback")


def test_cache_is_local_memory_by_default():
    assert cache_from_url("") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_cache_url_selects_redis():
    config = cache_from_url("redis://127.0.0.1:6379/2")
    assert issubclass(import_string(config["BACKEND"]), RedisCache)
    assert config["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert cache_from_url("rediss://cache.example:6380/0")["LOCATION"].startswith("rediss://")


def test_unknown_cache_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="memcached"):
        cache_from_url("memcached://127.0.0.1:11211")


@pytest.mark.django_db
def test_readiness_on_redis(redis_cache, client):
    assert isinstance(redis_cache, RedisCache)
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"


@pytest.fixture
def unreachable_redis(settings):
    """Redis on a port nothing listens on (this worktree's range)."""
    settings.CACHES = {**settings.CACHES, "default": cache_from_url("redis://127.0.0.1:8127/0")}
    return caches["default"]


@pytest.mark.django_db
def test_readiness_reports_an_unreachable_redis(unreachable_redis, client, caplog):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "error", "tasks": "ok"}


def test_an_unreachable_redis_is_a_miss_not_an_error(unreachable_redis, caplog):
    with caplog.at_level(logging.WARNING, "kreativorte.cache"):
        assert unreachable_redis.get("schluessel", "vorgabe") == "vorgabe"
        unreachable_redis.set("schluessel", 1)
        assert unreachable_redis.add("schluessel", 1) is False
        assert unreachable_redis.get_many(["a", "b"]) == {}
    assert "cache unreachable (ConnectionError), get skipped" in caplog.messages
