"""The rate limit of the public forms: KREATIVORTE_RATE_LIMIT accepted submissions per client in
KREATIVORTE_RATE_LIMIT_WINDOW seconds, both forms together.

Each accepted submission is a :class:`~inquiries.models.RateLimitEvent` row in the database, so the
limit holds across gunicorn workers on SQLite and PostgreSQL alike. A client is known only by a
keyed hash of its address, and rows older than the window are deleted.
"""

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateLimitEvent

logger = logging.getLogger(__name__)


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or the entry that the trusted reverse proxies
    (KREATIVORTE_TRUSTED_PROXIES) appended to X-Forwarded-For."""
    proxies = settings.KREATIVORTE_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    """A keyed hash of the client's address; the address itself is never stored.

    IPv6 clients are keyed by their /64 network, since one connection usually owns all of it.
    """
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if ip.version == 6 and ip.ipv4_mapped is None:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return salted_hmac("kreativorte.forms.client", address, algorithm="sha256").hexdigest()


def window_start(now=None):
    return (now or timezone.now()) - timedelta(seconds=settings.KREATIVORTE_RATE_LIMIT_WINDOW)


def limit_reached(request):
    """Whether this client has no submission left in the window; counts nothing.

    Asked before a form is validated, so that a client over the limit costs no upload decoding.
    A broken store must not lose an inquiry: then the limit is not applied, and it is logged.
    """
    try:
        used = RateLimitEvent.objects.recent(client_key(request), since=window_start()).count()
    except Exception:
        logger.exception("Rate limit store unavailable; the submission is let through.")
        return False
    return used >= settings.KREATIVORTE_RATE_LIMIT


def record(request):
    """Count one accepted submission of this client; False (and nothing kept) if that is over
    the limit.

    Atomic across workers without locks: the event is committed before the client's events in
    the window are counted, so the k-th event to commit sees at least k and no more than the
    limit pass (under contention fewer may). This needs autocommit, as requests have here
    (ATOMIC_REQUESTS is off). Expired events of all clients are deleted on the way.
    """
    now = timezone.now()
    key = client_key(request)
    try:
        event = RateLimitEvent.objects.create(key_hash=key, created_at=now)
        RateLimitEvent.objects.expired(window_start=window_start(now)).delete()
        used = RateLimitEvent.objects.recent(key, since=window_start(now)).count()
        if used <= settings.KREATIVORTE_RATE_LIMIT:
            return True
        event.delete()
    except Exception:
        logger.exception("Rate limit store unavailable; the submission is let through.")
        return True
    return False


def expired_events():
    """Events older than the window; ``purge_inquiries`` deletes those left after the last
    submission, so no hash outlives the window by more than a day."""
    return RateLimitEvent.objects.expired(window_start=window_start())
