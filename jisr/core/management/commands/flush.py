"""Django's ``flush``, which empties every table, including the append-only audit trail.

The triggers are lifted for the duration and re-installed afterwards. The test runner uses this
between browser tests; on a real installation an operator who can run management commands can
also drop triggers by hand, so this opens no door that was closed.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from jisr.core import appendonly


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        appendonly.apply(connection, install=False)
        try:
            return super().handle(**options)
        finally:
            appendonly.apply(connection, install=True)
