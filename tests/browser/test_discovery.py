"""The map page, clustering, the legend, facet counts and "near a town" in a real Chromium.

Tiles point at a path on the live server; every request is checked to stay on 127.0.0.1.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.test_directory import assert_all_local
from tests.factories import make_category, make_district, make_place

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def requests_seen(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.fixture
def console_errors(page):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return errors


@pytest.fixture
def local_tiles(settings, live_server):
    settings.KREATIVORTE_MAP_TILE_URL = f"{live_server.url}/kachel-test/{{z}}/{{x}}/{{y}}.png"
    return "/kachel-test/"


@pytest.fixture
def village():
    """Twenty entries in and around Kalbe (Milde), close enough to cluster, and one far away."""
    living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
    work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
    district = make_district(name="Altmarkkreis Salzwedel", slug="altmarkkreis-salzwedel")
    for number in range(20):
        make_place(
            name=f"Hof Nummer {number}",
            categories=[living if number % 2 else work],
            district=district,
            latitude=Decimal("52.633") + Decimal(number) / 2000,
            longitude=Decimal("11.429") + Decimal(number) / 2000,
        )
    return make_place(
        name="Werkhaus am Fläming",
        categories=[work],
        kind="projekt",
        locality="Bad Belzig",
        latitude=Decimal("52.142"),
        longitude=Decimal("12.593"),
    )


def test_map_page_clusters_behind_consent_with_legend_and_popups(
    live_server, page, village, local_tiles, requests_seen, console_errors
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Karte").click()
    page.wait_for_url(f"{live_server.url}/karte/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Karte"
    # Nothing map-related before consent: no Leaflet, no cluster code, no markers, no tiles.
    assert not any(
        marker in url for url in requests_seen for marker in (local_tiles, "leaflet", "marker.json")
    )
    assert page.get_by_role("link", name="Diese Auswahl als Liste").is_visible()

    page.get_by_role("button", name="Karte anzeigen").click()
    clusters = page.locator(".map-cluster")
    clusters.first.wait_for()
    assert any(local_tiles in url for url in requests_seen)
    legend = page.locator("[data-map-legend]")
    assert legend.is_visible()
    assert legend.locator("li").all_inner_texts() == ["Wohnen/Bauen", "Arbeiten/Wirtschaft"]
    # The far entry is a marker of its own, named for keyboard and screen reader users.
    far = page.get_by_role("button", name="Werkhaus am Fläming")
    far.click()
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_role("link", name="Werkhaus am Fläming").wait_for()
    assert "Projekt · Bad Belzig" in popup.inner_text()
    assert "Arbeiten/Wirtschaft" in popup.inner_text()

    # The village is a cluster with a count; a click zooms in until markers show.
    assert (
        "20" in clusters.all_inner_texts()
        or sum(int(text) for text in clusters.all_inner_texts()) == 20
    )
    page.locator("[data-map]").evaluate("map => map.leafletMap.setView([52.6345, 11.4305], 18)")
    page.get_by_role("button", name="Hof Nummer 3", exact=True).wait_for()

    assert_all_local(requests_seen)
    assert console_errors == [] or all(
        "kachel-test" in error or "404" in error for error in console_errors
    )


def test_map_page_filters_apply_to_the_markers(live_server, page, village, local_tiles):
    page.goto(f"{live_server.url}/karte/")
    category = page.get_by_label("Kategorie", exact=True)
    assert category.locator("option").all_inner_texts() == [
        "Alle Kategorien",
        "Wohnen/Bauen (10)",
        "Arbeiten/Wirtschaft (11)",
    ]
    category.select_option("wohnen-bauen")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url(re.compile(r"/karte/\?.*kategorie=wohnen-bauen"))
    assert page.get_by_role("heading", level=2, name="10 Einträge").is_visible()
    page.get_by_role("button", name="Karte anzeigen").click()
    page.locator(".map-cluster, .map-pin").first.wait_for()
    expect(page.locator("[data-map]")).to_have_attribute("data-markers", "10")
    list_link = page.get_by_role("link", name="Diese Auswahl als Liste")
    assert "kategorie=wohnen-bauen" in list_link.get_attribute("href")


def test_phone_map_page_puts_the_filters_below_the_map(live_server, browser, village):
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/karte/")
        map_box = page.locator("[data-map]").bounding_box()
        filters_box = page.locator(".map-page__filters").bounding_box()
        assert filters_box["y"] > map_box["y"] + map_box["height"]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()


def test_near_a_town_with_suggestions_and_distances(live_server, page, village):
    page.goto(f"{live_server.url}/orte/")
    field = page.get_by_label("In der Nähe von")
    field.press_sequentially("Sten", delay=30)
    page.locator("[data-near-list] option").first.wait_for(state="attached")
    options = page.locator("[data-near-list] option").evaluate_all(
        "options => options.map(option => option.value)"
    )
    assert options[0] == "Stendal"
    field.fill("Stendal")
    page.get_by_label("Umkreis").select_option("100")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url(re.compile(r"nahe=Stendal"))
    distances = page.locator(".card__distance").all_inner_texts()
    assert distances[0] == "29 km entfernt"  # Hof Nummer 0 in Kalbe (Milde)
    assert page.locator(".card__title a").first.inner_text().startswith("Hof Nummer")
    assert "Werkhaus am Fläming" in page.locator(".card__title a").all_inner_texts()


def test_my_position_only_after_a_click_rounded_into_the_url(live_server, browser, village):
    context = browser.new_context(
        locale="de-DE",
        geolocation={"latitude": 52.1234567, "longitude": 12.5876543},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/orte/")
        button = page.get_by_role("button", name="Mein Standort verwenden")
        button.click()
        page.wait_for_url(re.compile(r"standort="))
        assert "standort=52.12%2C12.59" in page.url
        assert page.locator(".card__title a").first.inner_text() == "Werkhaus am Fläming"
        # From (52.12, 12.59), not from the precise position.
        assert page.locator(".card__distance").first.inner_text() == "2 km entfernt"
    finally:
        context.close()
