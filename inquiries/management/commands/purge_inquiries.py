from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inquiries import retention


class Command(BaseCommand):
    help = (
        "Apply the retention period (KREATIVORTE_RETENTION_MONTHS): anonymise inquiries and "
        "remove submitters' contact details received before it; spam is deleted. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be purged."
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete old inquiries instead of anonymising them (loses the statistics).",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=(
                "Retention in months; defaults to KREATIVORTE_RETENTION_MONTHS "
                f"({settings.KREATIVORTE_RETENTION_MONTHS})."
            ),
        )

    def handle(self, *, dry_run, delete, months, **options):
        if months is not None and months < 1:
            raise CommandError("--months must be at least 1.")
        cutoff = retention.retention_cutoff(months=months)
        counts = retention.purge(before=cutoff, dry_run=dry_run, delete=delete)
        prefix = "Would purge" if dry_run else "Purged"
        details = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())
        self.stdout.write(f"{prefix} data received before {cutoff:%Y-%m-%d %H:%M}: {details}")
