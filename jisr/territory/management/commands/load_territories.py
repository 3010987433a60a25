from django.core.management.base import BaseCommand

from jisr.territory.services import territories_load


class Command(BaseCommand):
    help = "Load or refresh Morocco's regions, provinces and communes (idempotent)."

    def handle(self, *args, **options):
        for name, (created, updated) in territories_load().items():
            self.stdout.write(f"{name}: {created} created, {updated} updated")
