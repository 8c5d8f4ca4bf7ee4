"""EXPLAIN ANALYZE of every list, filter and search query, as the views build them.

    DATABASE_URL=postgres://… .venv/bin/python manage.py shell -c "$(cat scripts/explain.py)"

Prints, for each case, the page query (and the count query where the page does not carry the
total) with PostgreSQL's plan and timings. Used for the README's performance section.
"""

from django.db import connection
from django.db.models import Count, Window
from django.http import QueryDict

from places.filters import PlaceFilter
from places.models import Category, District, Need, Place, published_count

CASES = {
    "list": "",
    "list page 50": "seite=50",
    "category": "kategorie=arbeiten-wirtschaft",
    "district": "kreis=landkreis-stendal",
    "kind + stage": "art=projekt&stand=im_aufbau",
    "feature (2 ticked)": "merkmal=coworking&merkmal=atelier",
    "seeking": "sucht=mitbewohner",
    "newest": "sortierung=neu",
    "search common (hof)": "q=hof",
    "search short prefix (ha)": "q=ha",
    "search rare": "q=seifenmanufaktur",
    "search two words": "q=alte schule",
    "2 filters + search": "kategorie=arbeiten-wirtschaft&kreis=landkreis-stendal&q=hof",
}


def explain(label, queryset):
    print(f"--- {label}")
    print(queryset.explain(analyze=True, buffers=True))


def page(queryset, number):
    return queryset[(number - 1) * 24 : number * 24]


for name, query in CASES.items():
    params = QueryDict(query)
    filterset = PlaceFilter(params, queryset=Place.objects.published().with_cards())
    queryset = filterset.qs
    number = int(params.get("seite", 1))
    if params.get("q"):
        queryset = queryset.annotate(total_count=Window(Count("pk")))
        explain(f"{name}: page with total (one plan)", page(queryset, number))
    else:
        explain(f"{name}: count", queryset.order_by())
        explain(f"{name}: page", page(queryset, number))

published = Place.objects.published()
explain("home: totals", published)
print(published.counts())
explain(
    "home: categories with counts",
    Category.objects.annotate(entry_count=published_count()).order_by("order", "name"),
)
explain(
    "home: districts with counts",
    District.objects.annotate(entry_count=published_count()).filter(entry_count__gt=0),
)
explain("home: needs with counts", Need.objects.annotate(entry_count=published_count()))
explain("home: featured", published.order_by("-featured", "-published_at", "name")[:6])
sample = published.order_by("pk")[50_000 if published.count() > 50_000 else 0]
explain("detail: related", published.related_to(sample).with_cards()[:3])
print(connection.vendor)
