"""Home panels: "my cases" for centre staff, case counts for coordinators and analysts."""

from __future__ import annotations

from jisr.accounts import policy
from jisr.cases import selectors
from jisr.cases.models import Stage
from jisr.core.panels import Panel, register


def _my_cases(user) -> dict:
    qs = selectors.case_list(user=user).exclude(stage=Stage.CLOSED)
    mine = qs.filter(assigned_to=user)
    return {"cases": list((mine if mine.exists() else qs)[:8]), "mine": mine.exists(),
            "appointments": list(selectors.appointment_list(user=user).filter(
                worker=user)[:5]),
            "waiting": selectors.transfers_waiting(user=user).count()}


def _counts(user) -> dict:
    return {"rows": selectors.case_counts(user=user), "stages": [
        s.label for s in Stage if s != Stage.CLOSED], "small": selectors.SMALL_CELL}


register(Panel(key="my_cases", template="cases/panels/my_cases.html", order=5,
               applies=lambda user: policy.has_perm(user, "cases.view"),
               context=_my_cases))
register(Panel(key="case_counts", template="cases/panels/case_counts.html", order=20,
               applies=lambda user: policy.has_perm(user, "cases.view_aggregates"),
               context=_counts))

from jisr.cases import panels_pathways  # noqa: E402,F401 (its panel registers on import)
