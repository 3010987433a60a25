"""Home panel "My pathway steps and follow-ups": the open plan steps the user owns that are
overdue or due within two weeks, and their follow-ups of the coming week (imported by
panels.py, which the home autodiscovers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jisr.accounts import policy
from jisr.cases.pathways import FollowUp, Plan, PlanStep
from jisr.core.panels import Panel, register

SOON_DAYS = 14


def _mine(user) -> dict:
    today = timezone.localdate()
    steps = policy.plan_steps_for(user).filter(
        owner=user, status__in=PlanStep.OPEN, plan__status=Plan.Status.ACTIVE,
        due_date__lte=today + timedelta(days=SOON_DAYS)).select_related(
        "plan__case__person").order_by("due_date", "pk")[:10]
    follow_ups = policy.follow_ups_for(user).filter(
        worker=user, status=FollowUp.Status.SCHEDULED,
        due_date__lte=today + timedelta(days=7)).select_related("case__person").order_by(
        "due_date", "pk")[:10]
    return {"steps": list(steps), "follow_ups": list(follow_ups)}


register(Panel(key="my_pathway_steps", template="cases/pathways/panel_mine.html", order=6,
               applies=lambda user: policy.has_perm(user, "cases.view"), context=_mine))
