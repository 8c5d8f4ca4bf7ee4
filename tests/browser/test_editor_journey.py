"""Editor journey: log in to the admin, publish a draft, see it on the public site.

The admin runs under the same strict Content-Security-Policy as the public pages, so the journey
also fails on any console error (a blocked inline script or style shows up there).
"""

import pytest
from django.contrib.auth import get_user_model

from places.models import Place
from tests.factories import make_place

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ein-langes-redaktionspasswort"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("redaktion", "redaktion@example.org", PASSWORD)


@pytest.fixture
def console_errors(page):
    """Console errors, less the missing favicon (the audit, scripts/audit/, reports that one)."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, base_url):
    page.goto(base_url + "/admin/")
    page.get_by_label("Benutzername").fill("redaktion")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Einträge und Inhalte pflegen").wait_for()


def test_editor_publishes_a_draft(live_server, page, editor, console_errors):
    place = make_place(name="Gutshof Entwurfsdorf", status=Place.Status.DRAFT)
    public_url = live_server.url + place.get_absolute_url()
    assert page.goto(public_url).status == 404
    console_errors.clear()  # the browser logs that expected 404

    log_in(page, live_server.url)
    page.goto(live_server.url + "/admin/places/place/?status__exact=draft")
    page.get_by_role("link", name="Gutshof Entwurfsdorf").click()
    page.get_by_label("Status").select_option(label="Veröffentlicht")
    page.get_by_role("button", name="Sichern", exact=True).first.click()
    page.locator(".messagelist .success").wait_for()

    place.refresh_from_db()
    assert place.status == Place.Status.PUBLISHED
    assert place.published_at is not None

    response = page.goto(public_url)
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Gutshof Entwurfsdorf"
    assert console_errors == []


def test_admin_pages_run_under_the_csp(live_server, page, editor, console_errors):
    place = make_place()
    log_in(page, live_server.url)
    for path in [
        "/admin/places/place/",
        f"/admin/places/place/{place.pk}/change/",
        "/admin/places/district/",
        "/admin/places/place/add/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    # The add form's widgets need their scripts: the slug fills itself from the name.
    page.locator("#id_name").fill("Neue Scheune")
    page.locator("#id_slug").click()
    assert page.locator("#id_slug").input_value() == "neue-scheune"
    assert console_errors == []
