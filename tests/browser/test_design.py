"""The layout promises of the visual design, measured in Chromium with the seed data.

Reflow (WCAG 1.4.10): no page type is wider than the viewport at 320 to 1280 px. On a phone
(390 x 844): the home page stays under three screen heights before the footer, every Steckbrief
shows its contact button within the first screen, and the header's menu opens without JavaScript;
the header stays one row down to 320 px.
"""

import pytest
from django.core.management import call_command

from places.models import Place
from tests.factories import make_image

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDTHS = [320, 390, 640, 1024, 1280]
PAGE_TYPES = [
    "/",
    "/orte/",
    "/orte/?kategorie=wohnen-bauen&art=ort",
    "/orte/?q=gibtesnicht",
    "/kontakt/",
    "/mitmachen/ort-vorschlagen/",
    "/impressum/",
    "/gibt-es-nicht/",
]


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)
    place = Place.objects.published().get(slug="kodorf-wiesenburg")
    # Everything "Die Menschen" can show, with a long address that must wrap.
    place.email = "kontakt-und-anfragen@kodorf-wiesenburg-genossenschaft.example"
    place.phone = "+49 33849 12345"
    place.operator = "KoDorf Wiesenburg eG"
    place.contact_person = "Frieda Beispiel"
    place.save()
    return Place.objects.published()


def phone_page(browser, **options):
    context = browser.new_context(locale="de-DE", viewport=PHONE, **options)
    return context, context.new_page()


def test_no_page_type_is_wider_than_the_viewport(live_server, browser, seeded):
    paths = PAGE_TYPES + [place.get_absolute_url() for place in seeded[:4]]
    paths.append("/orte/kodorf-wiesenburg/")
    too_wide = []
    for width in WIDTHS:
        context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in paths:
            page.goto(live_server.url + path)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append((path, width, scroll_width))
        context.close()
    assert too_wide == []


def test_home_on_a_phone_is_under_three_screens_before_the_footer(live_server, browser, seeded):
    context, page = phone_page(browser)
    page.goto(live_server.url + "/")
    footer_top = page.evaluate(
        "document.querySelector('footer').getBoundingClientRect().top + window.scrollY"
    )
    context.close()
    assert footer_top < 3 * PHONE["height"], footer_top


def test_contact_button_is_in_the_first_screen_of_every_steckbrief(live_server, browser, seeded):
    context, page = phone_page(browser)
    late = []
    for place in seeded:
        page.goto(live_server.url + place.get_absolute_url())
        box = page.get_by_role("link", name=f"Nachricht zu „{place.name}“ schreiben").bounding_box()
        if box["y"] + box["height"] > PHONE["height"]:
            late.append((place.slug, round(box["y"] + box["height"])))
    context.close()
    assert late == []


def test_phone_menu_opens_without_javascript(live_server, browser, seeded):
    context, page = phone_page(browser, java_script_enabled=False)
    page.goto(live_server.url + "/")
    links = page.locator(".site-nav--menu a")
    assert links.count() >= 4
    assert not links.first.is_visible()
    assert not page.locator(".site-nav--bar").is_visible()
    page.get_by_text("Menü", exact=True).click()
    menu_links = page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link")
    assert menu_links.count() == links.count()
    assert all(link.is_visible() for link in menu_links.all())
    # The open menu pushes the page down instead of covering it.
    search = page.get_by_role("searchbox").bounding_box()
    menu = page.locator(".site-nav--menu").bounding_box()
    assert search["y"] >= menu["y"] + menu["height"]
    context.close()


def test_phone_header_is_one_row_down_to_320_px(live_server, browser, seeded):
    heights = {}
    for width in [320, 390]:
        context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 640})
        page = context.new_page()
        page.goto(live_server.url + "/")
        brand = page.locator(".brand").bounding_box()
        button = page.locator(".site-menu__button").bounding_box()
        heights[width] = page.locator(".site-header").bounding_box()["height"]
        assert button["y"] < brand["y"] + brand["height"], width  # side by side
        context.close()
    assert heights[320] == heights[390] < 80


def test_on_a_phone_photos_follow_the_contact_block(live_server, browser, seeded):
    place = seeded.get(slug="coconat")
    make_image(place)
    context, page = phone_page(browser)
    page.goto(live_server.url + place.get_absolute_url())
    people = page.locator(".panel--people").bounding_box()
    gallery = page.locator(".steckbrief__gallery").bounding_box()
    join = page.locator(".panel--join").bounding_box()
    context.close()
    assert people["y"] < gallery["y"] < join["y"]
