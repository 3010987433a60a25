"""``jisr find-duplicates``: run a batch duplicate scan of the registry now, in this process,
with a progress bar; the pairs found join the review queue (docs/registry.md)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from jisr.core.exceptions import DomainError
from jisr.matching.cli import ProgressBar
from jisr.registry import review
from jisr.registry.models import DuplicateScan


class Command(BaseCommand):
    help = "Find possible duplicates in the whole registry and add them to the review queue."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None,
                            help="Processes comparing pairs (default: by registry size).")

    def handle(self, *args, workers=None, **options):
        try:
            scan = review.duplicate_scan_start(actor=None, background=False)
        except DomainError as exc:
            raise CommandError(str(exc.message))
        bar = ProgressBar(sys.stderr, sys.stderr.isatty())
        scan = review.duplicate_scan_run(scan_id=scan.pk, workers=workers, progress=bar)
        if scan.status != DuplicateScan.Status.DONE:
            raise CommandError(f"scan {scan.pk} failed: {scan.error}")
        self.stdout.write(f"scan {scan.pk}: {scan.persons} persons, {scan.pairs_found} pairs "
                          f"found, {scan.pairs_new} new in the review queue")
