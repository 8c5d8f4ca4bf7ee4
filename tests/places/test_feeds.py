"""sitemap.xml, robots.txt and the Atom feed: only published entries, the public pages."""

from datetime import timedelta
from io import StringIO
from xml.etree import ElementTree

from django.contrib.sites.models import Site
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from places.models import Category, District, Place
from tests.factories import make_category, make_district, make_place

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def locations(response):
    root = ElementTree.fromstring(response.content)
    return [element.text for element in root.findall(".//s:loc", SITEMAP_NS)]


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed", stdout=StringIO())
        cls.draft = make_place(
            name="Geheimer Entwurf",
            status=Place.Status.DRAFT,
            district=District.objects.first(),
            categories=[Category.objects.first()],
        )
        cls.empty_district = make_district(
            name="Landkreis Leer", slug="landkreis-leer", code="03457"
        )

    def section(self, name):
        response = self.client.get(f"/sitemap-{name}.xml")
        assert response.status_code == 200
        return response

    def test_the_index_lists_every_section(self):
        response = self.client.get(reverse("sitemap"))
        assert response.status_code == 200
        sections = locations(response)
        for name in ["pages", "places", "lists", "flatpages"]:
            assert any(url.endswith(f"/sitemap-{name}.xml") for url in sections), name

    def test_published_entries_with_their_last_change_and_no_drafts(self):
        response = self.section("places")
        urls = locations(response)
        published = Place.objects.published()
        assert len(urls) == published.count()
        for place in published:
            assert any(url.endswith(place.get_absolute_url()) for url in urls)
        assert not any(url.endswith(self.draft.get_absolute_url()) for url in urls)
        root = ElementTree.fromstring(response.content)
        lastmods = root.findall(".//s:lastmod", SITEMAP_NS)
        assert len(lastmods) == len(urls)

    def test_list_pages_and_flat_pages(self):
        pages = locations(self.section("pages"))
        for name in ["places:home", "places:place-list", "places:place-map"]:
            assert any(url.endswith(reverse(name)) for url in pages), name
        lists = locations(self.section("lists"))
        assert any(url.endswith("/orte/?kategorie=wohnen-bauen") for url in lists)
        assert any(url.endswith("/orte/?kreis=landkreis-stendal") for url in lists)
        assert not any("landkreis-leer" in url for url in lists)
        flatpages = locations(self.section("flatpages"))
        assert any(url.endswith("/impressum/") for url in flatpages)

    def test_a_constant_number_of_queries(self):
        Site.objects.clear_cache()
        # The site, the count (for the protocol's pages of 50,000), the entries.
        with self.assertNumQueries(3):
            self.section("places")


class RobotsTests(TestCase):
    def test_robots_points_to_the_sitemap_and_keeps_out_of_admin_and_forms(self):
        response = self.client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[0] == "User-agent: *"
        assert "Allow: /" in lines
        for path in ["/admin/", "/kontakt/", "/mitmachen/ort-vorschlagen/", "/orte/*/kontakt/"]:
            assert f"Disallow: {path}" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        # Nothing public is kept out.
        assert "Disallow: /orte/" not in lines
        assert "Disallow: /karte/" not in lines


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        category = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        now = timezone.now()
        cls.older = make_place(
            name="Älterer Hof", categories=[category], published_at=now - timedelta(days=3)
        )
        cls.newer = make_place(name="Neuer Hof", categories=[category], published_at=now)
        cls.draft = make_place(name="Entwurf", status=Place.Status.DRAFT)

    def test_an_atom_feed_of_published_entries_newest_first(self):
        Site.objects.clear_cache()
        # The site (for absolute links), the entries, their categories.
        with self.assertNumQueries(3):
            response = self.client.get(reverse("places:place-feed"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ElementTree.fromstring(response.content)
        titles = [entry.find("a:title", ATOM_NS).text for entry in root.findall("a:entry", ATOM_NS)]
        assert titles == ["Neuer Hof", "Älterer Hof"]
        entry = root.find("a:entry", ATOM_NS)
        assert entry.find("a:link", ATOM_NS).get("href").endswith(self.newer.get_absolute_url())
        assert entry.find("a:summary", ATOM_NS).text == self.newer.teaser
        assert entry.find("a:category", ATOM_NS).get("term") == "Wohnen/Bauen"
        assert entry.find("a:published", ATOM_NS) is not None

    def test_every_page_links_the_feed_in_its_head(self):
        response = self.client.get(reverse("places:home"))
        head = response.content.decode().split("</head>")[0]
        feed = reverse("places:place-feed")
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in head
