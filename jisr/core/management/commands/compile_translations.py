from django.core.management.base import BaseCommand

from jisr.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile the .po translation catalogues into .mo files (no gettext needed)."

    def handle(self, *args, **options):
        for path in compile_catalogues():
            self.stdout.write(f"compiled {path}")
