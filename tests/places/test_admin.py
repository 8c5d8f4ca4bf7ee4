import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from places.models import Place
from tests.factories import make_image, make_place


class AdminPagesTests(TestCase):
    """Every registered model's changelist, add and change page renders for an editor."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser(
            "redaktion", "redaktion@example.org", "geheim-und-lang"
        )
        cls.place = make_place()
        make_image(cls.place)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_every_admin_page_renders(self):
        checked = 0
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            with self.subTest(model=opts.label):
                base = f"admin:{opts.app_label}_{opts.model_name}"
                assert self.client.get(reverse(f"{base}_changelist")).status_code == 200
                if model_admin.has_add_permission(_request(self.editor)):
                    assert self.client.get(reverse(f"{base}_add")).status_code == 200
                obj = model._default_manager.first()
                if obj is not None:
                    url = reverse(f"{base}_change", args=[obj.pk])
                    assert self.client.get(url).status_code == 200
                checked += 1
        assert checked >= 6

    def test_place_changelist_filters_and_search(self):
        url = reverse("admin:places_place_changelist")
        response = self.client.get(url, {"status__exact": "published", "q": self.place.name})
        self.assertContains(response, self.place.name)
        response = self.client.get(url, {"status__exact": "draft"})
        self.assertNotContains(response, f">{self.place.name}<")

    def test_admin_search_uses_the_portal_search_and_the_admin_fields(self):
        url = reverse("admin:places_place_changelist")
        kalbe = make_place(
            name="Künstlerstadt Kalbe", operator="Kunstverein Milde", district=self.place.district
        )
        draft = make_place(
            name="Alte Schule Entwurf", status=Place.Status.DRAFT, district=self.place.district
        )
        for term, expected in [("kuenstler", kalbe), ("Kunstverein", kalbe), ("schule", draft)]:
            response = self.client.get(url, {"q": term})
            assert list(response.context["cl"].result_list) == [expected], term

    def test_change_page_shows_steckbrief_sections_image_preview_and_view_on_site(self):
        response = self.client.get(reverse("admin:places_place_change", args=[self.place.pk]))
        for heading in ["Mitmachen", "Das Objekt", "Die Lage", "Die Menschen", "Redaktion"]:
            self.assertContains(response, heading)
        self.assertContains(response, 'class="place-image-preview"')
        self.assertContains(response, "Auf der Website anzeigen")

    def test_editor_can_publish_a_draft(self):
        draft = make_place(status=Place.Status.DRAFT, district=self.place.district)
        url = reverse("admin:places_place_change", args=[draft.pk])
        form = self.client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in {"categories", "features", "needs"}
        }
        data.update(
            status=Place.Status.PUBLISHED,
            categories=[c.pk for c in draft.categories.all()],
            district=draft.district.pk,
            **{f"images-{key}": value for key, value in _empty_inline().items()},
            **{f"milestones-{key}": value for key, value in _empty_inline().items()},
        )
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        draft.refresh_from_db()
        assert draft.status == Place.Status.PUBLISHED
        assert draft.published_at is not None
        assert self.client.get(draft.get_absolute_url()).status_code == 200


def _empty_inline():
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get(reverse("admin:places_place_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
