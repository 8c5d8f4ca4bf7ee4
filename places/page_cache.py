"""The page cache: anonymous GET pages and the map data, stored under the cache generation.

Views opt in with ``cache_for_visitors``. ``PageCacheMiddleware`` sits right after WhiteNoise,
so a stored page costs little more than a static file: for a GET or HEAD without a session
cookie it looks up the URL's copy, which carries the generation it was built under, together
with the current generation (places/cache.py: one round trip to Redis; a copy this process
served before is kept in its own memory, so then only the generation travels), and returns it
when the two agree, before sessions, URL routing and the view run; the outer middleware (security
headers, CSP) still runs for every response. Nothing personal is ever stored or served: a
request carrying a session (a logged-in editor, a visitor with a pending form) always gets a
freshly built page, and a response is only stored when its view opted in and building it
wrote nothing to the session, used no CSRF token (so pages with a form never enter the cache)
and set no cookie.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse

from .cache import generation_and, shared

CACHEABLE = "kreativorte_cacheable"


def _anonymous(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def page_key(request):
    """One key per URL: a page stored under an older generation is overwritten, not kept."""
    url = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"kreativorte:page:{digest}"


def _storable(request, response):
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(response, CACHEABLE, False)
        and response.status_code == 200
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
    """Let ``PageCacheMiddleware`` store this view's anonymous responses."""

    @wraps(view)
    def cacheable_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, CACHEABLE, True)
        return response

    return cacheable_view


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.KREATIVORTE_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or not _anonymous(request):
            return self.get_response(request)
        key = page_key(request)
        # This process's own copy first (no transfer); the generation decides whether it holds.
        keep_nearby = shared()  # with local memory the shared cache is this process's own
        nearby = caches["local"].get(key) if keep_nearby else None
        current, stored = generation_and(None if nearby else key)
        if current is None:  # the shared cache is away: build, store nothing
            return self.get_response(request)
        if nearby is not None and nearby[0] == current:
            return _response(nearby)
        if nearby is not None:
            stored = cache.get(key)
        if stored is not None and stored[0] == current:
            if keep_nearby:
                caches["local"].set(key, stored, seconds)
            return _response(stored)
        response = self.get_response(request)
        if _storable(request, response):
            headers = [(name, value) for name, value in response.items() if name != "Set-Cookie"]
            cache.set(key, (current, response.content, headers), seconds)
        return response


def _response(stored):
    _generation, content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
