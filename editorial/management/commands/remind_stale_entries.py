from django.core.management.base import BaseCommand

from editorial.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Mail each regional editor the entries in their regions that nobody has checked for "
        "KREATIVORTE_STALE_MONTHS months (or never). Run it weekly or monthly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")

    def handle(self, *args, dry_run, **options):
        sent = send_reminders(dry_run=dry_run)
        for user, count in sent:
            self.stdout.write(f"{user.username} <{user.email}>: {count} entries")
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{len(sent)} reminder mails {verb}.")
