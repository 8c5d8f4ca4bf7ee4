"""A visitor writes to the editors and suggests a place, in a real browser, by visible labels."""

from io import BytesIO

import pytest
from django.core import mail
from PIL import Image

from inquiries.models import Inquiry, NotificationStatus
from places.models import Place
from tests.browser.steps import CONTACT_THANKS, heading, send_contact_form
from tests.factories import make_category, make_district, make_place

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("forms_settings")]


def test_visitor_sends_the_contact_form(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kontakt"
    ).click()
    assert heading(page) == "Kontakt"

    send_contact_form(
        page,
        organisation="Dorfverein Testhausen",
        concern="Ich möchte einen Kreativort gründen",
        message="Wir möchten die alte Schule im Dorf beleben.",
    )

    assert heading(page) == CONTACT_THANKS
    assert page.url == live_server.url + "/kontakt/danke/"
    inquiry = Inquiry.objects.get()
    assert inquiry.name == "Marta Beispiel"
    assert inquiry.notification_status == NotificationStatus.SENT
    assert [message.to for message in mail.outbox] == [["redaktion@example.org"]]


def test_errors_are_summarised_and_shown_next_to_the_fields(live_server, page):
    page.goto(live_server.url + "/kontakt/")
    page.get_by_label("Ihr Name").fill("Marta Beispiel")
    page.get_by_label("Ihre E-Mail-Adresse").fill("marta-at-example")
    page.get_by_role("button", name="Nachricht senden").click()

    summary = page.locator(".error-summary")
    assert summary.evaluate("element => element === document.activeElement")
    assert page.title().startswith("Fehler:")
    summary.get_by_role("link", name="Bitte schreiben Sie uns Ihre Nachricht.").click()
    assert page.url.endswith("#id_message")
    email = page.get_by_label("Ihre E-Mail-Adresse")
    assert email.get_attribute("aria-invalid") == "true"
    assert "Format name@beispiel.de" in page.locator("#id_email_error").inner_text()
    # What was typed is still there.
    assert page.get_by_label("Ihr Name").input_value() == "Marta Beispiel"
    assert not Inquiry.objects.exists()


def test_entry_contact_form_names_the_entry(live_server, page):
    place = make_place(name="Alte Dorfschule Testhausen")
    page.goto(live_server.url + f"/orte/{place.slug}/kontakt/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Nachricht zu „Alte Dorfschule Testhausen“"


def test_visitor_suggests_a_place_with_a_photo(live_server, page):
    district = make_district(name="Landkreis Stendal")
    make_category(name="Arbeiten/Wirtschaft")
    photo = BytesIO()
    Image.new("RGB", (400, 300), (31, 91, 58)).save(photo, format="JPEG")

    page.goto(live_server.url + "/mitmachen/ort-vorschlagen/")
    page.get_by_label("Name des Ortes oder Projekts").fill("Sägewerk Neuland")
    page.get_by_label("Projekt", exact=True).check()
    page.get_by_label("Arbeiten/Wirtschaft").check()
    page.get_by_label("Gemeinde oder Stadt").fill("Tangerhütte")
    page.get_by_label("Landkreis oder kreisfreie Stadt").select_option(label=district.name)
    page.get_by_label("Beschreibung").fill(
        "Ein altes Sägewerk wird zur Werkstatt für Holzhandwerk und Möbelbau. Wer macht mit?"
    )
    page.get_by_label("Foto 1", exact=True).set_input_files(
        files=[{"name": "saegewerk.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    page.get_by_label("Was ist auf Foto 1 zu sehen?").fill("Die Halle des Sägewerks")
    page.get_by_label("Wer hat die Fotos gemacht?").fill("Foto: Jonas Beispiel")
    page.get_by_label("Ich besitze die Rechte an den Fotos").check()
    page.get_by_label("Ihr Name").fill("Jonas Beispiel")
    page.get_by_label("Ihre E-Mail-Adresse").fill("jonas@example.org")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Vorschlag senden").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Vielen Dank für Ihren Vorschlag"
    place = Place.objects.get(name="Sägewerk Neuland")
    assert place.status == Place.Status.SUBMITTED
    assert place.get_status_display() == "Eingereicht"
    assert place.kind == Place.Kind.PROJEKT
    assert place.images.get().alt_text == "Die Halle des Sägewerks"
    assert place.submission.email == "jonas@example.org"
    assert len(mail.outbox) == 1
    # Not public until an editor publishes it: this browser is an anonymous visitor.
    response = page.goto(live_server.url + place.get_absolute_url())
    assert response.status == 404
    assert heading(page) != "Sägewerk Neuland"
