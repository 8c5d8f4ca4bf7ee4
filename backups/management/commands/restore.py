from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups import archive


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and an empty media folder, then check "
        "that every table has as many rows and the media as many files as when it was taken. "
        "Test a restore with --database-url and --media-root pointing somewhere new."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="a folder written by manage.py backup")
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL"
        )
        parser.add_argument(
            "--media-root", type=Path, help="restore media here instead of DJANGO_MEDIA_ROOT"
        )

    def handle(self, *, backup, database_url, media_root, **options):
        if not (backup / archive.MANIFEST).is_file():
            raise CommandError(f"{backup} is no complete backup (no {archive.MANIFEST}).")
        try:
            differences = archive.restore(backup, database_url=database_url, media_root=media_root)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        if differences:
            raise CommandError(
                "Restored, but it differs from the backup:\n" + "\n".join(differences)
            )
        self.stdout.write(f"Restored {backup}: every table and media file is back.")
