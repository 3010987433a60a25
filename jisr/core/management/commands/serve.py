"""``jisr serve``: the production web server (gunicorn) with settings from the environment."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand

from jisr.env import env_int


class Command(BaseCommand):
    help = "Serve Jisr over HTTP with gunicorn (static files included)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("JISR_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=env_int("JISR_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1,
                                            minimum=1))
        parser.add_argument("--threads", type=int,
                            default=env_int("JISR_WEB_THREADS", 1, minimum=1))

    def handle(self, *args, bind, workers, threads, **options):
        argv = [sys.executable, "-m", "gunicorn", "jisr.wsgi:application", "--bind", bind,
                "--workers", str(workers), "--threads", str(threads),
                "--access-logfile", "-", "--timeout", "60", "--graceful-timeout", "20"]
        # Replace this process: signals (Ctrl-C, systemd's TERM) then reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
