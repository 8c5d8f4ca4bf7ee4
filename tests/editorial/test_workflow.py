from datetime import timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from editorial import workflow
from places import cache
from places.models import Place
from tests.editorial.helpers import MatrixData, make_editor, potsdam_mittelmark
from tests.factories import make_place

Status = Place.Status


class TransitionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_editor("zentrale")

    def test_every_transition(self):
        place = make_place(status=Status.SUBMITTED)
        for name, expected in [
            ("accept", Status.DRAFT),
            ("publish", Status.PUBLISHED),
            ("unpublish", Status.DRAFT),
            ("publish", Status.PUBLISHED),
            ("archive", Status.ARCHIVED),
            ("restore", Status.DRAFT),
        ]:
            with self.subTest(name):
                workflow.run(name, place, user=self.user)
                place.refresh_from_db()
                assert place.status == expected

    def test_publish_sets_the_date_on_first_publication_only(self):
        place = make_place(status=Status.DRAFT)
        assert place.published_at is None
        workflow.publish(place, user=self.user)
        first = Place.objects.get(pk=place.pk).published_at
        assert first is not None
        workflow.unpublish(place, user=self.user)
        with mock.patch("django.utils.timezone.now", return_value=first + timedelta(days=3)):
            workflow.publish(place, user=self.user)
        assert Place.objects.get(pk=place.pk).published_at == first

    def test_a_submitted_entry_can_be_published_directly(self):
        place = make_place(status=Status.SUBMITTED)
        workflow.publish(place, user=self.user)
        assert Place.objects.get(pk=place.pk).status == Status.PUBLISHED

    def test_refused_moves_say_why_in_german(self):
        place = make_place(status=Status.DRAFT)
        for name in ["unpublish", "restore"]:
            with self.subTest(name), self.assertRaisesMessage(ValidationError, "Entwurf"):
                workflow.run(name, place, user=self.user)
        published = make_place()
        with self.assertRaisesMessage(ValidationError, "kann nicht veröffentlicht werden"):
            workflow.publish(published, user=self.user)

    def test_publish_refuses_an_invalid_entry(self):
        place = make_place(status=Status.SUBMITTED, teaser="")
        with self.assertRaises(ValidationError):
            workflow.publish(place, user=self.user)
        assert Place.objects.get(pk=place.pk).status == Status.SUBMITTED

    def test_regional_editor_cannot_move_other_regions_entries(self):
        altmark = make_editor("altmark", regions=["altmark"])
        place = make_place(district=potsdam_mittelmark())
        with self.assertRaisesMessage(ValidationError, "nicht in Ihren Regionen"):
            workflow.archive(place, user=altmark)

    def test_each_transition_records_a_version_with_user_and_bumps_the_cache(self):
        place = make_place(status=Status.DRAFT)
        before = cache.generation()
        workflow.publish(place, user=self.user)
        assert cache.generation() != before
        version = Version.objects.get_for_object(place).first()
        assert version.revision.user == self.user
        assert "Veröffentlicht" in version.revision.comment

    def test_mark_checked(self):
        place = make_place(last_checked=None)
        assert workflow.mark_checked([place], user=self.user) == 1
        assert Place.objects.get(pk=place.pk).last_checked == timezone.localdate()


class AdminWorkflowTests(MatrixData, TestCase):
    def test_list_actions(self):
        self.client.force_login(self.editor)
        draft = make_place(status=Status.DRAFT, district=self.in_altmark.district)
        url = reverse("admin:places_place_changelist")
        response = self.client.post(
            url, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
        )
        self.assertContains(response, "1 Eintrag veröffentlicht.")
        assert Place.objects.get(pk=draft.pk).status == Status.PUBLISHED
        response = self.client.post(
            url,
            {"action": "publish_selected", "_selected_action": [draft.pk]},
            follow=True,
        )
        self.assertContains(response, "kann nicht veröffentlicht werden")

    def test_change_form_shows_the_available_buttons_and_status_columns(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:places_place_change", args=[self.in_altmark.pk]))
        self.assertContains(response, 'name="_transition" value="unpublish"')
        self.assertContains(response, 'name="_transition" value="archive"')
        self.assertNotContains(response, 'name="_transition" value="publish"')
        workflow.archive(self.in_altmark, user=self.editor)
        response = self.client.get(reverse("admin:places_place_changelist"))
        self.assertContains(response, "status-badge--archived")
        self.assertContains(response, "Zuletzt bearbeitet von")
        self.assertContains(response, '<td class="field-last_edited_by">zentrale</td>')

    def test_changelist_query_count_does_not_grow_with_entries(self):
        self.client.force_login(self.admin)
        url = reverse("admin:places_place_changelist")
        self.client.get(url)
        with self.assertNumQueries(13) as first:
            self.client.get(url)
        for number in range(5):
            make_place(name=f"Weiterer Ort {number}", district=self.in_altmark.district)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(url)
