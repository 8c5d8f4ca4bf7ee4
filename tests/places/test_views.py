import json
import re
from datetime import date
from html import unescape

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse

from places.models import Place
from tests.factories import (
    make_category,
    make_district,
    make_feature,
    make_image,
    make_need,
    make_place,
)

LIST_URL = reverse("places:place-list")


def json_ld(response):
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def navigation(content, variant):
    """The header's main navigation: "menu" (the phones' disclosure) or "bar" (wide screens)."""
    start = content.index(f'<nav class="site-nav site-nav--{variant}"')
    return content[start : content.index("</nav>", start)]


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
        cls.life = make_category(name="Leben/Tourismus", slug="leben-tourismus", order=3)
        cls.district = make_district(name="Landkreis Stendal", slug="landkreis-stendal")
        cls.empty_district = make_district(name="Saalekreis", slug="saalekreis")
        cls.need = make_need(name="Mitbewohner:innen", slug="mitbewohner")
        cls.featured = make_place(
            name="Gutshof Beispiel", categories=[cls.living], featured=True, district=cls.district
        )
        make_place(name="Werkstatt Beispiel", categories=[cls.work, cls.living], needs=[cls.need])
        make_place(name="Entwurf", categories=[cls.life], status=Place.Status.DRAFT)

    def test_home_shows_portal_categories_with_counts_and_featured(self):
        response = self.client.get(reverse("places:home"))
        assert response.status_code == 200
        self.assertTemplateUsed(response, "places/home.html")
        assert [(c.name, c.entry_count) for c in response.context["categories"]] == [
            ("Wohnen/Bauen", 2),
            ("Arbeiten/Wirtschaft", 1),
            ("Leben/Tourismus", 0),
        ]
        self.assertContains(response, "<h1", count=1)
        self.assertContains(response, "Gutshof Beispiel")
        assert response.context["featured"][0] == self.featured
        assert "Entwurf" not in response.content.decode()

    def test_home_has_every_way_in(self):
        response = self.client.get(reverse("places:home"))
        self.assertContains(response, f'action="{LIST_URL}"')
        self.assertContains(response, 'name="q"')
        self.assertContains(response, f'href="{LIST_URL}?kategorie=wohnen-bauen"')
        self.assertContains(response, f'href="{LIST_URL}?kreis=landkreis-stendal"')
        self.assertNotContains(response, "kreis=saalekreis")
        self.assertContains(response, f'href="{LIST_URL}?sucht=alle"')
        self.assertContains(response, f'href="{LIST_URL}?sucht=mitbewohner"')
        self.assertContains(response, f'href="{reverse("inquiries:contact")}"')
        self.assertContains(response, f'href="{reverse("inquiries:suggest")}"')
        assert response.context["seeking_count"] == 1
        assert response.context["total_count"] == 2

    def test_header_and_footer_navigation(self):
        content = self.client.get(reverse("places:home")).content.decode()
        # The same links twice: in the phones' "Menü" disclosure and in the wide screens' bar.
        for variant in ["menu", "bar"]:
            nav = navigation(content, variant)
            for href, text in [
                (LIST_URL, "Orte entdecken"),
                (f"{LIST_URL}?sucht=alle", "Mitmachen"),
                (reverse("inquiries:suggest"), "Ort vorschlagen"),
                (reverse("inquiries:contact"), "Kontakt"),
            ]:
                assert f'href="{href}"' in nav and text in nav
        footer = content[content.index("<footer") :]
        assert reverse("places:place-csv") in footer
        assert reverse("places:place-geojson") in footer

    def test_navigation_marks_the_current_section(self):
        def current(query=""):
            content = self.client.get(f"{LIST_URL}{query}").content.decode()
            nav = navigation(content, "bar")
            return re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', nav)

        assert current() == ["Orte entdecken"]
        assert current("?sucht=alle") == ["Mitmachen"]
        assert current("?sucht=mitbewohner&kategorie=wohnen-bauen") == ["Mitmachen"]
        # An invalid value is not applied, so the page is the plain list.
        assert current("?sucht=niemand") == ["Orte entdecken"]
        assert current("?sucht=") == ["Orte entdecken"]

    def test_map_is_consent_gated_with_settings_in_data_attributes(self):
        with override_settings(
            KREATIVORTE_MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
            KREATIVORTE_MAP_ATTRIBUTION="© Beispiel",
        ):
            response = self.client.get(reverse("places:home"))
        self.assertContains(response, 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"')
        self.assertContains(response, 'data-attribution="© Beispiel"')
        self.assertContains(response, f'data-markers-url="{reverse("places:place-markers")}"')
        self.assertContains(response, "Karte anzeigen")
        # Leaflet is loaded by map.js only after consent; no tile host appears in src/href.
        content = response.content.decode()
        assert not re.search(r'(src|href)="https?://tiles\.example', content)
        assert "leaflet.js" not in re.findall(r'<script[^>]*src="([^"]+)"', content)

    def test_no_inline_script_style_or_handlers(self):
        for url in [reverse("places:home"), LIST_URL, self.featured.get_absolute_url()]:
            with self.subTest(url=url):
                content = self.client.get(url).content.decode()
                assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))", content)
                assert " style=" not in content
                assert not re.search(r"\son[a-z]+=", content)


class ListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft")
        for number in range(30):
            make_place(name=f"Hof {number:02d}", categories=[cls.living])
        make_place(name="Werkhaus", categories=[cls.work])

    def test_list_shows_count_cards_and_form(self):
        response = self.client.get(LIST_URL)
        assert response.status_code == 200
        self.assertTemplateUsed(response, "places/place_filter.html")
        self.assertContains(response, "31 Einträge")
        self.assertContains(response, "Seite 1 von 2")
        assert len(response.context["page_obj"].object_list) == 24
        self.assertContains(response, "Filter anwenden")
        # An empty action="" is invalid HTML; the form names the list itself.
        self.assertContains(response, f'<form class="filter-form" method="get" action="{LIST_URL}"')
        self.assertContains(response, '<label for="id_kategorie">Kategorie</label>', html=True)
        self.assertContains(response, "<h1>", count=1)

    def test_pagination_keeps_filters(self):
        response = self.client.get(LIST_URL, {"kategorie": "wohnen-bauen", "sortierung": "name"})
        self.assertContains(response, "30 Einträge")
        self.assertContains(
            response, 'href="?kategorie=wohnen-bauen&amp;sortierung=name&amp;seite=2"'
        )
        page_two = self.client.get(
            LIST_URL, {"kategorie": "wohnen-bauen", "sortierung": "name", "seite": 2}
        )
        assert [place.name for place in page_two.context["page_obj"]] == [
            "Hof 24",
            "Hof 25",
            "Hof 26",
            "Hof 27",
            "Hof 28",
            "Hof 29",
        ]
        self.assertContains(
            page_two, 'href="?kategorie=wohnen-bauen&amp;sortierung=name&amp;seite=1"'
        )

    def test_active_filters_are_removable_chips(self):
        response = self.client.get(LIST_URL, {"kategorie": "arbeiten-wirtschaft", "q": "werk"})
        self.assertContains(response, "1 Eintrag")
        self.assertContains(
            response,
            f'<a class="chip" href="{LIST_URL}?q=werk"><span class="visually-hidden">Filter </span>'
            'Kategorie: Arbeiten/Wirtschaft<span class="visually-hidden"> entfernen</span>'
            '<span class="chip__x" aria-hidden="true"> ✕</span></a>',
            html=True,
        )
        self.assertContains(response, "Alle Filter zurücksetzen")

    def test_empty_state_helps(self):
        response = self.client.get(LIST_URL, {"q": "Leuchtturm"})
        self.assertContains(response, "Keine Einträge gefunden")
        self.assertContains(response, "Zu dieser Auswahl haben wir (noch) keinen Eintrag.")
        self.assertContains(response, reverse("inquiries:suggest"))

    def test_invalid_filter_shows_a_german_message_and_keeps_the_rest(self):
        response = self.client.get(LIST_URL, {"kategorie": "quatsch", "q": "werk"})
        assert response.status_code == 200
        self.assertContains(response, "Einige Angaben konnten wir nicht verwenden")
        self.assertContains(response, "Diese Auswahl gibt es nicht (mehr).")
        self.assertContains(response, "1 Eintrag")

    def test_map_and_downloads_get_the_valid_filters(self):
        response = self.client.get(LIST_URL, {"kategorie": "wohnen-bauen", "art": "x", "seite": 1})
        markers = reverse("places:place-markers")
        self.assertContains(response, f'data-markers-url="{markers}?kategorie=wohnen-bauen"')
        self.assertContains(
            response, f'href="{reverse("places:place-geojson")}?kategorie=wohnen-bauen"'
        )
        self.assertContains(
            response, f'href="{reverse("places:place-csv")}?kategorie=wohnen-bauen"'
        )


class DetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.other_category = make_category(name="Leben/Tourismus", slug="leben-tourismus")
        cls.district = make_district(name="Altmarkkreis Salzwedel")
        cls.feature = make_feature(name="Coworking", slug="coworking")
        cls.need = make_need(name="Handwerker:innen", slug="handwerker")
        cls.place = make_place(
            name="Alte Mühle </script> Beispiel",
            slug="alte-muehle",
            categories=[cls.category],
            district=cls.district,
            features=[cls.feature],
            needs=[cls.need],
            former_use="Wassermühle",
            building_year=1890,
            plot_area=12000,
            street="Mühlenweg 1",
            postal_code="39624",
            locality="Kalbe (Milde)",
            locality_part="Vienau",
            operator="Mühlenverein e. V.",
            website="https://muehle.example.org/",
            social_links="https://social.example.org/muehle",
            step_free=Place.StepFree.PARTLY,
            accessibility_notes="Erdgeschoss stufenlos.",
            opening_info="Samstags 10–16 Uhr",
            last_checked=date(2026, 5, 4),
        )
        cls.same_district = make_place(
            name="Nachbarhof", categories=[cls.other_category], district=cls.district
        )
        cls.same_category = make_place(name="Baugruppe Süd", categories=[cls.category])
        cls.unrelated = make_place(name="Ganz woanders", categories=[cls.other_category])
        cls.draft = make_place(name="Geheimprojekt", status=Place.Status.DRAFT)
        cls.staff = get_user_model().objects.create_user("redaktion", is_staff=True)
        cls.visitor = get_user_model().objects.create_user("besuch")

    def get(self, place=None):
        return self.client.get((place or self.place).get_absolute_url())

    def test_steckbrief_sections(self):
        response = self.get()
        assert response.status_code == 200
        for text in [
            "Das Objekt",
            "Wassermühle",
            "1890",
            "12.000 m²",
            "Die Lage",
            "Mühlenweg 1",
            "39624 Kalbe (Milde)",
            "Die Menschen",
            "Mühlenverein e. V.",
            "Angebot",
            "Coworking",
            "Samstags 10–16 Uhr",
            "Mitmachen",
            "Handwerker:innen",
            "Barrierefreiheit",
            "teilweise",
            "Angaben zuletzt geprüft am 4. Mai 2026.",
            "Luftlinie nach",
        ]:
            self.assertContains(response, text)
        self.assertContains(response, "<h1", count=1)
        contact = reverse("inquiries:place-contact", kwargs={"slug": self.place.slug})
        self.assertContains(response, f'href="{contact}"')

    def test_empty_sections_are_hidden(self):
        bare = make_place(name="Kleiner Ort", latitude=None, longitude=None, description="")
        content = self.get(bare).content.decode()
        for section in ["about", "object", "people", "offer", "access", "links"]:
            assert f'id="{section}-heading"' not in content, section
        assert 'id="location-heading"' in content and 'id="join-heading"' in content
        assert "Luftlinie" not in content
        assert "data-map" not in content
        assert "Noch keine Fotos von diesem Ort." in content

    def test_distances_to_the_five_cities(self):
        distances = self.get().context["distances"]
        assert [str(distance.city.name) for distance in distances] == [
            "Berlin",
            "Hamburg",
            "Hannover",
            "Magdeburg",
            "Leipzig",
        ]

    def test_external_links_are_safe_and_marked(self):
        response = self.get()
        self.assertContains(response, 'rel="noopener noreferrer external"', count=2)
        self.assertContains(response, "muehle.example.org")
        self.assertContains(response, "(externe Website)")

    def test_head_has_canonical_description_and_open_graph(self):
        response = self.get()
        canonical = f"http://testserver{self.place.get_absolute_url()}"
        self.assertContains(response, f'<link rel="canonical" href="{canonical}">')
        self.assertContains(response, f'<meta property="og:url" content="{canonical}">')
        self.assertContains(
            response, '<meta property="og:title" content="Alte Mühle &lt;/script&gt;'
        )
        self.assertContains(
            response, '<meta name="description" content="Alte Mühle &lt;/script&gt; Beispiel: ein'
        )

    def test_json_ld_is_valid_and_describes_the_place(self):
        data = json_ld(self.get())
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "Place"
        assert data["name"] == "Alte Mühle </script> Beispiel"
        assert data["address"] == {
            "@type": "PostalAddress",
            "streetAddress": "Mühlenweg 1",
            "postalCode": "39624",
            "addressLocality": "Kalbe (Milde)",
            "addressRegion": "Sachsen-Anhalt",
            "addressCountry": "DE",
        }
        assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 52.633, "longitude": 11.429}
        assert data["sameAs"] == [
            "https://muehle.example.org/",
            "https://social.example.org/muehle",
        ]

    def test_json_ld_cannot_break_out_of_its_script(self):
        content = self.get().content.decode()
        block = content[content.index('<script type="application/ld+json">') :]
        block = block[: block.index("</script>")]
        assert "</script" not in block[1:]
        assert "\\u003C/script\\u003E" in block

    def test_gallery_with_images(self):
        first = make_image(self.place, alt_text="Die Mühle von Süden", caption="Im Frühjahr")
        second = make_image(self.place, alt_text="Das Mühlrad", credit="Foto: A. Muster", order=1)
        content = self.get().content.decode()
        images = re.findall(r"<img [^>]+>", content)
        gallery = [tag for tag in images if 'alt="Die Mühle' in tag or 'alt="Das Mühlrad"' in tag]
        assert len(gallery) == 2
        assert f'width="{first.width}" height="{first.height}"' in gallery[0]
        assert 'fetchpriority="high"' in gallery[0] and 'loading="lazy"' not in gallery[0]
        assert 'loading="lazy"' in gallery[1]
        assert "Im Frühjahr" in content and "A. Muster" in content
        assert second.image.url in content
        data = json_ld(self.get())
        assert data["image"][0].startswith("http://testserver/media/")

    def test_related_entries_share_district_or_category(self):
        related = list(self.get().context["related"])
        assert set(related) == {self.same_district, self.same_category}
        assert related[0] == self.same_district

    def test_unpublished_is_404_for_visitors(self):
        assert self.get(self.draft).status_code == 404
        self.client.force_login(self.visitor)
        assert self.get(self.draft).status_code == 404

    def test_staff_see_unpublished_with_banner(self):
        self.client.force_login(self.staff)
        response = self.get(self.draft)
        assert response.status_code == 200
        self.assertContains(response, "Dieser Eintrag ist nicht veröffentlicht.")
        self.assertContains(response, '<meta name="robots" content="noindex">')
        self.assertNotContains(self.get(), "nicht veröffentlicht")

    def test_staff_get_no_contact_links_on_unpublished_entries(self):
        """The per-entry contact form serves published entries only: no link may lead to a 404."""
        draft = make_place(
            name="Geheimer Hof",
            status=Place.Status.DRAFT,
            last_checked=date(2026, 5, 4),
            description="",
        )
        contact = reverse("inquiries:place-contact", kwargs={"slug": draft.slug})
        self.client.force_login(self.staff)
        response = self.get(draft)
        assert response.status_code == 200
        self.assertNotContains(response, f'href="{contact}"')
        self.assertNotContains(response, "Fehler melden")
        self.assertContains(response, "Nachrichten zu diesem Eintrag sind erst möglich")
        assert self.client.get(contact).status_code == 404

        published = self.get()
        own_contact = reverse("inquiries:place-contact", kwargs={"slug": self.place.slug})
        self.assertContains(published, f'href="{own_contact}"', count=3)
        self.assertNotContains(published, "erst möglich")

    def test_photo_credit_says_foto_once(self):
        make_image(self.place, credit="Redaktion")
        make_image(self.place, credit="Foto: A. Muster", order=1)
        response = self.get()
        self.assertContains(response, "Foto: Redaktion")
        self.assertContains(response, "Foto: A. Muster")
        self.assertNotContains(response, "Foto: Foto:")

    def test_unknown_slug_is_404(self):
        response = self.client.get(reverse("places:place-detail", kwargs={"slug": "gibt-es-nicht"}))
        assert response.status_code == 404

    def test_teaser_and_name_are_escaped(self):
        content = unescape(self.get().content.decode().split("<body>")[1])
        assert "Alte Mühle </script> Beispiel" in content
        assert "Alte Mühle </script>" not in self.get().content.decode().split("<body>")[1]
