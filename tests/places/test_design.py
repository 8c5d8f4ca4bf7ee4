"""The visual design's promises that markup can prove: placeholders, header, Die Menschen."""

import re

from django.conf import settings
from django.template import Context, Template
from django.test import TestCase
from django.urls import reverse

from places.templatetags.places_art import motif_for
from places.templatetags.places_contact import tel_href
from tests.factories import make_category, make_image, make_need, make_place


def render(source, **context):
    return Template("{% load places_art %}" + source).render(Context(context))


class PlaceholderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft")
        cls.school = make_place(
            name="Alte Schule Beispiel", former_use="ehemalige Dorfschule", categories=[cls.work]
        )
        cls.other_school = make_place(
            name="Schule am Deich", former_use="ehemalige Dorfschule", categories=[cls.work]
        )
        cls.plain = make_place(name="Baugruppe Nord", former_use="", categories=[cls.living])

    def test_motif_follows_the_former_use(self):
        for former_use, motif in [
            ("ehemalige Dorfschule", "school"),
            ("ehemaliger Gutshof", "manor"),
            ("Fachwerkhof", "farm"),
            ("ehemaliger Fährgasthof", "farm"),
            ("ehemaliges Sägewerk", "sawmill"),
            ("alte Wassermühle", "sawmill"),
            ("ehemaliges Ferienlager", "camp"),
            ("Bahnhof mit Güterschuppen", "station"),
            ("Dorfkirche", "church"),
            ("Feldscheune", "barn"),
        ]:
            with self.subTest(former_use=former_use):
                assert motif_for(former_use, "wohnen-bauen") == motif

    def test_without_a_former_use_the_category_decides(self):
        assert motif_for("", "wohnen-bauen") == "house"
        assert motif_for("", "arbeiten-wirtschaft") == "workshop"
        assert motif_for("", "leben-tourismus") == "grove"
        assert motif_for("Ein Ort ohne bekanntes Vorleben", "") == "grove"

    def test_the_same_entry_always_gets_the_same_picture(self):
        first = render("{% place_art place %}", place=self.school)
        assert first == render("{% place_art place %}", place=self.school)
        assert 'class="art art--arbeiten-wirtschaft art--school"' in first

    def test_neighbours_with_the_same_motif_differ(self):
        one = render("{% place_art place %}", place=self.school)
        other = render("{% place_art place %}", place=self.other_school)
        assert "art--school" in one and "art--school" in other
        assert one != other

    def test_placeholder_is_decorative_small_and_colour_comes_from_the_category(self):
        svg = render("{% place_art place %}", place=self.plain)
        assert 'aria-hidden="true"' in svg and "<title" not in svg
        assert "art--wohnen-bauen art--house" in svg
        assert len(svg.encode()) < 1200
        assert "style=" not in svg and "fill=" not in svg

    def test_cards_without_photo_show_the_illustration_with_photo_the_photo(self):
        make_image(self.school)
        content = self.client.get(reverse("places:place-list")).content.decode()
        cards = {
            match.group(1): match.group(0)
            for match in re.finditer(
                r'<article class="card">.*?<a href="([^"]+)">.*?</article>', content, re.S
            )
        }
        assert '<svg class="art' not in cards[self.school.get_absolute_url()]
        assert '<img src="' in cards[self.school.get_absolute_url()]
        assert 'class="art art--wohnen-bauen art--house"' in cards[self.plain.get_absolute_url()]


class HeaderTests(TestCase):
    def test_phones_get_a_menu_disclosure_that_needs_no_javascript(self):
        content = self.client.get(reverse("places:home")).content.decode()
        menu = content[content.index('<details class="site-menu">') :]
        menu = menu[: menu.index("</details>")]
        assert re.search(r"<summary[^>]*>.*Menü</summary>", menu)
        assert f'href="{reverse("places:place-list")}"' in menu

    def test_body_font_is_self_hosted_preloaded_and_small(self):
        content = self.client.get(reverse("places:home")).content.decode()
        assert re.search(
            r'<link rel="preload" href="[^"]*source-sans-3-latin-400-normal[^"]*\.woff2" '
            r'as="font" type="font/woff2" crossorigin>',
            content,
        )
        fonts = settings.BASE_DIR / "static" / "vendor" / "source-sans-3"
        assert (fonts / "LICENSE").read_text().count("SIL Open Font License") >= 1
        assert sum(f.stat().st_size for f in fonts.glob("*.woff2")) <= 60 * 1024
        css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
        assert "font-display: swap" in css
        assert "url(http" not in css and "url(//" not in css


class PeopleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.reachable = make_place(
            name="Hof Erreichbar",
            categories=[cls.category],
            operator="Hofverein e. V.",
            contact_person="R. Beispiel",
            email="post@hof-erreichbar.example",
            phone="+49 (0) 3901 123-45",
            website="https://hof-erreichbar.example/",
            description="Ein Hof.\n\nMit Menschen.",
        )
        cls.quiet = make_place(name="Stiller Hof", categories=[cls.category], description="Ruhe.")

    def test_public_email_and_phone_are_links_and_the_address_is_not_plain_text(self):
        content = self.client.get(self.reachable.get_absolute_url()).content.decode()
        assert "post@hof-erreichbar.example" not in content
        assert (
            '<a href="mailto:post&#64;hof-erreichbar&#46;example">post'
            '<span class="email__at">&#64;</span>hof-erreichbar&#46;example</a>'
        ) in content
        assert '<a href="tel:+49390112345">+49 (0) 3901 123-45</a>' in content
        assert "Hofverein e. V." in content and "R. Beispiel" in content
        assert "hof-erreichbar.example ↗" not in content  # the arrow comes from CSS
        assert 'href="https://hof-erreichbar.example/"' in content

    def test_email_and_phone_only_when_entered(self):
        content = self.client.get(self.quiet.get_absolute_url()).content.decode()
        assert "mailto:" not in content and "tel:" not in content
        assert "<dt>E-Mail</dt>" not in content and "<dt>Telefon</dt>" not in content
        assert 'id="people-heading"' not in content
        # The contact form button is there all the same.
        contact = reverse("inquiries:place-contact", kwargs={"slug": self.quiet.slug})
        assert f'<a class="button button--block" href="{contact}">' in content

    def test_contact_comes_right_after_the_lead_and_the_photo_invitation_near_the_end(self):
        content = self.client.get(self.reachable.get_absolute_url()).content.decode()
        lead = content.index('<p class="lead">')
        people = content.index('id="people-heading"')
        button = content.index('class="button button--block"')
        about = content.index('id="about-heading"')
        invitation = content.index("Noch keine Fotos von diesem Ort.")
        assert lead < people < button < about < invitation

    def test_with_photos_no_invitation_and_no_header_illustration(self):
        make_image(self.quiet)
        content = self.client.get(self.quiet.get_absolute_url()).content.decode()
        assert "Noch keine Fotos" not in content
        assert "steckbrief__art" not in content
        assert 'class="steckbrief__gallery gallery' in content

    def test_tel_href_keeps_only_digits_and_a_leading_plus(self):
        assert tel_href("+49 (0) 3901 123-45") == "tel:+49390112345"
        assert tel_href("03901 / 12 34") == "tel:039011234"
        assert tel_href("—") == ""


class HomeLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        category = make_category(name="Leben/Tourismus", slug="leben-tourismus")
        need = make_need(name="Mitstreiter:innen", slug="mitstreiter")
        cls.seeking = make_place(name="Hof sucht Leute", categories=[category], needs=[need])
        cls.settled = make_place(name="Hof komplett", categories=[category])

    def test_region_and_map_lead_then_mitmachen_newest_and_categories(self):
        response = self.client.get(reverse("places:home"))
        content = response.content.decode()
        order = [
            content.index('id="hero-heading"'),
            content.index('id="map-heading"'),
            content.index("data-map"),
            content.index('id="join-heading"'),
            content.index('id="featured-heading"'),
            content.index('id="categories-heading"'),
        ]
        assert order == sorted(order)
        assert list(response.context["seeking"]) == [self.seeking]
        join = content[content.index('id="join-heading"') : content.index('id="featured-heading"')]
        assert "Hof sucht Leute" in join and "Hof komplett" not in join

    def test_newest_list_shows_entries_not_already_under_mitmachen_first(self):
        featured = list(self.client.get(reverse("places:home")).context["featured"])
        assert featured == [self.settled, self.seeking]
