"""One id per request, in every log line of that request and in the X-Request-ID header.

The proxy's id is kept when it looks like one (nginx: ``proxy_set_header X-Request-ID
$request_id``), so its access log and ours can be joined; otherwise a new one is made.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

current_request_id = ContextVar("request_id", default="-")

VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("kreativorte.request")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request) for the formatters."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class RequestIdMiddleware:
    """Sets the request id and writes one access line per request: method, path, status, time.

    The line holds no personal data: no client address, no query string, no user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is finished, so Django's own "Not Found: …" line, logged
        # outside the middleware, carries the id too.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        logger.info(
            "%s %s %s %.0fms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    current_request_id.set("-")
