from django.core.management.base import BaseCommand, CommandError

from inquiries import notifications


class Command(BaseCommand):
    help = (
        "Send editor notifications that failed, or that were never sent because the process "
        "ended between saving and sending. Run it from cron, e.g. every 15 minutes; it exits "
        "with an error while notifications still fail, so that monitoring notices."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be sent.")

    def handle(self, *, dry_run, verbosity, **options):
        total_sent = total_failed = 0
        for kind, model in notifications.RECORD_MODELS.items():
            pks = list(notifications.overdue(model).values_list("pk", flat=True))
            if dry_run:
                self.stdout.write(f"{kind}: {len(pks)} due ({', '.join(map(str, pks)) or '-'})")
                continue
            sent, failed = notifications.resend(model, pks)
            total_sent += sent
            total_failed += failed
            if verbosity:
                self.stdout.write(f"{kind}: {sent} sent, {failed} failed")
        if total_failed:
            raise CommandError(
                f"{total_failed} notification(s) still failing; see the admin for the errors."
            )
