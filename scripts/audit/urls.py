"""The portal's URLconf plus views that raise, so the audit sees the real error pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_protect

from kreativorte.urls import *  # noqa: F403 - handler400 etc. if the project sets them
from kreativorte.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("audit")


def forbidden(request):
    raise PermissionDenied


@csrf_protect
def csrf(request):
    """A GET renders a form without a token; the audit posts it to get the CSRF failure page."""
    return HttpResponse(
        '<!doctype html><html lang="de"><title>x</title><form method="post">'
        "<button>Senden</button></form></html>"
    )


def server_error(request):
    raise RuntimeError("audit: the 500 page is rendered on purpose")


urlpatterns = [
    path("audit-fehler/400/", bad_request),
    path("audit-fehler/403/", forbidden),
    path("audit-fehler/csrf/", csrf),
    path("audit-fehler/500/", server_error),
    *site_urlpatterns,
]
