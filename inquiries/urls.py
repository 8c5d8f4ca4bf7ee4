from django.urls import path, re_path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/danke/", views.contact_thanks, name="contact-thanks"),
    path("orte/<slug:slug>/kontakt/", views.place_contact, name="place-contact"),
    path("mitmachen/ort-vorschlagen/", views.suggest_place, name="suggest"),
    path("mitmachen/ort-vorschlagen/danke/", views.suggest_thanks, name="suggest-thanks"),
]

# The intake's admin pages moved with the app; links in mails sent before the move still work.
moved_admin_urlpatterns = [
    re_path(
        r"^admin/places/(?P<model>inquiry|placesubmission|ratelimitevent)/(?P<rest>.*)$",
        views.moved_admin_page,
    ),
]
