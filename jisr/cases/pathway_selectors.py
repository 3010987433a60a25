"""Reads of pathway templates, plans and follow-ups. Plans and follow-ups start from the
access policy (plans_for, follow_ups_for: the cases the user reads); the builder's reads
need ``cases.manage_pathway_templates``; published templates are read by whoever builds
plans."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.cases.pathways import FollowUp, PathwayTemplate, Plan, PlanStep, TemplateStep
from jisr.core.queries import named
from jisr.territory.models import BilingualName

USER_NAME = User.DISPLAY_NAME_FIELDS
NAMES = BilingualName.NAME_FIELDS


def template_list(*, user) -> QuerySet[PathwayTemplate]:
    """Every template version (builder)."""
    policy.check_perm(user, "cases.manage_pathway_templates")
    return PathwayTemplate.objects.annotate(step_count=Count("steps")).order_by(
        "code", "-version")


def template_get_for_builder(*, user, template_id) -> PathwayTemplate:
    policy.check_perm(user, "cases.manage_pathway_templates")
    qs = PathwayTemplate.objects.prefetch_related(Prefetch(
        "steps", queryset=TemplateStep.objects.select_related("service")))
    return policy.get_or_404(qs, pk=template_id)


def template_step_get_for_builder(*, user, step_id) -> TemplateStep:
    policy.check_perm(user, "cases.manage_pathway_templates")
    return policy.get_or_404(TemplateStep.objects.select_related("template", "service"),
                             pk=step_id)


def published_templates(*, user) -> QuerySet[PathwayTemplate]:
    """Templates a plan can be made from, for those who build plans (and administrators)."""
    if not (policy.has_perm(user, "cases.manage_plans")
            or policy.has_perm(user, "cases.manage_pathway_templates")):
        return PathwayTemplate.objects.none()
    # The "start a plan" form lists their names only: steps are read where they are shown
    return PathwayTemplate.objects.filter(status=PathwayTemplate.Status.PUBLISHED).order_by(
        "code")


def published_template_get(*, user, template_id) -> PathwayTemplate:
    return policy.get_or_404(published_templates(user=user).prefetch_related(
        Prefetch("steps", queryset=TemplateStep.objects.select_related("service"))),
        pk=template_id)


def _plans(qs) -> QuerySet[Plan]:
    return qs.select_related("template", "created_by", "finished_by").prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.select_related(
            "owner", "service", "completed_by")))


def case_plans(*, user, case) -> list[Plan]:
    """The case's plans with their steps, in a fixed number of queries, as the case page
    shows them: of the template, the owners and the services what names them; ``case`` is
    the caller's (read through the policy), not joined again."""
    plans = list(named(policy.of_case(Plan.objects.all(), user, case), {
        "template": ("code", "version")}).prefetch_related(Prefetch(
            "steps", queryset=named(PlanStep.objects.all(), {
                "owner": USER_NAME, "service": NAMES}))))
    for plan in plans:
        plan.case = case
    return plans


def plan_list(*, user, case_id) -> QuerySet[Plan]:
    return _plans(policy.plans_for(user).filter(case_id=case_id))


def plan_get_for_user(*, user, plan_id) -> Plan:
    return policy.get_or_404(_plans(policy.plans_for(user)), pk=plan_id)


def plan_step_get_for_user(*, user, step_id) -> PlanStep:
    return policy.get_or_404(policy.plan_steps_for(user), pk=step_id)


def case_follow_ups(*, user, case) -> list[FollowUp]:
    """The case's follow-ups; ``case`` as for :func:`case_plans`."""
    follow_ups = list(named(policy.of_case(FollowUp.objects.all(), user, case), {
        "worker": USER_NAME, "plan": NAMES, "recorded_by": USER_NAME}).order_by(
        "due_date", "pk"))
    for follow_up in follow_ups:
        follow_up.case = case
    return follow_ups


def follow_up_get_for_user(*, user, follow_up_id) -> FollowUp:
    return policy.get_or_404(policy.follow_ups_for(user), pk=follow_up_id)


def overdue_steps(*, user) -> QuerySet[PlanStep]:
    """Open steps past their due date, of the cases the user reads."""
    from django.utils import timezone

    return policy.plan_steps_for(user).filter(
        status__in=PlanStep.OPEN, plan__status=Plan.Status.ACTIVE,
        due_date__lt=timezone.localdate()).order_by("due_date", "pk")
