"""sitemap.xml: the published entries with their last change, the list and map pages, the list
of each category and district that has entries, and the flat pages."""

from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Category, District, Place, published_count
from .templatetags.places_tags import list_url


class PlaceSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Place.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, place):
        return place.updated_at


class PageSitemap(Sitemap):
    """Home, the list and the map: they change whenever an entry does."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["places:home", "places:place-list", "places:place-map"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if not hasattr(self, "_latest"):
            self._latest = Place.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return self._latest


class VocabularyListSitemap(Sitemap):
    """The list of one category or district: landing pages people search for by name."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        categories = (
            Category.objects.annotate(entries=published_count())
            .filter(entries__gt=0)
            .order_by("order", "name")
            .values_list("slug", flat=True)
        )
        districts = (
            District.objects.annotate(entries=published_count())
            .filter(entries__gt=0)
            .order_by("name")
            .values_list("slug", flat=True)
        )
        return [("kategorie", slug) for slug in categories] + [
            ("kreis", slug) for slug in districts
        ]

    def location(self, item):
        name, slug = item
        return list_url(**{name: slug})


SITEMAPS = {
    "pages": PageSitemap,
    "places": PlaceSitemap,
    "lists": VocabularyListSitemap,
    "flatpages": FlatPageSitemap,
}
