from django.views.generic import DetailView, ListView

from .models import Place


class HomeView(ListView):
    template_name = "places/home.html"
    context_object_name = "places"

    def get_queryset(self):
        return Place.objects.published().with_cards()


class PlaceDetailView(DetailView):
    context_object_name = "place"

    def get_queryset(self):
        return Place.objects.published().with_details()
