from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from editorial import history, workflow
from places.models import Place, PlaceImage
from tests.editorial.helpers import MatrixData
from tests.editorial.test_permissions import _form_data
from tests.factories import make_image, make_place


class HistoryTests(MatrixData, TestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def change(self, place, **overrides):
        url = reverse("admin:places_place_change", args=[place.pk])
        response = self.client.get(url)
        return self.client.post(url, _form_data(response, **overrides))

    def versions(self, place):
        return Version.objects.get_for_object_reference(Place, place.pk).count()

    def test_a_save_that_changes_nothing_records_nothing(self):
        place = self.in_altmark
        assert self.change(place, teaser="Ein Fährgasthof an der Elbe.").status_code == 302
        count = self.versions(place)
        assert count == 1
        updated = Place.objects.get(pk=place.pk).updated_at
        assert self.change(place).status_code == 302
        assert self.versions(place) == count
        assert Place.objects.get(pk=place.pk).updated_at == updated

    def test_a_browser_posting_the_unchanged_form_records_nothing(self):
        """Browsers send text areas with CRLF line endings; that is no change either."""
        from tests.places.admin_forms import change_form_data

        place = self.in_altmark
        url, data = change_form_data(self.client, place, teaser="Zeile eins.")
        self.client.post(url, data)
        count = self.versions(place)
        url, data = change_form_data(self.client, place)
        assert self.client.post(url, data).status_code == 302
        assert self.versions(place) == count

    def test_history_page_shows_who_changed_what(self):
        place = self.in_altmark
        self.change(place, teaser="Erster Kurztext.")
        self.change(place, teaser="Zweiter Kurztext.", locality="Aland")
        response = self.client.get(reverse("admin:places_place_history", args=[place.pk]))
        assert response.status_code == 200
        latest = response.context["diffs"][0]
        changed = {change.label: (change.old, change.new) for change in latest.changes}
        assert changed["Kurztext"] == ("Erster Kurztext.", "Zweiter Kurztext.")
        assert changed["Gemeinde / Stadt"] == ("Kalbe (Milde)", "Aland")
        assert latest.revision.user == self.editor
        self.assertContains(response, "<del>Erster Kurztext.</del>")

    def test_photos_are_part_of_the_history(self):
        place = self.in_altmark
        self.change(place, teaser="Mit Foto.")
        image = make_image(place, alt_text="Der Fährgasthof")
        workflow.archive(place, user=self.editor)
        latest = history.diffs(place.pk)[0]
        assert any("hinzugefügt: Der Fährgasthof" in change.new for change in latest.changes)
        image.delete()
        workflow.restore(place, user=self.editor)
        latest = history.diffs(place.pk)[0]
        assert any(change.new == "entfernt" for change in latest.changes)

    def test_restore_an_earlier_version(self):
        place = self.in_altmark
        self.change(place, teaser="Der gute Text.")
        self.change(place, teaser="Ein Versehen.")
        good = history.versions_of(place.pk)[1]
        url = reverse("admin:places_place_restore", args=[place.pk, good.pk])
        assert self.client.get(url).status_code == 200
        response = self.client.post(url)
        assert response.status_code == 302
        assert Place.objects.get(pk=place.pk).teaser == "Der gute Text."
        newest = history.versions_of(place.pk)[0]
        assert "wiederhergestellt" in newest.revision.comment

    def test_recover_a_deleted_entry_with_its_vocabulary(self):
        place = self.in_brandenburg
        categories = set(place.categories.values_list("pk", flat=True))
        delete = reverse("admin:places_place_delete", args=[place.pk])
        assert self.client.post(delete, {"post": "yes"}).status_code == 302
        assert not Place.objects.filter(pk=place.pk).exists()
        recover_list = self.client.get(reverse("admin:places_place_recoverlist"))
        self.assertContains(recover_list, "Coconat")
        version = recover_list.context["deleted"][0]
        url = reverse("admin:places_place_recover", args=[version.pk])
        assert self.client.get(url).status_code == 200
        assert self.client.post(url).status_code == 302
        recovered = Place.objects.get(pk=place.pk)
        assert recovered.name == "Coconat"
        assert set(recovered.categories.values_list("pk", flat=True)) == categories

    def test_regional_editor_sees_only_their_regions_deleted_entries(self):
        for place in (self.in_altmark, self.in_brandenburg):
            history.snapshot_before_delete(place, user=self.admin)
            place.delete()
        self.client.force_login(self.altmark)
        response = self.client.get(reverse("admin:places_place_recoverlist"))
        names = [version.object_repr for version in response.context["deleted"]]
        assert names == ["Elbehof Wahrenberg"]
        other = Version.objects.get_deleted(Place).get(object_repr="Coconat")
        url = reverse("admin:places_place_recover", args=[other.pk])
        assert self.client.post(url).status_code == 403
        assert not Place.objects.filter(name="Coconat").exists()

    def test_photo_files_of_a_deleted_entry_are_removed(self):
        place = make_place()
        image = make_image(place)
        from places.images import make_renditions

        big = make_image(place, image=_big_png())
        make_renditions(big)
        big.refresh_from_db()
        names = [image.image.name, big.image.name, *big.renditions.values()]
        storage = image.image.storage
        assert big.renditions and all(storage.exists(name) for name in names)
        with self.captureOnCommitCallbacks(execute=True):
            place.delete()
        assert not any(storage.exists(name) for name in names)
        assert not PlaceImage.objects.filter(pk__in=[image.pk, big.pk]).exists()

    def test_a_replaced_photo_file_is_removed(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.images import png_bytes

        image = make_image(make_place())
        old_name = image.image.name
        storage = image.image.storage
        with self.captureOnCommitCallbacks(execute=True):
            image.image = SimpleUploadedFile("neu.png", png_bytes(), "image/png")
            image.save()
        assert not storage.exists(old_name)
        assert storage.exists(image.image.name)


def _big_png():
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    output = BytesIO()
    Image.new("RGB", (900, 600), (40, 120, 60)).save(output, format="PNG")
    return SimpleUploadedFile("gross.png", output.getvalue(), "image/png")
