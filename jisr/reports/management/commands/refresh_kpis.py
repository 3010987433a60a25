"""``jisr refresh-kpis``: bring the centres' activity figures up to date now, in this process
(the workers do it every quarter of an hour; ``--full`` recomputes every month, e.g. after
loading back-dated demo cases). docs/reports.md."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jisr.reports import aggregates


class Command(BaseCommand):
    help = "Recompute the centres' activity figures (KPIs) from the case timelines."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Recompute every month, not only those since the last run.")

    def handle(self, *args, full=False, **options):
        refresh = aggregates.kpis_refresh(full=full)
        self.stdout.write(f"{refresh.cells} figures written in {refresh.seconds:.1f} s "
                          f"({'all months' if refresh.full else f'from {refresh.from_month}'})")
