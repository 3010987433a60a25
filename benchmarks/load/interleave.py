"""Compare two variants of the server's code in one process, request by request: the
pages of ``profile_pages.py``, each asked ``--repeat`` times with the variants taking
turns, so that a machine whose speed drifts from one minute to the next (as the session
machines' do: the same page's CPU moved by a fifth between two runs of
``profile_pages.py``) weighs on both alike. Prints each page's median CPU per variant.

    .venv/bin/python benchmarks/load/interleave.py CHANGE [--repeat 30]

CHANGE names what "before" puts back (``--help`` lists them); "after" is the code as it is.
"""

from __future__ import annotations

import argparse
import gc
import os
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

from django.urls import reverse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import profile_pages  # noqa: E402


def _gc(before: bool) -> None:
    # jisr.wsgi's thresholds against Python's default
    gc.set_threshold(*((700, 10, 10) if before else (10_000, 50, 100)))


def _menu(before: bool) -> None:
    from jisr.core import context_processors, routes

    context_processors.url = reverse if before else routes.url


def _user(before: bool) -> None:
    from jisr.accounts.backends import StaffBackend

    if not hasattr(StaffBackend, "_after"):
        StaffBackend._after = StaffBackend.get_user

        def first(self, user_id):
            user = self._users().filter(pk=user_id).first()
            return user if user is not None and self.user_can_authenticate(user) else None
        StaffBackend._before = first
    StaffBackend.get_user = StaffBackend._before if before else StaffBackend._after


def _referrals(before: bool) -> None:
    from jisr.cases import referral_selectors as sel

    if not hasattr(sel, "_after"):
        sel._after = sel.referrals_of_case

        def annotated(*, user, case):
            from jisr.accounts import policy

            referrals = list(policy.referrals_sent_for(user).filter(case=case).select_related(
                "offering__service", "offering__centre", "offering__partner", "from_centre")
                .only(*sel._OWN_FIELDS, *sel._NAMED).annotate(
                    waiting_position=sel._queue_position()))
            for referral in referrals:
                referral.case = case
            return referrals
        sel._before = annotated
    sel.referrals_of_case = sel._before if before else sel._after


CHANGES = {"gc": _gc, "menu": _menu, "user": _user, "referrals": _referrals}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("change", choices=[*CHANGES, "all"])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    switches = list(CHANGES.values()) if args.change == "all" else [CHANGES[args.change]]
    pages = profile_pages.pages()
    totals = {True: 0.0, False: 0.0}
    print(f"{'page':24} {'before ms':>10} {'after ms':>9}")
    for name, user, path in pages:
        client = profile_pages.client_for(name, user)
        cpu = {True: [], False: []}
        for i in range(2 * args.repeat + 2):
            before = i % 2 == 0
            for switch in switches:
                switch(before)
            start = time.process_time()
            assert client.get(path).status_code == 200, (name, path)
            if i >= 2:  # one warm-up each
                cpu[before].append((time.process_time() - start) * 1000)
        medians = {k: statistics.median(v) for k, v in cpu.items()}
        for k in totals:
            totals[k] += medians[k]
        print(f"{name:24} {medians[True]:10.1f} {medians[False]:9.1f}")
    print(f"{'sum of medians':24} {totals[True]:10.1f} {totals[False]:9.1f} "
          f"({100 * (totals[False] / totals[True] - 1):+.1f} %)")


if __name__ == "__main__":
    main()
