from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import archive


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format; or SQLite's online backup) and the "
        "uploaded media into a new folder under DESTINATION. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder that collects the backups")
        parser.add_argument(
            "--keep", type=int, default=None, help="keep only the N newest backups there"
        )

    def handle(self, *, destination, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            target = archive.create(destination, keep=keep)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {target}")
