"""Pathway plans and follow-ups of the shared persona world (jisr/testing/personas.py).

The Marrakech case gets a women's economic empowerment plan (first step done, the second
overdue) and a scheduled follow-up; the Oujda case (the outsider's centre) the same. They are
built directly, not through the services, so the cases keep the stage the other tests
expect (*received*); the route walks then cover plans in and out of each persona's scope,
and the done first steps refuse every change the walks post (409).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def add_plans(world) -> None:
    from jisr.cases.default_pathways import seed_current
    from jisr.cases.pathway_services import _build_plan
    from jisr.cases.pathways import FollowUp, PathwayTemplate, PlanStep

    # The migration publishes them, but browser tests empty the database between tests.
    seed_current()
    template = PathwayTemplate.objects.get(code="women-economic-empowerment",
                                           status=PathwayTemplate.Status.PUBLISHED)
    today = timezone.localdate()
    for name, user in (("marrakech", "youssef"), ("oujda", "karim")):
        actor, case = world.users[user], world.cases[name]
        plan = _build_plan(actor=actor, case=case, template=template,
                           started_on=today - timedelta(days=200))
        first = plan.steps.order_by("order").first()
        PlanStep.objects.filter(pk=first.pk).update(
            status=PlanStep.Status.DONE, outcome="certified", completed_by=actor,
            completed_at=timezone.now())
        world.plans[name] = plan
        world.plan_steps[name] = first
        world.follow_ups[name] = FollowUp.objects.create(
            case=case, plan=plan, kind=FollowUp.Kind.CALL, due_date=today + timedelta(days=7),
            worker=actor, scheduled_by=actor)
