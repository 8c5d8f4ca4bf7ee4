"""Upgrading a database from before the intake had its own app (places 0005) finds every inquiry,
suggestion, notification record and rate limit event again, and the permissions on them."""

import uuid
from datetime import UTC, datetime

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import SimpleTestCase, TransactionTestCase

from inquiries.models import Inquiry, NotificationStatus, PlaceSubmission, RateLimitEvent
from places.models import Place

BEFORE_THE_MOVE = [("places", "0005_inquiry_review_fixes"), ("inquiries", None)]
RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def migrate(targets=None):
    """Migrate to ``targets`` (default: the latest state); returns the apps of that state,
    with the auth and content type models next to those of the targets."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = targets or graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    graph = executor.loader.graph
    nodes = [target for target in targets if target[1] is not None]
    nodes += [node for node in graph.leaf_nodes() if node[0] in ("auth", "contenttypes")]
    return executor.loader.project_state(nodes).apps


class UpgradeFromPlacesTests(TransactionTestCase):
    def tearDown(self):
        migrate()

    def fill_old_layout(self, apps):
        """Rows as a database at places 0005 held them, written through its historical models."""
        District = apps.get_model("places", "District")
        OldPlace = apps.get_model("places", "Place")
        OldInquiry = apps.get_model("places", "Inquiry")
        OldSubmission = apps.get_model("places", "PlaceSubmission")
        OldRateLimitEvent = apps.get_model("places", "RateLimitEvent")
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        OldGroup = apps.get_model("auth", "Group")

        district = District.objects.create(
            name="Altmarkkreis Salzwedel",
            slug="altmarkkreis-salzwedel",
            code="15081",
            type="landkreis",
            state="ST",
        )
        place = OldPlace.objects.create(
            name="Alte Dorfschule",
            slug="alte-dorfschule",
            teaser="Eine Schule wird Atelierhaus.",
            locality="Kalbe (Milde)",
            district=district,
            status="submitted",
        )
        about_place = OldInquiry.objects.create(
            token=uuid.uuid4(),
            consent_at=RECEIVED,
            place=place,
            concern="join",
            name="Marta Beispiel",
            email="marta@example.org",
            message="Wir würden gern mitmachen.",
            notification_status="sent",
            notification_attempts=1,
            notified_at=RECEIVED,
            forward_consented=True,
            forwarded_at=RECEIVED,
        )
        failed = OldInquiry.objects.create(
            token=uuid.uuid4(),
            consent_at=RECEIVED,
            concern="press",
            name="Jan Presse",
            email="jan@example.org",
            message="Eine Frage zur Reportage.",
            notification_status="failed",
            notification_attempts=3,
            notification_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        submission = OldSubmission.objects.create(
            token=uuid.uuid4(),
            consent_at=RECEIVED,
            place=place,
            name="Olga Vorschlag",
            email="olga@example.org",
            note="Ich wohne nebenan.",
            rights_confirmed=True,
            notification_status="pending",
        )
        OldRateLimitEvent.objects.create(key_hash="ab" * 32, created_at=RECEIVED)

        # Editors' permissions hang on the content types of the old app label.
        content_type, _ = ContentType.objects.get_or_create(app_label="places", model="inquiry")
        ContentType.objects.filter(app_label="inquiries", model="inquiry").delete()
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename="change_inquiry",
            defaults={"name": "Can change Anfrage"},
        )
        OldGroup.objects.create(name="Redaktion").permissions.add(permission)
        return {"about_place": about_place.pk, "failed": failed.pk, "submission": submission.pk}

    def test_every_row_is_found_again_after_the_move(self):
        old_apps = migrate(BEFORE_THE_MOVE)
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "places_inquiry" in tables
        assert "inquiries_inquiry" not in tables
        pks = self.fill_old_layout(old_apps)

        migrate()

        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert {
            "inquiries_inquiry",
            "inquiries_placesubmission",
            "inquiries_ratelimitevent",
        } <= set(tables)
        assert not {"places_inquiry", "places_placesubmission", "places_ratelimitevent"} & set(
            tables
        )
        place = Place.objects.get(slug="alte-dorfschule")
        about_place = Inquiry.objects.get(pk=pks["about_place"])
        assert about_place.place == place
        assert about_place.get_concern_display() == "Ich möchte bei einem Projekt mitmachen"
        assert about_place.message == "Wir würden gern mitmachen."
        assert about_place.notification_status == NotificationStatus.SENT
        assert about_place.forward_consented
        assert about_place.forwarded_at == RECEIVED
        failed = Inquiry.objects.get(pk=pks["failed"])
        assert failed.notification_attempts == 3
        assert failed.notification_error.startswith("SMTPServerDisconnected")
        assert list(Inquiry.objects.order_by("pk").values_list("pk", flat=True)) == sorted(
            [pks["about_place"], pks["failed"]]
        )
        submission = PlaceSubmission.objects.get()
        assert submission.pk == pks["submission"]
        assert submission.place == place
        assert place.submission == submission
        assert submission.note == "Ich wohne nebenan."
        assert submission.notification_status == NotificationStatus.PENDING
        assert RateLimitEvent.objects.get().key_hash == "ab" * 32
        # The outbox rule still finds the undelivered rows.
        due = Inquiry.objects.due_for_delivery(pending_since=RECEIVED)
        assert list(due.values_list("pk", flat=True)) == [pks["failed"]]
        # New rows continue the old sequences.
        newer = Inquiry.objects.create(
            token=uuid.uuid4(), consent_at=RECEIVED, concern="other", email="neu@example.org"
        )
        assert newer.pk > max(pks["about_place"], pks["failed"])
        # Editors keep their permissions: the content type moved with the model.
        group = Group.objects.get(name="Redaktion")
        assert [(p.content_type.app_label, p.codename) for p in group.permissions.all()] == [
            ("inquiries", "change_inquiry")
        ]


class MovedAdminPagesTests(SimpleTestCase):
    def test_old_admin_addresses_of_the_intake_redirect_for_good(self):
        response = self.client.get("/admin/places/inquiry/5/change/?_changelist_filters=status")
        self.assertRedirects(
            response,
            "/admin/inquiries/inquiry/5/change/?_changelist_filters=status",
            status_code=301,
            fetch_redirect_response=False,
        )
        self.assertRedirects(
            self.client.get("/admin/places/placesubmission/"),
            "/admin/inquiries/placesubmission/",
            status_code=301,
            fetch_redirect_response=False,
        )

    def test_the_directory_admin_keeps_its_addresses(self):
        assert self.client.get("/admin/places/place/").status_code == 302  # to the login
