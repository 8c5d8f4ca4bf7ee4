"""Editorial journeys in a real browser: an editor creates an entry with a photo and a pin on
the map, publishes it, and it appears on the public list and in the map data; a regional
editor does not see another region's entries."""

import json

import pytest

from places.models import Place
from tests.editorial.helpers import PASSWORD, make_editor, potsdam_mittelmark, stendal
from tests.factories import make_category, make_place
from tests.images import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Einträge und Inhalte pflegen").wait_for()


def test_editor_creates_an_entry_with_photo_and_pin_and_publishes_it(live_server, page, tmp_path):
    make_editor("redakteurin")
    make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft")
    photo = tmp_path / "scheune.png"
    photo.write_bytes(png_bytes(size=(900, 600)))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server.url, "redakteurin")
    page.goto(live_server.url + "/admin/places/place/add/")
    page.locator("#id_name").fill("Werkscheune Tangermünde")
    page.locator("#id_teaser").fill("Eine Scheune wird Werkstatt für die ganze Nachbarschaft.")
    page.locator("#id_categories_from").select_option(label="Arbeiten/Wirtschaft")
    page.locator("#id_categories_add").click()
    page.locator("#id_locality").fill("Tangermünde")
    # The district autocomplete (select2).
    page.locator("#id_district").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Stendal")
    page.locator(".select2-results__option", has_text="Landkreis Stendal").click()
    # The pin: clicking the map fills latitude and longitude; no tile is loaded from outside.
    canvas = page.locator(".pin-map__canvas")
    canvas.scroll_into_view_if_needed()
    canvas.click(position={"x": 200, "y": 150})
    assert page.locator("#id_latitude").input_value() != ""
    assert page.locator("#id_longitude").input_value() != ""
    assert page.locator(".leaflet-tile").count() == 0
    page.locator("#id_latitude").fill("52.541")
    page.locator("#id_longitude").fill("11.972")
    page.locator("#images-group .add-row a").click()
    page.locator("#id_images-0-image").set_input_files(str(photo))
    page.locator("#id_images-0-alt_text").fill("Eine rote Scheune mit offenem Tor")
    page.locator("#id_images-0-credit").fill("Foto: Redaktion")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").first.click()
    page.locator(".messagelist .success").first.wait_for()

    place = Place.objects.get(name="Werkscheune Tangermünde")
    assert place.status == Place.Status.DRAFT
    assert place.images.count() == 1
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    page.locator(".messagelist .success", has_text="veröffentlicht").wait_for()
    place.refresh_from_db()
    assert place.status == Place.Status.PUBLISHED and place.published_at is not None

    page.goto(live_server.url + "/orte/")
    page.get_by_role("link", name="Werkscheune Tangermünde").first.wait_for()
    response = page.request.get(live_server.url + "/orte.geojson")
    names = [f["properties"]["name"] for f in json.loads(response.text())["features"]]
    assert "Werkscheune Tangermünde" in names
    assert errors == []


def test_regional_editor_sees_only_their_regions_entries(live_server, page):
    make_editor("altmark", regions=["altmark"])
    make_place(name="Elbehof Wahrenberg", district=stendal())
    coconat = make_place(name="Coconat", district=potsdam_mittelmark())
    log_in(page, live_server.url, "altmark")
    page.goto(live_server.url + "/admin/places/place/")
    page.get_by_role("link", name="Elbehof Wahrenberg").wait_for()
    assert page.get_by_role("link", name="Coconat").count() == 0
    page.goto(live_server.url + f"/admin/places/place/{coconat.pk}/change/")
    assert "existiert nicht" in page.locator(".messagelist").inner_text()
