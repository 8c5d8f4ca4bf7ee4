"""The visitor journey in a real Chromium: home → filter → Steckbrief → contact → thank-you,
once with the mouse and once with the keyboard alone (skip link, visible focus, no traps).

The other journeys of issue 5 live next to the pages they exercise: the founder suggests a place
in test_forms.py (test_visitor_suggests_a_place_with_a_photo: thank-you page, a Place in status
"submitted", 404 for anonymous visitors), the editor publishes it in test_editor_journey.py.
"""

import re

import pytest

from inquiries.models import Concern, Inquiry
from tests.browser.steps import CONTACT_THANKS, heading, send_contact_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("forms_settings")]

MESSAGE = "Wir möchten bei der Baugruppe mitmachen. Ist noch eine Wohnung frei?"
CONTACT_LINK = "Nachricht zu „Baugruppe am Anger“ schreiben"

# True when the focused element shows a focus ring; a card shows it around the whole card.
FOCUS_RING = """() => {
    const ringed = node => {
        const style = getComputedStyle(node);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    };
    const element = document.activeElement;
    const card = element.closest(".card");
    return ringed(element) || (card !== null && ringed(card));
}"""


def assert_inquiry_about(place):
    inquiry = Inquiry.objects.get()
    assert inquiry.place == place
    assert inquiry.concern == Concern.JOIN
    assert inquiry.message == MESSAGE


def test_visitor_filters_opens_an_entry_and_writes_about_it(live_server, page, directory):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Orte entdecken"
    ).click()
    page.get_by_label("Kategorie", exact=True).select_option("wohnen-bauen")
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url(re.compile(r"/orte/\?.*kategorie=wohnen-bauen"))
    assert page.get_by_role("heading", level=2, name="1 Eintrag").is_visible()

    page.get_by_role("link", name="Baugruppe am Anger", exact=True).click()
    page.wait_for_url(live_server.url + directory["living"].get_absolute_url())
    page.get_by_role("link", name=CONTACT_LINK).click()
    assert heading(page) == "Nachricht zu „Baugruppe am Anger“"

    send_contact_form(page, concern="Ich möchte bei einem Projekt mitmachen", message=MESSAGE)

    assert heading(page) == CONTACT_THANKS
    assert_inquiry_about(directory["living"])


def is_focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, *, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until the locator has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(locator):
            assert page.evaluate(FOCUS_RING), f"no visible focus on {locator}"
            return
    pytest.fail(f"{limit} × {key} never reached {locator}")


def test_visitor_journey_with_the_keyboard_alone(live_server, page, directory):
    keyboard = page.keyboard
    page.goto(live_server.url + "/")

    # The first Tab lands on the skip link; Enter moves the focus to the main content.
    keyboard.press("Tab")
    assert is_focused(page.get_by_role("link", name="Zum Inhalt springen"))
    assert page.evaluate(FOCUS_RING)
    keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Back up into the main navigation, then on to the filter form.
    tab_to(page, page.get_by_role("link", name="Orte entdecken"), key="Shift+Tab")
    keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/orte/")
    category = page.get_by_label("Kategorie", exact=True)
    tab_to(page, category)
    keyboard.type("Wohnen")
    assert category.input_value() == "wohnen-bauen"
    tab_to(page, page.get_by_role("button", name="Filter anwenden"))
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/orte/\?.*kategorie=wohnen-bauen"))

    tab_to(page, page.get_by_role("link", name="Baugruppe am Anger", exact=True))
    keyboard.press("Enter")
    page.wait_for_url(live_server.url + directory["living"].get_absolute_url())
    tab_to(page, page.get_by_role("link", name=CONTACT_LINK))
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kontakt/$"))

    for label, text in [
        ("Ihr Name", "Marta Beispiel"),
        ("Ihre E-Mail-Adresse", "marta@example.org"),
    ]:
        tab_to(page, page.get_by_label(label))
        keyboard.type(text)
    # A radio group is one Tab stop: Space picks the first choice, arrows move along.
    tab_to(page, page.get_by_label("Ich möchte einen Kreativort gründen"))
    keyboard.press("Space")
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")
    assert page.get_by_label("Ich möchte bei einem Projekt mitmachen").is_checked()
    tab_to(page, page.get_by_label("Ihre Nachricht"))
    keyboard.type(MESSAGE)
    consent = page.get_by_label("Ich bin einverstanden")
    tab_to(page, consent)
    keyboard.press("Space")
    assert consent.is_checked()

    # No trap: Tab runs on past the form and the footer and comes round to the top again,
    # and Shift+Tab walks back to the button.
    submit = page.get_by_role("button", name="Nachricht senden")
    tab_to(page, submit)
    tab_to(page, page.get_by_role("link", name="Zum Inhalt springen"))
    tab_to(page, submit, key="Shift+Tab")
    keyboard.press("Enter")
    page.wait_for_url("**/kontakt/danke/")

    assert heading(page) == CONTACT_THANKS
    assert_inquiry_about(directory["living"])
