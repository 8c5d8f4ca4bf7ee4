"""The founder's journey in a real Chromium: "Ideen finden" → a former school → narrowed to
cooperatives → two entries side by side → a message to one of them."""

import re

import pytest

from inquiries.models import Concern, Inquiry
from places.models import Place
from tests.browser.steps import CONTACT_THANKS, heading, send_contact_form
from tests.factories import make_place

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("forms_settings")]

MESSAGE = "Wir planen eine Genossenschaft in einer alten Dorfschule. Wie habt ihr angefangen?"


@pytest.fixture
def schools():
    common = {"building_type": "schule", "former_use": "ehemalige Dorfschule"}
    return {
        "coop": make_place(
            name="Schulhaus eG",
            organisation_form="genossenschaft",
            open_to_founders=True,
            **common,
        ),
        "coop2": make_place(
            name="Lernort Genossenschaft", organisation_form="genossenschaft", **common
        ),
        "club": make_place(name="Schulverein am Anger", organisation_form="verein", **common),
        "farm": make_place(name="Vierseitenhof", building_type="hof"),
    }


def test_founder_finds_compares_and_writes(live_server, page, schools):
    page.goto(live_server.url + "/ideen/")
    assert heading(page) == "Ideen finden"
    page.get_by_role("link", name=re.compile(r"^Schule 3 Beispiele")).click()
    page.wait_for_url(re.compile(r"/ideen/\?vornutzung=schule$"))
    assert page.get_by_role("heading", level=2, name="3 Einträge haben es vorgemacht").is_visible()

    page.get_by_role("link", name=re.compile(r"^Genossenschaft \(2\)")).click()
    page.wait_for_url(re.compile(r"rechtsform=genossenschaft"))
    assert page.get_by_role("heading", level=2, name="2 Einträge haben es vorgemacht").is_visible()
    assert page.get_by_role("link", name="Schulverein am Anger").count() == 0

    page.get_by_label("„Schulhaus eG“ vergleichen").check()
    page.get_by_label("„Lernort Genossenschaft“ vergleichen").check()
    page.get_by_role("button", name="Ausgewählte vergleichen").click()
    page.wait_for_url(re.compile(r"/vergleichen/\?orte=[a-z-]+&orte=[a-z-]+$"))
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader", name="Schulhaus eG").is_visible()
    assert table.get_by_role("columnheader", name="Lernort Genossenschaft").is_visible()
    row = table.get_by_role("row", name=re.compile("Rechtsform des Trägers"))
    assert row.get_by_role("cell", name="Genossenschaft").count() == 2

    page.get_by_role("link", name="Nachricht an „Schulhaus eG“").click()
    assert heading(page) == "Nachricht zu „Schulhaus eG“"
    send_contact_form(page, concern="Erfahrungsaustausch", message=MESSAGE)
    assert heading(page) == CONTACT_THANKS
    inquiry = Inquiry.objects.get()
    assert inquiry.place == Place.objects.get(slug="schulhaus-eg")
    assert inquiry.message == MESSAGE
    assert inquiry.concern == Concern.EXCHANGE
