"""Publishing is one explicit step (places.publishing.publish); validation never dates an entry."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase

from places import cache, publishing
from places.models import Place
from tests.factories import make_place
from tests.places.admin_forms import change_form_data

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class PublishTests(TestCase):
    def test_clean_does_not_write_the_publication_date(self):
        place = make_place(status=Place.Status.DRAFT, published_at=None)
        place.status = Place.Status.PUBLISHED
        place.clean()
        assert place.published_at is None
        with pytest.raises(ValidationError):
            place.full_clean()

    @time_machine.travel(NOW, tick=False)
    def test_publish_dates_saves_and_refreshes_the_caches(self):
        place = make_place(status=Place.Status.DRAFT, published_at=None)
        before = cache.generation()
        publishing.publish(place)
        place.refresh_from_db()
        assert place.status == Place.Status.PUBLISHED
        assert place.published_at == NOW
        assert cache.generation() != before

    def test_an_entry_published_again_keeps_its_first_date(self):
        first = datetime(2025, 5, 1, tzinfo=UTC)
        place = make_place(status=Place.Status.ARCHIVED, published_at=first)
        publishing.publish(place)
        place.refresh_from_db()
        assert place.published_at == first


class AdminPublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("redaktion", "r@example.org", "x")

    def setUp(self):
        self.client.force_login(self.editor)

    def post_status(self, place, status):
        url, data = change_form_data(self.client, place, status=status)
        return self.client.post(url, data)

    def test_choosing_published_calls_the_publishing_step(self):
        draft = make_place(status=Place.Status.DRAFT, published_at=None)
        with time_machine.travel(NOW, tick=False):
            response = self.post_status(draft, Place.Status.PUBLISHED)
        assert response.status_code == 302, response.context["adminform"].form.errors
        draft.refresh_from_db()
        assert draft.status == Place.Status.PUBLISHED
        assert draft.published_at == NOW

    def test_a_draft_saved_as_draft_gets_no_date(self):
        draft = make_place(status=Place.Status.DRAFT, published_at=None)
        response = self.post_status(draft, Place.Status.DRAFT)
        assert response.status_code == 302, response.context["adminform"].form.errors
        draft.refresh_from_db()
        assert draft.published_at is None
