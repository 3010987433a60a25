"""``jisr demo``: prepare the embedded database with demo data, then serve it with a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jisr.core import demo


class Command(BaseCommand):
    help = "Migrate, load the demo data, and serve Jisr with one background worker."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help="Only prepare the database and the demo data.")
        parser.add_argument("--persons", type=int, default=None, metavar="N", help=(
            "Generated persons the demo registry holds (default 2000): only the missing "
            "ones are added, so a second run adds nothing."))
        parser.add_argument("--cases", type=int, default=None, metavar="N", help=(
            "Generated cases the demo holds (default 120), at every stage with referrals, "
            "plans, appointments and notes: only the missing ones are added."))
        parser.add_argument("--bind", default=os.environ.get("JISR_BIND", "127.0.0.1:8000"),
                            help="Address to serve on (default 127.0.0.1:8000).")

    def handle(self, *args, no_serve: bool, bind: str, persons: int | None,
               cases: int | None = None, **options):
        if not settings.DEMO:
            raise CommandError("Demo data goes only into a demo installation: set JISR_DEMO=1 "
                               "(the `jisr demo` command does) and use a separate database.")
        if persons is not None and persons < 0:
            raise CommandError("--persons must be 0 or more.")
        if cases is not None and cases < 0:
            raise CommandError("--cases must be 0 or more.")
        call_command("migrate", interactive=False, verbosity=0)
        for name, step in demo.steps():
            counts = step(**self._step_options(persons, cases))
            summary = ", ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"demo {name}: {summary or 'already there'}")
        if no_serve:
            return
        self._banner(bind)
        self._serve(bind)

    def _step_options(self, persons: int | None, cases: int | None = None) -> dict:
        from jisr.registry import demo as registry_demo

        def progress(done: int, total: int) -> None:
            if total >= 100_000:
                self.stdout.write(f"  persons {done:,}/{total:,}")
                self.stdout.flush()

        from jisr.cases import demo as cases_demo

        return {"persons": registry_demo.DEFAULT_PERSONS if persons is None else persons,
                "cases": cases_demo.DEFAULT_CASES if cases is None else cases,
                "progress": progress}

    def _banner(self, bind: str) -> None:
        from jisr.accounts import demo as accounts_demo

        self.stdout.write(self.style.SUCCESS(f"\nJisr is running at http://{bind}/\n"))
        self.stdout.write(f"Demo logins (password for all: {accounts_demo.password()}):")
        for username, role, (first, last), _ar, _scope in accounts_demo.PERSONAS:
            self.stdout.write(f"  {username:<10} {role.label} ({first} {last})")
        self.stdout.write("Administrators and coordinators enrol an authenticator app at their "
                          "first login (two-factor).\nPress Ctrl-C to stop.\n")
        self.stdout.flush()

    def _serve(self, bind: str) -> None:
        jisr = [sys.executable, "-m", "jisr.cli"]
        worker = subprocess.Popen([*jisr, "worker", "--no-startup-delay", "--verbosity", "1"])
        try:
            web = subprocess.Popen([*jisr, "serve", "--bind", bind, "--workers", "2"])
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGINT)
            web.wait()
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
