"""The page cache: anonymous GET pages and the map data, stored under the cache generation.

``cache_for_visitors`` wraps a view. A request without a session cookie gets the stored copy
of its URL for the current generation (places/cache.py), or builds the page and stores it.
Nothing personal is ever stored or served: a request carrying a session (a logged-in editor,
a visitor with a pending form) always gets a freshly built page, and a response is only
stored when building it wrote nothing to the session, used no CSRF token (so pages with a
form never enter the cache) and set no cookie. Middleware outside the view (security
headers, CSP, language) still runs for every response, cached or not.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .cache import generation

# Headers the view sets and the stored copy keeps; cookies are never stored.
STORED_HEADERS = ("Content-Type", "Cache-Control", "Content-Disposition", "Link")


def _anonymous(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def page_key(request, generation_value):
    url = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"kreativorte:page:{generation_value}:{digest}"


def _storable(request, response):
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        # Reading the (empty) session of a request without a session cookie, as asking
        # for ``request.user`` does, is harmless; writing to it makes the page personal.
        and not (session is not None and (session.modified or not session.is_empty()))
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def cache_for_visitors(view):
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.KREATIVORTE_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or not _anonymous(request):
            return view(request, *args, **kwargs)
        key = page_key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _storable(request, response):
            headers = [(name, response[name]) for name in STORED_HEADERS if name in response]
            cache.set(key, (response.content, headers), seconds)
        return response

    return cached_view


def cached_fragment(name, build):
    """``build()``, stored for the current generation: data many pages share (the home page's
    counts over every entry), kept for KREATIVORTE_FRAGMENT_CACHE_SECONDS (0: always built)."""
    seconds = settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS
    if not seconds:
        return build()
    key = f"kreativorte:fragment:{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value
