"""An Atom feed of newly published entries, for feed readers and returning visitors."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Place


class NewPlacesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Kreativorte im Grünen: neue Einträge")
    subtitle = _(
        "Neu veröffentlichte Kreativorte, Projekte und Initiativen im ländlichen Sachsen-Anhalt "
        "und im westlichen Brandenburg."
    )
    link = reverse_lazy("places:place-list")
    author_name = "Kreativorte im Grünen"
    item_count = 20

    def items(self):
        return (
            Place.objects.published()
            .prefetch_related("categories")
            .order_by("-published_at", "name")[: self.item_count]
        )

    def item_title(self, place):
        return place.name

    def item_description(self, place):
        return place.teaser

    def item_pubdate(self, place):
        return place.published_at

    def item_updateddate(self, place):
        return place.updated_at

    def item_categories(self, place):
        return [category.name for category in place.categories.all()]
