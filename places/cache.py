"""One freshness rule for everything the portal caches.

Cached pages, fragments and map data are keyed by the current generation. Every editorial
write (workflow transitions, admin saves, imports, vocabulary and flat-page edits) calls
``bump_generation()``, so the next request builds fresh content instead of reading the old.

The generation lives in one database row (``CacheGeneration``), not in the cache: every
gunicorn worker and every server reads the same value even when each has its own local-memory
cache, and a bump made inside a transaction becomes visible exactly when the change it
announces is committed (a counter in Redis would move before the commit, and a request in
between could store the old content under the new generation). It costs one primary-key
read per cached request.
"""

import hashlib
import json
import time

from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import CacheGeneration

ROW = 1


def generation():
    """The current generation; created from the clock on first use."""
    value = CacheGeneration.objects.filter(pk=ROW).values_list("value", flat=True)[:1]
    value = list(value)
    if value:
        return value[0]
    CacheGeneration.objects.bulk_create(
        [CacheGeneration(pk=ROW, value=time.time_ns())], ignore_conflicts=True
    )
    return CacheGeneration.objects.get(pk=ROW).value


def bump_generation():
    """Make every cached page and map payload stale at once.

    Never goes back: the new value is at least the clock, so a database restored from a backup
    cannot bring back a generation whose pages are still in the cache.
    """
    updated = CacheGeneration.objects.filter(pk=ROW).update(
        value=Greatest(F("value") + 1, Value(time.time_ns()))
    )
    if not updated:
        generation()


def query_key(prefix, query):
    """A cache key for a query string (a QueryDict) under the current generation: the same
    parameters in any order give the same key."""
    items = sorted((name, value) for name in query for value in query.getlist(name))
    digest = hashlib.sha256(json.dumps(items).encode()).hexdigest()[:32]
    return f"kreativorte:{prefix}:{generation()}:{digest}"
