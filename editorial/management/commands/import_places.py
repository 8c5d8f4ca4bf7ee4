from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from import_export.formats.base_formats import CSV, XLSX

from editorial.resources import PlaceResource

FORMATS = {".csv": CSV, ".xlsx": XLSX}


class Command(BaseCommand):
    help = (
        "Import entries from a CSV or XLSX file with the columns of the admin's export. Rows are "
        "matched by 'Kurzname (URL)'; new rows become drafts. Nothing is saved if any row has an "
        "error. --user applies that editor's regional rights and names them in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only, save nothing.")
        parser.add_argument("--user", help="User name of the importing editor.")

    def handle(self, *args, path, dry_run, user, **options):
        format_class = FORMATS.get(path.suffix.lower())
        if format_class is None:
            raise CommandError("Die Datei muss auf .csv oder .xlsx enden.")
        if not path.exists():
            raise CommandError(f"Die Datei {path} gibt es nicht.")
        editor = None
        if user:
            editor = get_user_model().objects.filter(username=user).first()
            if editor is None:
                raise CommandError(f"Unbekannter Benutzer: {user}")
        file_format = format_class()
        mode = "r" if file_format.is_binary() is False else "rb"
        with path.open(mode, **({"encoding": "utf-8-sig"} if mode == "r" else {})) as fh:
            dataset = file_format.create_dataset(fh.read())
        resource = PlaceResource(user=editor)
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=True, raise_errors=False)
            if result.has_errors() or result.has_validation_errors():
                self.report_errors(result)
                raise CommandError("Import abgebrochen: nichts wurde gespeichert.")
        if not dry_run:
            result = resource.import_data(dataset, dry_run=False, use_transactions=True)
        totals = result.totals
        self.stdout.write(
            ("Probelauf" if dry_run else "Import")
            + f": {totals['new']} neu, {totals['update']} geändert, "
            f"{totals['skip']} unverändert."
        )

    def report_errors(self, result):
        for row in result.invalid_rows:
            for field, messages in row.error_dict.items():
                for message in messages:
                    self.stderr.write(f"Zeile {row.number}: {field}: {message}")
        for number, errors in result.row_errors():
            for error in errors:
                self.stderr.write(f"Zeile {number}: {error.error}")
