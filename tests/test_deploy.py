"""Production settings and headers: HTTPS, HSTS, security headers, media, passwords, outages."""

import importlib
import io
import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client, TestCase, override_settings
from django.urls import clear_url_caches, path, reverse

from inquiries.models import Inquiry
from kreativorte.urls import handler500
from kreativorte.urls import urlpatterns as site_urlpatterns
from tests.factories import make_place
from tests.inquiries.inquiry_helpers import contact_data

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-characters-0123456789",
    "DJANGO_ALLOWED_HOSTS": "kreativorte.example",
}


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with only the given DJANGO_/KREATIVORTE_ variables."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KREATIVORTE_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def production_settings(**env):
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "KREATIVORTE_SERVE_MEDIA",
    ]
    code = (
        "import json, kreativorte.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}} | "
        "{'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None)}))"
    )
    result = run_python(code, **(PRODUCTION_ENV | env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_https_only():
    values = production_settings()
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["KREATIVORTE_SERVE_MEDIA"] is False


def test_plain_http_switch_turns_off_redirect_hsts_and_secure_cookies():
    values = production_settings(DJANGO_HTTPS="0")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["proxy"] is None


def test_each_https_setting_comes_from_the_environment():
    values = production_settings(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="no",
        KREATIVORTE_SERVE_MEDIA="1",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["KREATIVORTE_SERVE_MEDIA"] is True


def test_debug_serves_media_and_stays_on_http():
    values = production_settings(DJANGO_DEBUG="1")
    assert values["KREATIVORTE_SERVE_MEDIA"] is True
    assert values["SECURE_SSL_REDIRECT"] is False


def test_check_deploy_is_clean_in_production_mode():
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KREATIVORTE_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=environment | PRODUCTION_ENV,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kreativorte.example"])
class HttpsTests(TestCase):
    def test_plain_http_is_redirected_to_https(self):
        response = self.client.get("/orte/?seite=2", headers={"host": "kreativorte.example"})
        assert response.status_code == 301
        assert response["Location"] == "https://kreativorte.example/orte/?seite=2"

    def test_https_behind_the_proxy_is_served_with_hsts(self):
        response = self.client.get(
            "/", headers={"host": "kreativorte.example", "x-forwarded-proto": "https"}
        )
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )

    def test_a_client_cannot_claim_https_without_the_proxy_header(self):
        response = self.client.get(
            "/", headers={"host": "kreativorte.example", "x-forwarded-proto": "http"}
        )
        assert response.status_code == 301


class SecurityHeaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place()

    def test_permissions_policy_coop_and_corp_on_pages_static_and_errors(self):
        for url in ["/", self.place.get_absolute_url(), "/gibt-es-nicht/", "/orte.geojson"]:
            with self.subTest(url=url):
                headers = self.client.get(url).headers
                policy = headers["Permissions-Policy"]
                assert "camera=()" in policy
                assert "geolocation=(self)" in policy  # "Mein Standort", our pages only
                assert "microphone=()" in policy
                assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
                assert headers["Cross-Origin-Resource-Policy"] == "same-origin"

    def test_headers_reach_the_admin_login(self):
        headers = self.client.get("/admin/login/").headers
        assert "payment=()" in headers["Permissions-Policy"]


@pytest.fixture
def media_urls(settings):
    """Re-import the root URLconf under the current KREATIVORTE_SERVE_MEDIA."""

    def load():
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        clear_url_caches()

    yield load
    settings.KREATIVORTE_SERVE_MEDIA = False
    load()


@pytest.mark.django_db
def test_media_are_not_served_by_django_in_production(client, settings, media_urls):
    (settings.MEDIA_ROOT / "places").mkdir(parents=True)
    (settings.MEDIA_ROOT / "places" / "foto.webp").write_bytes(b"RIFF....WEBP")
    settings.KREATIVORTE_SERVE_MEDIA = False
    media_urls()
    assert client.get("/media/places/foto.webp").status_code == 404
    settings.KREATIVORTE_SERVE_MEDIA = True
    media_urls()
    response = client.get("/media/places/foto.webp")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF....WEBP"
    response.close()


def test_password_validators_are_on():
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    for weak in ["kurz", "password123", "12345678901234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Lindenhof-Scheune-an-der-Elbe")


def fail_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


class DatabaseOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place()

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def assert_outage_page(self, response):
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "no-store" in response["Cache-Control"]
        content = response.content.decode()
        assert '<html lang="de">' in content
        assert "nicht gespeichert" in content
        assert "in einer Minute noch einmal" in content
        self.assertTemplateUsed(response, "503.html")

    def test_page_view_during_an_outage_answers_503(self):
        with (
            connection.execute_wrapper(fail_every_query),
            self.assertLogs("kreativorte.outage", "WARNING") as logs,
        ):
            response = self.client.get(self.place.get_absolute_url())
        self.assert_outage_page(response)
        assert "OperationalError" in logs.output[0]

    def test_form_post_during_an_outage_says_nothing_was_saved(self):
        with connection.execute_wrapper(fail_every_query), self.assertLogs("kreativorte.outage"):
            response = self.client.post(reverse("inquiries:contact"), contact_data())
        self.assert_outage_page(response)
        assert Inquiry.objects.count() == 0

    def test_an_outage_is_not_reported_as_a_server_error(self):
        with (
            connection.execute_wrapper(fail_every_query),
            self.assertNoLogs("django.request", "ERROR"),
            self.assertLogs("kreativorte.outage"),
        ):
            self.client.get("/")

    @override_settings(ROOT_URLCONF="tests.test_deploy")
    def test_other_errors_still_get_the_500_page(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/test-fehler/500/")
        assert response.status_code == 500
        self.assertTemplateUsed(response, "500.html")


def boom(request):
    raise RuntimeError("Absichtlicher Fehler für den Test")


# The site's URLconf plus a view that raises; handler500 (imported above) comes along with it.
urlpatterns = [path("test-fehler/500/", boom), *site_urlpatterns]
__all__ = ["handler500", "urlpatterns"]


def free_port():
    """A port in this worktree's range that nothing listens on."""
    for port in range(8129, 8119, -1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed port in 8120-8129")


OUTAGE_REQUEST = """
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}):
    response = Client(raise_request_exception=False).get("/")
print(response.status_code, response.get("Retry-After"), "nicht gespeichert" in response.text)
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("postgres://postgres@127.0.0.1:{port}/kreativorte", id="postgresql"),
        pytest.param("sqlite:////nonexistent-directory/db.sqlite3", id="sqlite"),
    ],
)
def test_unreachable_database_answers_503(database_url):
    """A real driver error: PostgreSQL on a closed port, SQLite in a folder that is not there."""
    result = run_python(
        OUTAGE_REQUEST,
        **(PRODUCTION_ENV | {"DJANGO_ALLOWED_HOSTS": "testserver"}),
        DJANGO_SETTINGS_MODULE="kreativorte.settings",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url.format(port=free_port()),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "503 60 True"


@pytest.mark.django_db  # the handler checks earlier tests' connections at request start
def test_the_wsgi_entry_point_gunicorn_loads_answers():
    from kreativorte.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    statuses = []
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert json.loads(body) == {"status": "ok"}
