"""What visitors see of editorial work: archived entries (410) and renamed slugs (301)."""

from django.test import TestCase
from django.urls import reverse

from editorial import workflow
from places.models import Place
from tests.editorial.helpers import MatrixData
from tests.editorial.test_permissions import _form_data
from tests.factories import make_place


class ArchivedAndRenamedTests(MatrixData, TestCase):
    def test_archived_entry_answers_410_with_similar_entries(self):
        neighbour = make_place(name="Hof am Deich", district=self.in_altmark.district)
        workflow.archive(self.in_altmark, user=self.editor)
        response = self.client.get(self.in_altmark.get_absolute_url())
        assert response.status_code == 410
        self.assertTemplateUsed(response, "places/place_gone.html")
        self.assertContains(response, "ist nicht mehr im Verzeichnis", status_code=410)
        self.assertContains(response, neighbour.get_absolute_url(), status_code=410)
        self.assertContains(response, 'name="robots" content="noindex"', status_code=410)

    def test_unknown_and_draft_entries_stay_404(self):
        assert self.client.get("/orte/gibt-es-nicht/").status_code == 404
        draft = make_place(status=Place.Status.DRAFT)
        assert self.client.get(draft.get_absolute_url()).status_code == 404

    def test_renamed_slug_redirects_permanently(self):
        self.client.force_login(self.editor)
        url = reverse("admin:places_place_change", args=[self.in_altmark.pk])
        data = _form_data(self.client.get(url), slug="elbehof-wahrenberg-aland")
        assert self.client.post(url, data).status_code == 302
        self.client.logout()
        response = self.client.get("/orte/elbehof-wahrenberg/")
        assert response.status_code == 301
        assert response["Location"] == "/orte/elbehof-wahrenberg-aland/"
        assert self.client.get(response["Location"]).status_code == 200

    def test_renaming_back_frees_the_old_slug(self):
        workflow.record_slug_change(self.in_altmark, "alter-name")
        old_slug = self.in_altmark.slug
        self.in_altmark.slug = "alter-name"
        self.in_altmark.save()
        workflow.record_slug_change(self.in_altmark, old_slug)
        assert self.client.get("/orte/alter-name/").status_code == 200
        assert self.client.get(f"/orte/{old_slug}/").status_code == 301
