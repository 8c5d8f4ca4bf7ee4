"""Directory journeys in a real Chromium: filter, open a Steckbrief, show the map.

Map tiles point at a path on the live server (it answers 404, which Leaflet shows as an empty
tile), and every request is checked: nothing may leave 127.0.0.1 / localhost.
"""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def requests_seen(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.fixture
def csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.fixture
def local_tiles(settings, live_server):
    settings.KREATIVORTE_MAP_TILE_URL = f"{live_server.url}/kachel-test/{{z}}/{{x}}/{{y}}.png"
    return "/kachel-test/"


def assert_all_local(urls):
    outside = [url for url in urls if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert outside == []


def visible_text(locator):
    """Text a sighted visitor reads: without the parts only screen readers announce."""
    return locator.evaluate(
        """element => {
            const copy = element.cloneNode(true);
            copy.querySelectorAll(".visually-hidden").forEach(node => node.remove());
            return copy.textContent.trim();
        }"""
    )


def result_names(page):
    return page.locator(".card__title a").all_inner_texts()


def test_filter_by_category_changes_the_results(live_server, page, directory, requests_seen):
    page.goto(f"{live_server.url}/orte/")
    assert page.get_by_role("heading", level=2, name="3 Einträge").is_visible()
    assert len(result_names(page)) == 3

    page.get_by_label("Kategorie", exact=True).select_option("wohnen-bauen")
    page.get_by_role("button", name="Filter anwenden").click()

    page.wait_for_url(re.compile(r"kategorie=wohnen-bauen"))
    assert result_names(page) == ["Baugruppe am Anger"]
    assert page.get_by_role("heading", level=2, name="1 Eintrag").is_visible()
    chip = page.get_by_role("link", name="Filter Kategorie: Wohnen/Bauen entfernen")
    assert visible_text(chip) == "Kategorie: Wohnen/Bauen ✕"

    chip.click()
    page.wait_for_url(f"{live_server.url}/orte/")
    assert len(result_names(page)) == 3
    assert_all_local(requests_seen)


def test_search_then_open_a_steckbrief(live_server, page, directory):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Orte, Projekte und Initiativen durchsuchen").fill("saegewerk")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"/orte/\?q=saegewerk"))
    page.get_by_role("link", name="Werkstatt im Sägewerk").click()

    page.wait_for_url(f"{live_server.url}/orte/werkstatt-im-saegewerk/")
    assert page.get_by_role("heading", level=1).inner_text() == "Werkstatt im Sägewerk"
    assert page.get_by_role("heading", level=2, name="Die Lage").is_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1


def test_map_loads_only_after_consent_with_markers(
    live_server, page, directory, local_tiles, requests_seen, csp_violations
):
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert not any(local_tiles in url or "leaflet" in url for url in requests_seen)
    assert page.locator(".leaflet-container").count() == 0

    page.get_by_role("button", name="Karte anzeigen").click()

    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 2  # the entry without coordinates is left out
    assert page.locator("[data-map-canvas]").is_visible()
    page.wait_for_load_state("networkidle")
    assert any(local_tiles in url for url in requests_seen)

    page.get_by_role("button", name="Baugruppe am Anger").click()
    popup = page.locator(".leaflet-popup-content")
    # The popup's details load when it opens.
    popup.get_by_role("link", name="Baugruppe am Anger").wait_for()

    assert_all_local(requests_seen)
    assert csp_violations == []


def test_map_on_the_list_follows_the_filters_and_consent_is_remembered(
    live_server, page, directory, local_tiles, requests_seen
):
    page.goto(f"{live_server.url}/orte/?kategorie=arbeiten-wirtschaft")
    page.get_by_text("Auswahl auf der Karte").click()
    page.get_by_label("Karten künftig ohne Nachfrage anzeigen").check()
    page.get_by_role("button", name="Karte anzeigen").click()
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1

    page.goto(f"{live_server.url}/orte/werkstatt-im-saegewerk/")
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.get_by_role("button", name="Karte anzeigen").is_hidden()
    assert_all_local(requests_seen)


def test_phone_layout_collapses_the_filters(live_server, browser, directory):
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/orte/")
        assert page.get_by_label("Kategorie", exact=True).is_hidden()
        page.get_by_text("Filter und Suche").click()
        assert page.get_by_label("Kategorie", exact=True).is_visible()
        assert page.get_by_role("button", name="Filter anwenden").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize(
    ("url", "href"),
    [
        (
            'https://example.org/copyright" data-injected="1',
            'https://example.org/copyright" data-injected="1',
        ),
        ("javascript:alert(1)", None),
    ],
)
def test_map_attribution_is_text_and_a_safe_link(
    live_server, page, directory, local_tiles, settings, url, href
):
    """Settings end up in the attribution as text and an attribute, never as markup."""
    settings.KREATIVORTE_MAP_ATTRIBUTION = "<b data-injected>© Beispiel</b>"
    settings.KREATIVORTE_MAP_ATTRIBUTION_URL = url
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Karte anzeigen").click()
    page.locator(".leaflet-marker-icon").first.wait_for()

    attribution = page.locator(".leaflet-control-attribution")
    assert "<b data-injected>© Beispiel</b>" in attribution.inner_text()
    assert page.locator("[data-injected]").count() == 0
    links = attribution.get_by_role("link", name="<b data-injected>© Beispiel</b>")
    if href is None:
        assert links.count() == 0
    else:
        assert links.get_attribute("href") == href
