"""``jisr import FILE --centre CODE --source NAME [--dry-run]``: import persons and
households from a CSV or XLSX file, with a progress bar on standard error.

Run the same command again after an interruption (even ``kill -9``): it resumes the
unfinished run of the same file at the first row not committed. Run it again after it has
finished: every row is recognised as already imported and nothing is added.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from jisr.core import context
from jisr.core.exceptions import DomainError
from jisr.imports import services
from jisr.imports.fields import FIELD_NAMES
from jisr.imports.messages import message
from jisr.imports.models import ImportRun


class Progress:
    """A one-line bar on a terminal, a line every few seconds in a log."""

    def __init__(self, stream, *, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.first_cursor = None
        self.last = 0.0

    def __call__(self, run: ImportRun, *, final: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if self.first_cursor is None:
            self.first_cursor = run.cursor
        if not final and not self.tty and now - self.last < 5:
            return
        self.last = now
        total = run.total_rows or 0
        done = run.cursor
        share = done / total if total else 0
        elapsed = max(now - self.started, 1e-6)
        speed = (done - (self.first_cursor or 0)) / elapsed
        bar = "#" * int(share * 30)
        line = (f"[{bar:<30}] {share * 100:5.1f}% {done}/{total} rows  {speed:,.0f} rows/s  "
                f"created {run.created}  already registered {run.matched}  "
                f"refused {run.invalid}")
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _mapping(values: list[str]) -> dict[str, str]:
    mapping = {}
    for item in values:
        header, sep, field = item.rpartition("=")
        if not sep or not header:
            raise CommandError(f"--mapping expects HEADER=FIELD, not {item!r}")
        if field and field not in FIELD_NAMES:
            raise CommandError(f"unknown field {field!r}; fields: {', '.join(sorted(FIELD_NAMES))}")
        mapping[header] = field
    return mapping


class Command(BaseCommand):
    help = ("Import persons and households from a CSV or XLSX file for a centre; resumable "
            "and idempotent (see docs/imports.md).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--centre", required=True, help="The importing centre's code.")
        parser.add_argument("--source", required=True,
                            help="The source's name (created at its first import; its column "
                                 "mapping is saved and reused).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check everything and write the report, but register no one.")
        parser.add_argument("--mapping", action="append", default=[], metavar="HEADER=FIELD",
                            help="Map a column (repeatable; FIELD empty to ignore a column). "
                                 "Completes the source's saved mapping and the guess.")
        parser.add_argument("--user", help="Username of the centre manager the import is "
                                           "recorded for (default: none, an operator's import).")
        parser.add_argument("--encoding", default="",
                            help="The CSV's encoding when the guess is wrong (utf-8, cp1256, "
                                 "cp1252, latin-1…).")
        parser.add_argument("--delimiter", default="", help="The CSV's delimiter when the "
                                                            "guess is wrong.")
        parser.add_argument("--chunk-size", type=int, default=0,
                            help="Rows committed together (default JISR_IMPORT_CHUNK_ROWS).")
        parser.add_argument("--workers", type=int, default=1,
                            help="Processes that parse and normalise the rows ahead of the "
                                 "one that compares and writes them (default 1: all in one "
                                 "process); 2 or more for large files on a machine with "
                                 "cores to spare.")
        parser.add_argument("--pause", type=float, default=0.0,
                            help="Seconds to wait between chunks, to leave a busy database "
                                 "room for others.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument("--language", default="en", choices=("ar", "fr", "en"),
                            help="Language of the messages (default en).")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(**options)

    def _handle(self, **options):
        from jisr.accounts.models import User
        from jisr.network.models import Centre

        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        centre = Centre.objects.filter(code=options["centre"]).select_related(
            "commune__province").first()
        if centre is None:
            raise CommandError(f"no centre with the code {options['centre']!r}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {options['user']!r}")
        mapping = _mapping(options["mapping"])
        with context.acting(actor_id=getattr(actor, "pk", None), channel="cli"):
            try:
                run, resumed = services.import_run_prepare_file(
                    actor=actor, centre=centre, source_name=options["source"], path=path,
                    dry_run=options["dry_run"], mapping=mapping, encoding=options["encoding"],
                    delimiter=options["delimiter"])
            except DomainError as exc:
                details = [m for msgs in exc.fields.values() for m in msgs]
                raise CommandError(" ".join([str(exc.message), *map(str, details)]))
            if resumed:
                self.stderr.write(f"resuming run {run.pk} at row {run.cursor + 2}")
            else:
                self.stderr.write(f"run {run.pk}: {run.file_format}"
                                  + (f", {run.encoding}, delimiter {run.delimiter!r}"
                                     if run.file_format == "csv" else "")
                                  + (" (dry run)" if run.dry_run else ""))
                for header, field in run.mapping.items():
                    self.stderr.write(f"  {header} -> {field or '(ignored)'}")
            progress = Progress(sys.stderr, quiet=options["quiet"])
            result = services.import_run_execute(
                run_id=run.pk, opener=lambda: path.open("rb"), take_over=True,
                chunk_size=options["chunk_size"] or None, progress=progress,
                pause=options["pause"], workers=options["workers"])
        if result is None:
            raise CommandError(f"run {run.pk} is being run by another process")
        progress(result, final=True)
        if result.status == ImportRun.Status.FAILED:
            raise CommandError(message(result.error))
        self.stdout.write(
            f"run {result.pk} {'dry run ' if result.dry_run else ''}finished: "
            f"{result.cursor} rows, {result.created} created, {result.matched} already "
            f"registered, {result.possible_duplicates} possible duplicates, "
            f"{result.duplicates_in_file} duplicates within the file, {result.invalid} "
            f"refused, {result.already_imported} already imported, "
            f"{result.households_created} households created")
