"""One freshness rule for everything the portal caches.

Cached pages, fragments and map data are keyed by the current generation. Every editorial
write (workflow transitions, admin saves, imports, vocabulary and flat-page edits) calls
``bump_generation()``, so the next request builds fresh content instead of reading the old.

Where the generation lives follows the cache:

- A shared cache (Redis, in production): a counter in the cache itself, moved with ``INCR``
  only after the change it announces is committed. Reading it costs no database query, and a
  cached page comes with its generation in one round trip (``generation_and()``). A request
  that reads the new value therefore always sees the committed change; one that read the old
  value stores what it builds under the old one, which nobody asks for any more. If the
  counter is missing (Redis restarted), it starts again from the clock, above every value
  before it.
- A local-memory cache (the default, one per process): one database row (``CacheGeneration``),
  so every gunicorn worker and every server reads the same value although each has a cache of
  its own; a bump inside a transaction becomes visible exactly with its commit. One primary-key
  read per request.

Either way the value is read at most once per request (a request keeps what it read first),
and every ``migrate`` (the release step) moves it too.
"""

import contextlib
import contextvars
import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import QueryDict

from .models import CacheGeneration

ROW = 1
KEY = "kreativorte:generation"

# Inside a request: a dict holding the value once read; None outside requests (commands and
# the task worker always read afresh).
_request_memo = contextvars.ContextVar("cache_generation", default=None)


@receiver(request_started)
def _remember_per_request(**kwargs):
    _request_memo.set({})


@receiver(request_finished)
def _forget(**kwargs):
    _request_memo.set(None)


def shared():
    """Whether every process sees the same cache (Redis), so the generation can live there."""
    return settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"


def generation():
    """The current generation, or None while a shared cache cannot be reached (then nothing
    is cached or served from the cache)."""
    return generation_and(None)[0]


def generation_and(key):
    """The current generation and the cached value under ``key`` (None for a miss): one round
    trip to a shared cache."""
    memo = _request_memo.get()
    if memo is not None and "value" in memo:
        return memo["value"], (cache.get(key) if key else None)
    if shared():
        found = cache.get_many([KEY, key] if key else [KEY])
        value = found.get(KEY)
        if value is None:
            # Missing (first use, Redis restarted): from the clock, so never an earlier value.
            cache.add(KEY, time.time_ns(), timeout=None)
            value = cache.get(KEY)
    else:
        value, found = _row_value(), {key: cache.get(key)} if key else {}
    if memo is not None and value is not None:
        memo["value"] = value
    return value, found.get(key)


def _row_value():
    # A plain cursor: this runs on every request, and the ORM would cost more than the query.
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CacheGeneration._meta.db_table)
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [ROW])
        row = cursor.fetchone()
    if row:
        return row[0]
    CacheGeneration.objects.bulk_create(
        [CacheGeneration(pk=ROW, value=time.time_ns())], ignore_conflicts=True
    )
    return CacheGeneration.objects.get(pk=ROW).value


def bump_generation():
    """Make every cached page and map payload stale at once, as soon as the current
    transaction commits (at once outside one).

    Never goes back: in the database the new value is at least the clock, so a database
    restored from a backup cannot bring back a generation whose pages are still in the cache.
    """
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()  # this request reads the new value from now on
    if shared():
        transaction.on_commit(_increment_shared)
        return
    updated = CacheGeneration.objects.filter(pk=ROW).update(
        value=Greatest(F("value") + 1, Value(time.time_ns()))
    )
    if not updated:
        _row_value()


def _increment_shared():
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    with contextlib.suppress(ValueError):  # missing: the next reader starts it from the clock
        cache.incr(KEY)


@receiver(post_migrate)
def _release_renders_afresh(sender, using="default", **kwargs):
    """The release step (``migrate``) comes with new code and templates: nothing the release
    before cached is served after it."""
    if sender.name == "places" and (
        CacheGeneration._meta.db_table in connections[using].introspection.table_names()
    ):
        bump_generation()


def cached_fragment(name, build, query=None, seconds=None):
    """``build()``, kept under the current generation: what many requests share (the home
    page's counts, a selection's total, facets, map markers, rendered fragments). ``query``
    (a QueryDict) makes one entry per parameter set. Kept for ``seconds``, by default
    KREATIVORTE_FRAGMENT_CACHE_SECONDS (0: always built); a result of None is not kept."""
    seconds = settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS if seconds is None else seconds
    key = query_key(name, query) if seconds else None
    if key is None:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, seconds)
    return value


def query_key(prefix, query=None):
    """A cache key for a query string (a QueryDict) under the current generation: the same
    parameters in any order give the same key. None while the generation is unknown."""
    current = generation()
    if current is None:
        return None
    query = query if query is not None else QueryDict()
    items = sorted((name, value) for name in query for value in query.getlist(name))
    digest = hashlib.sha256(json.dumps(items).encode()).hexdigest()[:32]
    return f"kreativorte:{prefix}:{current}:{digest}"
