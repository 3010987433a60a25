"""``{% pathway_panels case %}``: the "Pathways" and "Follow-ups" panels of the case page,
read through the pathway selectors with the page's user, so the case page's view needs no
change."""

from __future__ import annotations

from django import template

from jisr.accounts import policy
from jisr.cases import pathway_selectors as sel
from jisr.cases import pathway_services as svc
from jisr.cases.forms_pathways import FollowUpRecordForm, PlanCreateForm
from jisr.cases.models import Stage

register = template.Library()


def plan_context(user, plan, *, error: str = "", page: bool = False, manage=None) -> dict:
    """What the plan block shows: its steps, and the actions the user may take on each (the
    plan's managers every action, a step's owner completing their step)."""
    manage = svc.can_manage(user, plan.case) if manage is None else manage
    steps = list(plan.steps.all())
    first_open = next((s for s in steps if s.is_open), None)
    owner_form = None
    if page and manage and plan.is_active:
        from jisr.accounts.forms import staff_label
        from jisr.cases.forms_pathways import owner_queryset

        # each open step has a select of them: their labels are written once
        owner_form = [(u.pk, staff_label(u)) for u in owner_queryset(user, plan.case)]
    rows = [{"step": s, "in_turn": s is first_open and plan.is_active
             and not plan.case.is_closed,
             "can_act": (manage or s.owner_id == user.pk)} for s in steps]
    return {"plan": plan, "rows": rows, "manage": manage and plan.is_active
            and not plan.case.is_closed, "error": error, "page": page, "owners": owner_form,
            "last": len(steps)}


@register.inclusion_tag("cases/pathways/_case_panels.html", takes_context=True)
def pathway_panels(context, case) -> dict:
    user = context["request"].user
    plans = sel.case_plans(user=user, case=case)
    manage = svc.can_manage(user, case) and not case.is_closed
    can_plan = svc.can_plan(user, case)
    return {
        "case": case, "manage": manage, "csrf_token": context.get("csrf_token"),
        "request": context["request"],
        "blocks": [plan_context(user, p, manage=manage) for p in plans],
        # "Start a pathway plan" is open on a case without a plan; on one with plans it is
        # folded, and its form drawn when opened (views_pathways.plan_create)
        "plan_form": PlanCreateForm(templates=sel.published_templates(user=user), initial={
            "expected_stage": case.stage}) if can_plan and not plans else None,
        "plan_form_later": can_plan and bool(plans),
        "follow_ups": sel.case_follow_ups(user=user, case=case),
        # its form, with the centre's workers, is drawn when opened (views_pathways)
        "schedule_follow_up": can_plan,
        "record_form": FollowUpRecordForm(),
        "can_record": policy.has_perm(user, "cases.view"),
        "offer_follow_up": manage and policy.has_perm(user, "cases.transition")
        and svc.ready_for_follow_up(case, plans),
        "follow_up_stage": Stage.FOLLOW_UP,
    }
