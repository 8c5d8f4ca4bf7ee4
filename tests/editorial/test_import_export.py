import io

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from editorial.resources import PlaceResource
from places import cache
from places.models import Place
from tests.editorial.helpers import MatrixData
from tests.factories import make_category, make_feature


def export_csv(user=None, queryset=None):
    resource = PlaceResource(user=user)
    return resource.export(queryset if queryset is not None else Place.objects.all()).csv


def dataset(csv_text):
    return tablib.Dataset().load(csv_text, format="csv")


class ImportExportTests(MatrixData, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        cls.cafe = make_feature(name="Café", slug="cafe")
        cls.in_altmark.categories.add(cls.living)
        cls.in_altmark.features.add(cls.cafe)

    def test_export_then_import_changes_nothing(self):
        csv_text = export_csv()
        assert "Elbehof Wahrenberg" in csv_text and "Wohnen/Bauen" in csv_text
        before = {p.pk: (p.updated_at, p.teaser) for p in Place.objects.all()}
        versions = Version.objects.count()
        result = PlaceResource().import_data(dataset(csv_text), dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["skip"] == 2 and result.totals["update"] == 0
        assert {p.pk: (p.updated_at, p.teaser) for p in Place.objects.all()} == before
        assert Version.objects.count() == versions

    def test_import_updates_and_creates_by_name_or_slug(self):
        csv_text = export_csv(queryset=Place.objects.filter(pk=self.in_altmark.pk))
        rows = dataset(csv_text)
        row = dict(zip(rows.headers, rows[0], strict=True))
        row["Kurztext"] = "Neuer Kurztext aus dem Landkreis."
        new = dict(row)
        new.update(
            {
                "Kurzname (URL)": "",
                "Name": "Alte Molkerei Stendal",
                "Kategorien": "wohnen-bauen",
                "Merkmale / Angebote": "",
                "Landkreis / kreisfreie Stadt": "landkreis-stendal",
            }
        )
        data = tablib.Dataset(headers=rows.headers)
        data.append([row[h] for h in rows.headers])
        data.append([new[h] for h in rows.headers])
        before = cache.generation()
        result = PlaceResource(user=self.altmark).import_data(data, dry_run=False)
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert result.totals["update"] == 1 and result.totals["new"] == 1
        assert Place.objects.get(pk=self.in_altmark.pk).teaser.startswith("Neuer Kurztext")
        created = Place.objects.get(slug="alte-molkerei-stendal")
        assert created.status == Place.Status.DRAFT
        assert list(created.categories.all()) == [self.living]
        assert cache.generation() != before
        version = Version.objects.get_for_object(created).first()
        assert (
            version.revision.user == self.altmark
            and version.revision.comment == "Import aus einer Tabelle"
        )

    def test_dry_run_in_the_admin_shows_german_row_errors_and_saves_nothing(self):
        rows = dataset(export_csv(queryset=Place.objects.filter(pk=self.in_altmark.pk)))
        row = dict(zip(rows.headers, rows[0], strict=True))
        row.update(
            {
                "Kurzname (URL)": "neuer-ort",
                "Name": "Neuer Ort",
                "Kategorien": "Gibt es nicht",
                "Art des Eintrags": "Schloss",
                "Breitengrad": "60.1",
            }
        )
        data = tablib.Dataset(headers=rows.headers)
        data.append([row[h] for h in rows.headers])
        self.client.force_login(self.editor)
        upload = SimpleUploadedFile("orte.csv", data.csv.encode("utf-8"), "text/csv")
        response = self.client.post(
            reverse("admin:places_place_import"),
            {"import_file": upload, "format": "0", "resource": "0"},
        )
        assert response.status_code == 200
        self.assertContains(response, "„Gibt es nicht“ ist kein Eintrag in „Kategorien“")
        self.assertContains(response, "„Schloss“ ist kein gültiger Wert für „Art des Eintrags“")
        self.assertContains(response, "Der Breitengrad muss zwischen")
        self.assertContains(response, '<span class="validation-error-field-label">Breitengrad')
        assert not Place.objects.filter(slug="neuer-ort").exists()

    def test_admin_import_preview_then_confirm(self):
        rows = dataset(export_csv(queryset=Place.objects.filter(pk=self.in_altmark.pk)))
        row = dict(zip(rows.headers, rows[0], strict=True))
        row.update({"Kurzname (URL)": "kreativhof-kunrau", "Name": "Kreativhof Kunrau"})
        data = tablib.Dataset(headers=rows.headers)
        data.append([row[h] for h in rows.headers])
        self.client.force_login(self.editor)
        upload = SimpleUploadedFile("orte.csv", data.csv.encode("utf-8"), "text/csv")
        preview = self.client.post(
            reverse("admin:places_place_import"),
            {"import_file": upload, "format": "0", "resource": "0"},
        )
        assert preview.status_code == 200
        assert not Place.objects.filter(slug="kreativhof-kunrau").exists()
        confirm = preview.context["confirm_form"]
        response = self.client.post(reverse("admin:places_place_process_import"), confirm.initial)
        assert response.status_code == 302
        assert Place.objects.get(slug="kreativhof-kunrau").status == Place.Status.DRAFT

    def test_regional_rights_on_import(self):
        rows = dataset(export_csv(queryset=Place.objects.filter(pk=self.in_brandenburg.pk)))
        row = dict(zip(rows.headers, rows[0], strict=True))
        row["Kurztext"] = "Geändert aus der Altmark."
        data = tablib.Dataset(headers=rows.headers)
        data.append([row[h] for h in rows.headers])
        result = PlaceResource(user=self.altmark).import_data(data, dry_run=False)
        assert result.has_validation_errors()
        errors = result.invalid_rows[0].error_dict
        assert "nicht zu Ihren Regionen" in str(errors["Landkreis / kreisfreie Stadt"])
        assert Place.objects.get(pk=self.in_brandenburg.pk).teaser != "Geändert aus der Altmark."

    def test_import_command(self):
        path = self.tmp_path("orte.csv")
        path.write_text(export_csv(), encoding="utf-8")
        out = io.StringIO()
        call_command("import_places", str(path), "--dry-run", stdout=out)
        assert "0 neu, 0 geändert, 2 unverändert" in out.getvalue()
        bad = self.tmp_path("kaputt.csv")
        bad.write_text(export_csv().replace("Landkreis Stendal", "Landkreis Nirgendwo"), "utf-8")
        err = io.StringIO()
        with self.assertRaisesMessage(CommandError, "nichts wurde gespeichert"):
            call_command("import_places", str(bad), stderr=err)
        assert "Landkreis Nirgendwo" in err.getvalue()

    def tmp_path(self, name):
        import tempfile
        from pathlib import Path

        directory = Path(tempfile.mkdtemp())
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory / name
