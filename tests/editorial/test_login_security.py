"""Lockout after failed admin logins (django-axes, database handler), the admin path, and
German for the admin's leftovers."""

from django.test import TestCase, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.editorial.helpers import PASSWORD, make_editor


@override_settings(AXES_FAILURE_LIMIT=3)
class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_editor("altmark", regions=["altmark"])

    def login(self, password, address="192.0.2.10"):
        return self.client.post(
            reverse("admin:login"),
            {"username": "altmark", "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def test_locked_out_after_repeated_failures_with_a_german_page(self):
        for _attempt in range(2):
            assert self.login("falsch").status_code == 200
        response = self.login("falsch")
        assert response.status_code == 429
        self.assertContains(response, "Anmeldung vorübergehend gesperrt", status_code=429)
        self.assertContains(response, "in 30 Minuten", status_code=429)
        # Even the right password is refused while the lockout lasts.
        assert self.login(PASSWORD).status_code == 429
        # The count lives in the database, so every gunicorn worker sees it.
        from axes.models import AccessAttempt

        assert AccessAttempt.objects.get(username="altmark").failures_since_start >= 3

    def test_another_address_is_not_locked_out(self):
        for _attempt in range(3):
            self.login("falsch")
        assert self.login(PASSWORD, address="198.51.100.7").status_code == 302

    def test_success_resets_the_count(self):
        self.login("falsch")
        self.login("falsch")
        assert self.login(PASSWORD).status_code == 302
        self.client.logout()
        assert self.login("falsch").status_code == 200


class AdminPathTests(TestCase):
    def test_admin_path_comes_from_the_environment(self):
        import importlib
        import os

        from django.conf import settings

        import kreativorte.urls

        os.environ["DJANGO_ADMIN_PATH"] = "/redaktion-intern/"
        try:
            from kreativorte import settings as settings_module

            importlib.reload(settings_module)
            path = settings_module.KREATIVORTE_ADMIN_PATH
        finally:
            del os.environ["DJANGO_ADMIN_PATH"]
            importlib.reload(settings_module)
        assert path == "redaktion-intern/"
        with override_settings(KREATIVORTE_ADMIN_PATH=path):
            importlib.reload(kreativorte.urls)
            clear_url_caches()
            assert reverse("admin:index") == "/redaktion-intern/"
            assert self.client.get("/redaktion-intern/").status_code == 302
            assert self.client.get("/admin/").status_code == 404
        importlib.reload(kreativorte.urls)
        clear_url_caches()
        assert settings.KREATIVORTE_ADMIN_PATH == "admin/"
        assert reverse("admin:index") == "/admin/"


class AdminTranslationTests(TestCase):
    def test_leftovers_are_german(self):
        with translation.override("de"):
            assert gettext("Logout") == "Abmelden"
            assert gettext("Run") == "Ausführen"
            assert gettext("- Select an option -") == "– Bitte auswählen –"

    def test_script_catalogue_has_the_select_filter_texts(self):
        admin = make_editor("admin", superuser=True)
        self.client.force_login(admin)
        response = self.client.get(reverse("admin:jsi18n"))
        assert response.status_code == 200
        self.assertContains(response, "Alle %s ausw\\u00e4hlen")
        self.assertContains(response, "Alle %s entfernen")
