from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from places.models import Region


class RegionAssignment(models.Model):
    """An editor works on the entries of this region. An editor with no assignment belongs to
    the central office and works on all regions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_assignments",
        verbose_name=_("Redakteur:in"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("Region"),
    )

    class Meta:
        ordering = ["region", "user"]
        verbose_name = _("Regionale Zuständigkeit")
        verbose_name_plural = _("Regionale Zuständigkeiten")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="regionassignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.region}"
