"""One freshness rule for everything the portal caches.

Cached pages, fragments and map data are keyed by the current generation. Every editorial
write (workflow transitions, admin saves, imports, vocabulary and flat-page edits) calls
``bump_generation()``, so the next request builds fresh content instead of reading the old.
"""

import hashlib
import json
import time

from django.core.cache import cache

GENERATION_KEY = "kreativorte:generation"


def generation():
    """The current generation; a lost counter restarts from the clock, never from an old value."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump_generation():
    """Make every cached page and map payload stale at once."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def query_key(prefix, query):
    """A cache key for a query string (a QueryDict) under the current generation: the same
    parameters in any order give the same key."""
    items = sorted((name, value) for name in query for value in query.getlist(name))
    digest = hashlib.sha256(json.dumps(items).encode()).hexdigest()[:32]
    return f"kreativorte:{prefix}:{generation()}:{digest}"
