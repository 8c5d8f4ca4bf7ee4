from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Kreativorte im Grünen – Redaktion")
admin.site.site_title = _("Kreativorte im Grünen")
admin.site.index_title = _("Einträge und Inhalte pflegen")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("places.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
