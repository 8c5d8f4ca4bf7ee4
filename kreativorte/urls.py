import re

from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages.views import flatpage
from django.contrib.sitemaps import views as sitemap_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from inquiries.urls import moved_admin_urlpatterns
from places.sitemaps import SITEMAPS
from places.views import robots_txt

handler500 = "kreativorte.views.server_error"

admin.site.site_header = _("Kreativorte im Grünen – Redaktion")
admin.site.site_title = _("Kreativorte im Grünen")
admin.site.index_title = _("Einträge und Inhalte pflegen")

# The flat pages other pages link to get names; any other flat page is still served by the
# fallback middleware at whatever URL editors give it.
FLATPAGES = {
    "about": "/ueber/",
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility": "/barrierefreiheit/",
}


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin's pages)."""
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt, name="robots"),
    # An index of sections, so that each stays under the protocol's 50,000 addresses.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    *moved_admin_urlpatterns,
    path("admin/", admin.site.urls),
    *[
        path(url.strip("/") + "/", flatpage, {"url": url}, name=f"flatpage-{name}")
        for name, url in FLATPAGES.items()
    ],
    path("", include("places.urls")),
    path("", include("inquiries.urls")),
]


def serve_media(request, path):
    """Serve uploads (re-encoded images only); MEDIA_ROOT is read per request."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.KREATIVORTE_SERVE_MEDIA:
    # A front web server or object storage may take this over (KREATIVORTE_SERVE_MEDIA=0).
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media)]
