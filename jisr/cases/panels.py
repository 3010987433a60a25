"""Home panels: "my cases" for centre staff, case counts for coordinators and analysts."""

from __future__ import annotations

from django.db.models import Count, Q

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


def _referrals_received(user) -> dict:
    from jisr.cases.referrals import Referral

    qs = policy.referrals_received_for(user).filter(status__in=Referral.OPEN)
    counts = {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(
        n=Count("pk"))}
    return {"counts": [(s, label, counts.get(s, 0)) for s, label in Referral.Status.choices
                       if s in Referral.OPEN],
            "overdue": qs.filter(Q(overdue_at__isnull=False, status="sent") | Q(
                delivery_overdue_at__isnull=False, status="accepted")).count()}


register(Panel(key="referrals_received", template="cases/referrals/_home_panel.html",
               order=6, applies=lambda user: policy.has_perm(user, "cases.answer_referrals"),
               context=_referrals_received))
from jisr.cases import panels_pathways  # noqa: E402,F401 (its panel registers on import)
