"""Regional rights: which districts an editor works on, and the admin mixin that enforces it.

A superuser, and a staff member without a region assignment (the central office), work on all
districts. An editor assigned to one or more regions sees, changes and acts on only the rows in
those regions' districts, and cannot move a row out of them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from places.models import District

from .models import RegionAssignment

OUTSIDE_REGION = _(
    "Dieser Landkreis gehört nicht zu Ihren Regionen. Sie können Einträge nur in den "
    "Landkreisen Ihrer Regionen anlegen und bearbeiten."
)


def allowed_district_ids(user):
    """The ids of the districts ``user`` works on, or ``None`` for all; cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_editorial_district_ids"):
        region_ids = RegionAssignment.objects.filter(user=user).values("region")
        if not region_ids.exists():
            user._editorial_district_ids = None
        else:
            user._editorial_district_ids = frozenset(
                District.objects.filter(regions__in=region_ids).values_list("pk", flat=True)
            )
    return user._editorial_district_ids


def may_work_on(user, district_id):
    allowed = allowed_district_ids(user)
    return allowed is None or district_id in allowed


def check_district(user, district_id):
    """Raise a German ValidationError when ``user`` may not put a row into this district."""
    if district_id is not None and not may_work_on(user, district_id):
        raise ValidationError({"district": OUTSIDE_REGION})


class RegionRestrictedAdminMixin:
    """Limits a ModelAdmin to the rows in the user's districts.

    ``district_path`` is the lookup from the model to its district (``"district"`` on an entry,
    ``"place__district"`` on a suggestion). Rows outside the user's regions are not in the
    queryset, so the change list, change form, actions and export never reach them.
    """

    district_path = "district"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        allowed = allowed_district_ids(request.user)
        if allowed is None:
            return queryset
        return queryset.filter(**{f"{self.district_path}__in": allowed})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and self.district_path == "district":
            allowed = allowed_district_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = District.objects.filter(pk__in=allowed)
                kwargs["error_messages"] = {"invalid_choice": OUTSIDE_REGION}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
