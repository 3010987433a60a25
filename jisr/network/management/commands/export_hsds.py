import json
import sys

from django.core.management.base import BaseCommand

from jisr.network import hsds


class Command(BaseCommand):
    help = ("Write the network's services as Open Referral HSDS 3.0 (a JSON array of fully "
            "nested services) to a file, or to standard output with '-'.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the JSON ('-' for standard output).")

    def handle(self, *args, path: str, **options):
        # Streamed record by record (iterator), so a national network does not sit in memory.
        records = (hsds.service_record(o) for o in hsds.exported_offerings().iterator(
            chunk_size=500))
        out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")  # noqa: SIM115
        count = 0
        try:
            out.write("[")
            for count, record in enumerate(records, start=1):
                out.write(("," if count > 1 else "") + "\n" + json.dumps(record,
                                                                         ensure_ascii=False))
            out.write("\n]\n")
        finally:
            if out is not sys.stdout:
                out.close()
        if path != "-":
            self.stderr.write(f"{count} services written to {path}")
