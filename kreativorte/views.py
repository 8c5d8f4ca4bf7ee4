"""Project-wide error views."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("kreativorte.outage")

RETRY_AFTER_SECONDS = 60


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500 for a bug; 503 with Retry-After when the database is unreachable.

    Django sends every uncaught exception here, whether a view or a middleware (sessions, flat
    pages) raised it, so one check covers a form post as well as a page view.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return default_server_error(request, template_name)
    logger.warning("database unavailable (%s), answered 503", type(error).__name__)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once above as a warning: no error report per request while the database is away.
    response._has_been_logged = True
    return response
