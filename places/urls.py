from django.urls import path

from . import views
from .feeds import NewPlacesFeed

app_name = "places"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("orte/", views.PlaceListView.as_view(), name="place-list"),
    path("orte.geojson", views.place_geojson, name="place-geojson"),
    path("orte.csv", views.place_csv, name="place-csv"),
    path("orte/neu.atom", NewPlacesFeed(), name="place-feed"),
    path("orte/ortsnamen.json", views.town_suggestions, name="town-suggestions"),
    path("karte/", views.PlaceMapView.as_view(), name="place-map"),
    path("karte/marker.json", views.place_markers, name="place-markers"),
    path("karte/marker/<int:pk>.json", views.place_marker, name="place-marker"),
    path("orte/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("ideen/", views.IdeasView.as_view(), name="ideas"),
    path("vergleichen/", views.CompareView.as_view(), name="compare"),
]
