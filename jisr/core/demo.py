"""The demo generator: each app contributes a step; ``jisr demo`` runs them in order.

Steps are idempotent (a second run adds nothing) and use bulk operations with one audit entry
per bulk operation, so later steps (persons, cases) can add millions of rows in minutes.
"""

from __future__ import annotations

from collections.abc import Callable


def steps() -> list[tuple[str, Callable[..., dict]]]:
    from jisr.accounts import demo as accounts_demo
    from jisr.cases import demo as cases_demo
    from jisr.cases.default_pathways import seed_current as seed_pathways
    from jisr.cases.default_questionnaire import seed_current as seed_questionnaire
    from jisr.network import demo as network_demo
    from jisr.registry import demo as registry_demo
    from jisr.territory.services import territories_load

    return [
        ("territories", lambda **o: {k: c for k, (c, _u) in territories_load().items()}),
        ("network", lambda **o: network_demo.build()),
        ("staff", lambda **o: accounts_demo.build()),
        ("questionnaire", lambda **o: {"questionnaires": int(seed_questionnaire())}),
        ("pathways", lambda **o: {"pathway templates": seed_pathways()}),
        ("persons", lambda **o: registry_demo.build(
            persons=o.get("persons", registry_demo.DEFAULT_PERSONS),
            progress=o.get("progress"))),
        ("duplicates", lambda **o: _scan_duplicates()),
        ("cases", lambda **o: cases_demo.build(cases=o.get("cases", cases_demo.DEFAULT_CASES))),
        # Last: the activity figures of everything the steps above back-dated.
        ("figures", lambda **o: {"activity figures": _refresh_figures()}),
    ]


def _refresh_figures() -> int:
    from jisr.reports.aggregates import kpis_refresh

    return kpis_refresh(full=True).cells


def _scan_duplicates() -> dict:
    """Fill the review queue with the planted duplicates: a scan when persons were added
    since the last one (the first run, or a larger ``--persons``), none otherwise."""
    from jisr.registry import review
    from jisr.registry.models import DuplicateScan, Person

    last = DuplicateScan.objects.filter(status=DuplicateScan.Status.DONE).order_by("-pk").first()
    persons = Person.objects.filter(merged_into=None).count()
    if last is not None and last.persons == persons:
        return {}
    scan = review.duplicate_scan_start(actor=None, background=False)
    scan = review.duplicate_scan_run(scan_id=scan.pk)
    return {"persons compared": scan.persons, "pairs to review": scan.pairs_new}
