"""Editors for the permission matrix: a central editor, an Altmark regional editor, a
superuser. Entries in the Altmark (Landkreis Stendal) and in Brandenburg (Potsdam-Mittelmark)."""

from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from editorial.models import RegionAssignment
from places.models import District, Region
from tests.factories import make_place

PASSWORD = "ein-langes-redaktionspasswort"


def ensure_seeded():
    """The districts, regions and the Redaktion group come from data migrations; a
    transactional test (the browser tests) flushes them, so recreate them the same way."""
    if not Region.objects.exists():
        import_module("places.migrations.0012_region_old_slugs").seed_regions(django_apps, None)
    if not Group.objects.filter(name="Redaktion").exists():
        group = Group.objects.create(name="Redaktion")
        wanted = import_module("editorial.migrations.0002_redaktion_group").PERMISSIONS
        for (app_label, model), actions in wanted.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


def make_editor(username, *, regions=(), superuser=False, email=None):
    ensure_seeded()
    User = get_user_model()
    email = email or f"{username}@example.org"
    if superuser:
        return User.objects.create_superuser(username, email, PASSWORD)
    user = User.objects.create_user(username, email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktion"))
    for slug in regions:
        RegionAssignment.objects.create(user=user, region=Region.objects.get(slug=slug))
    return user


def stendal():
    return District.objects.get(code="15090")


def potsdam_mittelmark():
    return District.objects.get(code="12069")


class MatrixData:
    """setUpTestData helper: three users and an entry on each side of the regional line."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor("zentrale")
        cls.altmark = make_editor("altmark", regions=["altmark"])
        cls.admin = make_editor("admin", superuser=True)
        cls.in_altmark = make_place(name="Elbehof Wahrenberg", district=stendal())
        cls.in_brandenburg = make_place(
            name="Coconat",
            district=potsdam_mittelmark(),
            locality="Bad Belzig",
            latitude=Decimal("52.1322"),
            longitude=Decimal("12.5158"),
        )
