"""Time the pages of the load benchmark in-process, one at a time, to see where a request's
time goes (benchmarks/README.md, "Load"): wall time, the application's CPU time, number of
queries, time in the database and CPU time the ORM spends writing the SQL of its SELECTs
per page (``SQLCompiler.as_sql``; writes and aggregates have compilers of their own), and
optionally the Python functions that cost most (``--profile PAGE``, ``--dump FILE`` to keep
them for ``pstats``) and the queries of one page with their times (``--queries PAGE``).

Run with the app's environment (``DATABASE_URL`` of a loaded database)::

    .venv/bin/python benchmarks/load/profile_pages.py [--repeat 20] [--profile PAGE]

It logs in (without hashing a password) as a social worker, a reception officer and the
manager of the busiest centre, as ``prepare.py`` chooses them, and requests each page the
locustfile opens; the figures are medians over ``--repeat`` requests after one warm-up.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.settings")
os.environ.setdefault("JISR_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.sql import compiler  # noqa: E402
from django.test import Client  # noqa: E402

from jisr.accounts.models import User  # noqa: E402
from jisr.accounts.roles import Role  # noqa: E402
from jisr.cases.models import Case, Stage  # noqa: E402


class CompileTimer:
    """CPU time spent by the ORM writing the SQL of SELECTs (``SQLCompiler.as_sql``,
    outermost calls only): the part of a page's queries that is Python, not the database."""

    def __init__(self):
        self.seconds = 0.0
        self._depth = 0
        self._original = compiler.SQLCompiler.as_sql
        timer = self

        def as_sql(self, *args, **kwargs):
            if timer._depth:
                return timer._original(self, *args, **kwargs)
            timer._depth += 1
            start = time.process_time()
            try:
                return timer._original(self, *args, **kwargs)
            finally:
                timer.seconds += time.process_time() - start
                timer._depth -= 1

        compiler.SQLCompiler.as_sql = as_sql


class QueryTimer:
    def __init__(self, keep: bool = False):
        self.count = 0
        self.seconds = 0.0
        self.queries: list[tuple[float, str]] | None = [] if keep else None

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.seconds += elapsed
            self.count += 1
            if self.queries is not None:
                self.queries.append((elapsed * 1000, sql))


def pages() -> list[tuple[str, User, str]]:
    """(name, user, path) of each page the locustfile opens, at the busiest centre: its
    social worker, reception officer and manager, a listened case and one in a pathway."""
    centre = (Case.objects.exclude(stage=Stage.CLOSED).values("lead_centre_id")
              .annotate(n=Count("id")).order_by("-n").values_list("lead_centre_id", flat=True)
              .first())
    staff = {role: User.objects.filter(role=role, centre_id=centre, is_active=True)
             .order_by("id").first()
             for role in (Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER, Role.CENTRE_MANAGER)}
    worker = staff[Role.SOCIAL_WORKER]
    case = (Case.objects.filter(lead_centre_id=centre, stage=Stage.LISTENED)
            .order_by("-id").values_list("id", flat=True).first())
    # a case in its pathway: the page has the pathway's panels and the follow-up box
    in_pathway = (Case.objects.filter(lead_centre_id=centre, stage=Stage.IN_PATHWAY)
                  .order_by("-id").values_list("id", flat=True).first())
    print(f"centre {centre}, case {case}")
    return [
        ("my work", worker, "/cases/work/"),
        ("centre queues", worker, "/cases/work/queues/"),
        ("case list", worker, "/cases/?stage="),
        ("case list listened", worker, "/cases/?stage=listened"),
        ("case page", worker, f"/cases/{case}/"),
        ("case page, manager", staff[Role.CENTRE_MANAGER], f"/cases/{case}/"),
        ("case in pathway, manager", staff[Role.CENTRE_MANAGER], f"/cases/{in_pathway}/"),
        ("referral form", worker, f"/cases/{case}/referrals/new/"),
        ("appointment form", worker, f"/cases/{case}/appointments/"),
        ("registry search", staff[Role.RECEPTION_OFFICER], "/registry/?name=Fatima+Alaoui"),
        ("activity figures", staff[Role.CENTRE_MANAGER], "/reports/"),
    ]


def client_for(name: str, user: User, language: str = "ar") -> Client:
    """A test client signed in as ``user``, asking as the locustfile asks for page ``name``
    (the forms are drawn into the case page by htmx)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language, SERVER_NAME="127.0.0.1",
                    HTTP_HX_REQUEST="true" if name.endswith(" form") else None)
    client.force_login(user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", help="page name to run under cProfile")
    parser.add_argument("--language", default="ar")
    parser.add_argument("--dump", help="write the profile to this file (for pstats)")
    parser.add_argument("--queries", help="page name whose queries to list (time, SQL)")
    args = parser.parse_args()
    pages_ = pages()
    print(f"{args.repeat} requests a page after one warm-up")
    print(f"{'page':24} {'median ms':>10} {'p90 ms':>8} {'cpu ms':>7} {'queries':>8} "
          f"{'db ms':>7} {'sql build ms':>12}")
    compiling = CompileTimer()
    for name, user, path in pages_:
        client = client_for(name, user, args.language)
        assert client.get(path).status_code == 200, (name, path)
        walls, cpus, dbs, counts, builds = [], [], [], [], []
        profiler = cProfile.Profile() if args.profile == name else None
        for _ in range(args.repeat):
            timer = QueryTimer()
            compiling.seconds = 0.0
            with connection.execute_wrapper(timer):
                start, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                client.get(path)
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - start) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            dbs.append(timer.seconds * 1000)
            builds.append(compiling.seconds * 1000)
            counts.append(timer.count)
        walls.sort()
        print(f"{name:24} {statistics.median(walls):10.1f} "
              f"{walls[int(len(walls) * 0.9) - 1]:8.1f} {statistics.median(cpus):7.1f} "
              f"{statistics.median(counts):8.0f} "
              f"{statistics.median(dbs):7.1f} {statistics.median(builds):12.1f}")
        if args.queries == name:
            timer = QueryTimer(keep=True)
            with connection.execute_wrapper(timer):
                client.get(path)
            for ms, sql in timer.queries:
                print(f"  {ms:6.1f} ms  {sql[:300]}")
        if profiler and args.dump:
            profiler.dump_stats(args.dump)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(
                os.environ.get("PROFILE_FILTER", ""), 45)


if __name__ == "__main__":
    main()
