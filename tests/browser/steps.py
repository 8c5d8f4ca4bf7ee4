"""Steps that several browser journeys share, written the way a visitor sees the page."""

CONTACT_THANKS = "Vielen Dank für Ihre Nachricht"


def heading(page):
    """The page's one h1, as read."""
    return page.get_by_role("heading", level=1).inner_text()


def send_contact_form(page, *, concern, message, name="Marta Beispiel", organisation=""):
    """Fill the contact form by its visible labels, send it and wait for the thank-you page."""
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_label("Ihre E-Mail-Adresse").fill("marta@example.org")
    if organisation:
        page.get_by_label("Organisation").fill(organisation)
    page.get_by_label(concern).check()
    page.get_by_label("Ihre Nachricht").fill(message)
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Nachricht senden").click()
    page.wait_for_url("**/kontakt/danke/")
