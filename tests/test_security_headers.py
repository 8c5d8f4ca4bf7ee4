"""Security headers on public and admin pages: a strict CSP and the classic hardening headers."""

import os
import re
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from kreativorte.settings import csp_origin
from tests.factories import make_place

EXPECTED_POLICY = (
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "img-src 'self' data: https://tile.openstreetmap.org; object-src 'none'; "
    "script-src 'self'; style-src 'self'"
)


class PublicHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.place = make_place()

    def test_public_pages_send_the_hardening_headers(self):
        for url in ["/", self.place.get_absolute_url(), "/gibt-es-nicht/"]:
            with self.subTest(url=url):
                headers = self.client.get(url).headers
                assert headers["X-Content-Type-Options"] == "nosniff"
                assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
                assert headers["X-Frame-Options"] == "DENY"
                assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
                assert "Content-Security-Policy-Report-Only" not in headers

    def test_public_pages_get_the_strict_policy_without_a_nonce(self):
        response = self.client.get("/")
        assert response.headers["Content-Security-Policy"] == EXPECTED_POLICY
        assert "nonce" not in response.content.decode()

    def test_policy_allows_no_inline_code(self):
        policy = self.client.get("/").headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


class AdminHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser(
            "redaktion", "redaktion@example.org", "geheim-und-lang"
        )
        cls.place = make_place()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_admin_nonces_match_the_header(self):
        """The admin marks its own inline code with a nonce; the header must carry that nonce."""
        urls = [
            reverse("admin:index"),
            reverse("admin:places_place_changelist"),
            reverse("admin:places_place_change", args=[self.place.pk]),
            reverse("admin:places_place_add"),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 200
                policy = response.headers["Content-Security-Policy"]
                for nonce in set(re.findall(r'nonce="([^"]+)"', response.content.decode())):
                    assert f"'nonce-{nonce}'" in policy


class TileOriginTests(TestCase):
    def test_origin_of_a_tile_template(self):
        assert (
            csp_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
            == "https://tile.openstreetmap.org"
        )

    def test_subdomain_placeholder_becomes_a_wildcard(self):
        assert csp_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
            "https://*.tile.example.org"
        )

    def test_same_site_or_empty_tile_url_adds_no_host(self):
        assert csp_origin("/kacheln/{z}/{x}/{y}.png") is None
        assert csp_origin("") is None

    def test_tile_host_comes_from_the_environment(self):
        environment = dict(os.environ, KREATIVORTE_MAP_TILE_URL="https://karte.example/{z}/{x}/{y}")
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import kreativorte.settings as s; print(s.SECURE_CSP['img-src'])",
            ],
            capture_output=True,
            text=True,
            env=environment,
            cwd=settings.BASE_DIR,
            check=True,
        )
        assert "https://karte.example" in result.stdout
        assert "openstreetmap" not in result.stdout
