"""``jisr rotate-field-keys``: re-encrypt every sensitive value with the current key.

Run it after putting a new key first in ``JISR_FIELD_KEYS`` (old keys after it); once it
reports success the old keys can be dropped. Safe to interrupt and run again: each batch is
its own transaction and a value already under the current key is simply re-encrypted.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jisr.core import audit
from jisr.core.crypto import UndecryptableValue, encrypted_fields, generate_key, rotate_token

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of JISR_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true",
                            help="Only print a newly generated key (to put first in "
                                 "JISR_FIELD_KEYS) and exit.")

    def handle(self, *args, new_key: bool = False, **options):
        if new_key:
            self.stdout.write(generate_key())
            return
        total = 0
        for model, columns in encrypted_fields():
            count = self._rotate_model(model, columns)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
        audit.record_bulk(actor=None, action="core.field_keys.rotate",
                          object_type="core.encrypted_fields", count=total)
        self.stdout.write(self.style.SUCCESS(f"{total} row(s) re-encrypted with the current "
                                             "key"))

    def _rotate_model(self, model, columns: list[str]) -> int:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        cols = [quote(model._meta.get_field(c).column) for c in columns]
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(pks), BATCH):
            chunk = pks[start:start + BATCH]
            with transaction.atomic():
                # Lock the rows so a concurrent edit is not overwritten by an older value.
                locked = list(model._default_manager.select_for_update().filter(
                    pk__in=chunk).values_list("pk", flat=True))
                if not locked:
                    continue
                marks = ", ".join(["%s"] * len(locked))
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {', '.join(cols)} FROM {table} "  # noqa: S608
                                   f"WHERE {pk} IN ({marks})", locked)
                    rows = cursor.fetchall()
                    for row in rows:
                        try:
                            values = [None if v is None else rotate_token(v) for v in row[1:]]
                        except UndecryptableValue as exc:
                            raise CommandError(f"{model._meta.label} {row[0]}: {exc}")
                        assignments = ", ".join(f"{c} = %s" for c in cols)
                        cursor.execute(f"UPDATE {table} SET {assignments} "  # noqa: S608
                                       f"WHERE {pk} = %s", [*values, row[0]])
                done += len(rows)
        return done
