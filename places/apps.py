from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Kreativorte")

    def ready(self):
        from . import (
            search,
            signals,  # noqa: F401
        )

        search.connect_signals()
