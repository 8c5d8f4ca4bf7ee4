from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("orte/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
]
