"""EXPLAIN ANALYZE of every query the list, filter, search, home and detail pages run.

    KREATIVORTE_FRAGMENT_CACHE_SECONDS=0 KREATIVORTE_PAGE_CACHE_SECONDS=0 \\
    DJANGO_ALLOWED_HOSTS=testserver DATABASE_URL=postgres://… \\
    .venv/bin/python manage.py shell -c "$(cat scripts/explain.py)" [> plans.txt]

Each page is requested through the test client; every query it sends that reads the entries
is explained with the parameters it really had. Prints the time of each and the plan's key
lines (scans, joins, sorts); with EXPLAIN_FULL=1 the whole plan. For the README.
"""

import os
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from places.models import Place

sample = Place.objects.published().order_by("pk")
sample = sample[sample.count() // 2]
PAGES = {
    "home": "/",
    "list": "/orte/",
    "list page 50": "/orte/?seite=50",
    "category": "/orte/?kategorie=arbeiten-wirtschaft",
    "district": "/orte/?kreis=landkreis-stendal",
    "kind + stage": "/orte/?art=projekt&stand=im_aufbau",
    "2 features": "/orte/?merkmal=coworking&merkmal=atelier",
    "seeking a group": "/orte/?sucht=mitbewohner",
    "newest first": "/orte/?sortierung=neu",
    "search common (hof)": "/orte/?q=hof",
    "search short prefix (ha)": "/orte/?q=ha",
    "search rare": "/orte/?q=seifenmanufaktur",
    "search two words": "/orte/?q=alte+schule",
    "2 filters + search": "/orte/?kategorie=arbeiten-wirtschaft&kreis=landkreis-stendal&q=hof",
    "detail": sample.get_absolute_url(),
    "map data, filtered": "/orte.geojson?kreis=landkreis-stendal",
}
KEY = re.compile(r"Scan|Join|Sort|Limit|Aggregate|WindowAgg|Append|Execution Time|Rows Removed")
client = Client()
with connection.cursor() as cursor:
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        entries = [q["sql"] for q in captured.captured_queries if '"places_place"' in q["sql"]]
        print(f"=== {name}: {url} ({len(captured)} queries, {len(entries)} read the entries)")
        for sql in entries:
            # The captured text has the parameters inlined as PostgreSQL received them.
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            lines = plan if os.environ.get("EXPLAIN_FULL") else [x for x in plan if KEY.search(x)]
            print("  SQL: " + sql[:160].replace("\n", " ") + ("…" if len(sql) > 160 else ""))
            for line in lines:
                print("    " + line)
