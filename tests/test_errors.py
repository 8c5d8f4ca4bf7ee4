"""The designed German error pages, rendered the way Django renders them in production."""

from django.core.exceptions import PermissionDenied
from django.test import Client, TestCase, override_settings
from django.urls import path

from kreativorte.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("Absichtlicher Fehler für den Test")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-fehler/500/", boom),
    path("test-fehler/403/", forbidden),
    *site_urlpatterns,
]


@override_settings(ROOT_URLCONF="tests.test_errors", ALLOWED_HOSTS=["testserver"])
class ErrorPageTests(TestCase):
    def assert_german_page(self, response, status, heading):
        assert response.status_code == status
        content = response.content.decode()
        assert '<html lang="de">' in content
        assert heading in content
        assert "Zur Startseite" in content

    def test_400_for_a_disallowed_host(self):
        with self.assertLogs("django.security.DisallowedHost", "ERROR"):
            response = self.client.get("/", headers={"host": "angreifer.example"})
        self.assert_german_page(response, 400, "Ungültige Anfrage")
        self.assertTemplateUsed(response, "400.html")

    def test_403_for_permission_denied(self):
        with self.assertLogs("django.request", "WARNING"):
            response = self.client.get("/test-fehler/403/")
        self.assert_german_page(response, 403, "Zugriff verweigert")
        self.assertTemplateUsed(response, "403.html")

    def test_403_csrf_failure_explains_what_to_do(self):
        client = Client(enforce_csrf_checks=True)
        with self.assertLogs("django.security.csrf", "WARNING"):
            response = client.post("/", {"name": "Test"})
        self.assert_german_page(response, 403, "Das Formular konnte nicht gesendet werden")
        self.assertContains(response, "Cookies", status_code=403)
        self.assertTemplateUsed(response, "403_csrf.html")

    def test_404_for_an_unknown_address(self):
        response = self.client.get("/gibt-es-nicht/")
        self.assert_german_page(response, 404, "Seite nicht gefunden")
        self.assertTemplateUsed(response, "404.html")

    def test_404_for_an_unknown_place(self):
        response = self.client.get("/orte/gibt-es-nicht/")
        self.assert_german_page(response, 404, "Seite nicht gefunden")

    def test_500_is_self_contained(self):
        client = Client(raise_request_exception=False)
        with self.assertLogs("django.request", "ERROR"):
            response = client.get("/test-fehler/500/")
        self.assert_german_page(response, 500, "Technischer Fehler")
        self.assertTemplateUsed(response, "500.html")

    def test_error_pages_carry_the_security_headers(self):
        response = self.client.get("/gibt-es-nicht/")
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
