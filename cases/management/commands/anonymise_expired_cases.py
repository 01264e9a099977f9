"""Run the retention task by hand: ``manage.py anonymise_expired_cases [--dry-run]``."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.services.retention import anonymise_expired_cases


class Command(BaseCommand):
    help = "Anonymise cases closed longer than RETENTION_MONTHS ago (the nightly task, now)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the cases that are due.")

    def handle(self, *args, dry_run: bool = False, **options):
        run = anonymise_expired_cases(dry_run=dry_run)
        months = settings.RETENTION_MONTHS
        if dry_run:
            self.stdout.write(f"{run.due} case(s) closed more than {months} months ago are due for anonymisation.")
        else:
            self.stdout.write(f"{run.anonymised} case(s) anonymised (closed more than {months} months ago).")
