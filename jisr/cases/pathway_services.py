"""Writes on integration pathways: the template builder (administrators), a case's plans
(create from a template, adapt, record each step's outcome, finish with an outcome) and
follow-ups (schedule, record).

The builder follows the questionnaire builder (builder.py): only a draft version changes,
its row locked first, and publishing retires the previous published version of the code.
Plan services lock the case row, then the plan, so two workers changing the same plan wait
for each other; every change is one line of the case's timeline and one audit entry.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import Role, ScopeKind
from jisr.cases import services
from jisr.cases.casework_services import register_handover
from jisr.cases.models import Case, CaseEvent, Stage
from jisr.cases.pathways import (
    MAX_STEP_DAYS,
    OWNER_ROLES,
    FollowUp,
    PathwayTemplate,
    Plan,
    PlanOutcome,
    PlanStep,
    TemplateStep,
)
from jisr.core import audit
from jisr.core.dbfunctions import not_reminded_of
from jisr.core.exceptions import AccessDenied, Conflict, ValidationFailed
from jisr.registry.services import full_clean

MIN_NOTE_LENGTH = services.MIN_NOTE_LENGTH
# A plan is made for a case that was oriented (an urgent case is oriented straight from
# reception by the existing rule, so it needs no exception here).
PLAN_STAGES = (Stage.ORIENTED, Stage.IN_PATHWAY, Stage.FOLLOW_UP)
STEP_FIELDS = ("name_ar", "name_fr", "service", "owner_role", "duration_days",
               "outcome_label_ar", "outcome_label_fr", "outcome_choices")
TEMPLATE_FIELDS = ("code", "version", "name_ar", "name_fr", "status")


# --- the template builder -------------------------------------------------------------------

def _check_builder(actor) -> None:
    policy.check_perm(actor, "cases.manage_pathway_templates")


def _draft(template: PathwayTemplate) -> PathwayTemplate:
    template = PathwayTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_draft:
        raise Conflict(_("A published template never changes: create a new version to "
                         "edit it."), code="version_frozen")
    return template


def _renumber(qs) -> None:
    for order, item in enumerate(qs.order_by("order", "pk"), start=1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])


def _check_role(owner_role: str) -> None:
    if owner_role not in OWNER_ROLES:
        raise ValidationFailed(fields={"owner_role": [_("Choose who is responsible for the "
                                                        "step.")]})


@transaction.atomic
def template_create(*, actor, code: str, name_ar: str, name_fr: str,
                    description_ar: str = "", description_fr: str = "") -> PathwayTemplate:
    """A new template: an empty draft, version 1."""
    _check_builder(actor)
    if PathwayTemplate.objects.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [_("A template with this code already "
                                                  "exists.")]})
    template = PathwayTemplate(code=code, name_ar=(name_ar or "").strip(),
                               name_fr=(name_fr or "").strip(),
                               description_ar=(description_ar or "").strip(),
                               description_fr=(description_fr or "").strip(),
                               created_by=actor)
    full_clean(template)
    template.save()
    audit.record(actor=actor, action="cases.pathway_template.create", obj=template,
                 after=audit.snapshot(template, TEMPLATE_FIELDS))
    return template


@transaction.atomic
def template_edit(*, actor, template: PathwayTemplate, **changes) -> PathwayTemplate:
    """Change a draft's names or descriptions (None: unchanged)."""
    _check_builder(actor)
    template = _draft(template)
    before = audit.snapshot(template, TEMPLATE_FIELDS)
    for name in ("name_ar", "name_fr", "description_ar", "description_fr"):
        if changes.get(name) is not None:
            setattr(template, name, changes[name].strip())
    full_clean(template)
    template.save()
    audit.record(actor=actor, action="cases.pathway_template.edit", obj=template,
                 before=before, after=audit.snapshot(template, TEMPLATE_FIELDS))
    return template


@transaction.atomic
def template_new_version(*, actor, template: PathwayTemplate,
                         from_version: int | None = None) -> PathwayTemplate:
    """A new draft of the template's code, a copy of its latest version. ``from_version``
    is the latest version the administrator saw: another one created since refuses it."""
    _check_builder(actor)
    # Lock every version of the code, so two administrators cannot both copy.
    versions = list(PathwayTemplate.objects.select_for_update().filter(
        code=template.code).order_by("-version"))
    if any(v.is_draft for v in versions):
        raise Conflict(_("A draft version already exists: edit it."), code="draft_exists")
    latest = versions[0]
    if from_version is not None and from_version != latest.version:
        raise Conflict(_("Another version was created in the meantime; reload the page."),
                       code="version_changed")
    draft = PathwayTemplate.objects.create(
        code=latest.code, version=latest.version + 1, name_ar=latest.name_ar,
        name_fr=latest.name_fr, description_ar=latest.description_ar,
        description_fr=latest.description_fr, created_by=actor)
    TemplateStep.objects.bulk_create([TemplateStep(
        template=draft, order=s.order, **{f: getattr(s, f) for f in STEP_FIELDS})
        for s in latest.steps.all()])
    audit.record(actor=actor, action="cases.pathway_template.new_version", obj=draft,
                 after=audit.snapshot(draft, TEMPLATE_FIELDS))
    return draft


@transaction.atomic
def template_publish(*, actor, template: PathwayTemplate) -> PathwayTemplate:
    """Publish a draft: new plans use it; the previous published version is retired (plans
    made from it keep their copy of its steps)."""
    _check_builder(actor)
    template = _draft(template)
    if not template.steps.exists():
        raise ValidationFailed(fields={"template": [_("Add at least one step before "
                                                      "publishing.")]})
    PathwayTemplate.objects.filter(code=template.code, status=PathwayTemplate.Status.PUBLISHED
                                   ).update(status=PathwayTemplate.Status.RETIRED)
    before = audit.snapshot(template, TEMPLATE_FIELDS)
    template.status = PathwayTemplate.Status.PUBLISHED
    template.published_at, template.published_by = timezone.now(), actor
    template.save(update_fields=["status", "published_at", "published_by"])
    audit.record(actor=actor, action="cases.pathway_template.publish", obj=template,
                 before=before, after=audit.snapshot(template, TEMPLATE_FIELDS))
    return template


@transaction.atomic
def template_retire(*, actor, template: PathwayTemplate) -> PathwayTemplate:
    """Withdraw a published template: no new plan uses it; existing plans go on."""
    _check_builder(actor)
    template = PathwayTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != PathwayTemplate.Status.PUBLISHED:
        raise Conflict(_("Only a published template is withdrawn."), code="not_published")
    before = audit.snapshot(template, TEMPLATE_FIELDS)
    template.status = PathwayTemplate.Status.RETIRED
    template.save(update_fields=["status"])
    audit.record(actor=actor, action="cases.pathway_template.retire", obj=template,
                 before=before, after=audit.snapshot(template, TEMPLATE_FIELDS))
    return template


def _apply_step(step, changes: dict) -> None:
    for name in STEP_FIELDS:
        if name in changes and changes[name] is not None:
            value = changes[name]
            setattr(step, name, value.strip() if isinstance(value, str) else value)
    _check_role(step.owner_role)


@transaction.atomic
def template_step_add(*, actor, template: PathwayTemplate, name_ar: str, name_fr: str,
                      outcome_label_ar: str, outcome_label_fr: str, duration_days: int,
                      owner_role: str = Role.SOCIAL_WORKER, service=None,
                      outcome_choices: list | None = None) -> TemplateStep:
    """A step at the end of a draft."""
    _check_builder(actor)
    template = _draft(template)
    step = TemplateStep(template=template, order=(template.steps.aggregate(
        m=Max("order"))["m"] or 0) + 1)
    _apply_step(step, {"name_ar": name_ar, "name_fr": name_fr, "service": service,
                       "owner_role": owner_role, "duration_days": duration_days,
                       "outcome_label_ar": outcome_label_ar,
                       "outcome_label_fr": outcome_label_fr,
                       "outcome_choices": outcome_choices or []})
    full_clean(step)
    step.save()
    audit.record(actor=actor, action="cases.pathway_template.step_add", obj=step,
                 after=audit.snapshot(step, TemplateStep.AUDIT_VALUE_FIELDS))
    return step


@transaction.atomic
def template_step_edit(*, actor, step: TemplateStep, **changes) -> TemplateStep:
    """Change a draft step (None: unchanged; ``service`` is cleared with ``clear_service``)."""
    _check_builder(actor)
    _draft(step.template)
    step = TemplateStep.objects.select_for_update().get(pk=step.pk)
    before = audit.snapshot(step, TemplateStep.AUDIT_VALUE_FIELDS)
    if changes.pop("clear_service", False):
        step.service = None
    _apply_step(step, changes)
    full_clean(step)
    step.save()
    audit.record(actor=actor, action="cases.pathway_template.step_edit", obj=step,
                 before=before, after=audit.snapshot(step, TemplateStep.AUDIT_VALUE_FIELDS))
    return step


@transaction.atomic
def template_step_remove(*, actor, step: TemplateStep) -> None:
    _check_builder(actor)
    template = _draft(step.template)
    audit.record(actor=actor, action="cases.pathway_template.step_remove", obj=step,
                 before=audit.snapshot(step, TemplateStep.AUDIT_VALUE_FIELDS))
    step.delete()
    _renumber(template.steps.all())


@transaction.atomic
def template_step_move(*, actor, step: TemplateStep, position: int) -> TemplateStep:
    """Move a draft step to ``position`` (1 = first)."""
    _check_builder(actor)
    template = _draft(step.template)
    step = TemplateStep.objects.get(pk=step.pk)
    steps = [s for s in template.steps.order_by("order", "pk") if s.pk != step.pk]
    if not isinstance(position, int) or not 1 <= position <= len(steps) + 1:
        raise ValidationFailed(fields={"position": [_("This position does not exist.")]})
    steps.insert(position - 1, step)
    for order, item in enumerate(steps, start=1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])
    audit.record(actor=actor, action="cases.pathway_template.step_move", obj=step,
                 after={"order": position})
    return step


# --- plans ------------------------------------------------------------------------------------

def _check_plan_actor(actor, case: Case) -> None:
    """The case's worker (or anyone allowed when nobody is assigned) and the centre's
    manager adapt its plans."""
    policy.check_case_perm(actor, "cases.manage_plans", case)
    if not _adapts_plans(actor, case):
        raise AccessDenied(_("Only the case's assigned worker or the centre's manager "
                             "changes its pathways."))


def _adapts_plans(actor, case: Case) -> bool:
    return not case.assigned_to_id or case.assigned_to_id == actor.pk \
        or actor.role == Role.CENTRE_MANAGER


def can_manage(user, case: Case) -> bool:
    """Whether the user adapts the case's plans and schedules its follow-ups (pages show
    the forms only then): ``_check_plan_actor``'s rule, asked of the case the page read
    (``policy.sees_case``, no query)."""
    return policy.sees_case(user, case) and policy.has_perm(user, "cases.manage_plans") \
        and _adapts_plans(user, case)


def can_plan(user, case: Case) -> bool:
    """Whether the case page offers *Start a pathway plan* and *Schedule a follow-up* and
    draws their forms for the user: who adapts the case's plans, on an open case oriented
    or later (the rule ``plan_create`` and ``follow_up_schedule`` apply)."""
    return not case.is_closed and case.stage in PLAN_STAGES and can_manage(user, case)


def _open_case(case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_closed:
        raise services.TransitionRefused(_("The case is closed: reopen it first."))
    return case


def _active_plan(plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_active:
        raise Conflict(_("This pathway is finished: it no longer changes."),
                       code="plan_finished")
    return plan


def _check_owner(owner, case: Case, actor, *, field: str = "owner") -> None:
    """A step's owner works at the case's centre. A partner's step (owner role: partner
    agent) has no named owner here: the partner answers through the referral that sends
    the person to it, and partners' staff are not shown to the centre."""
    if owner is None:
        return
    if not (owner.is_active and owner.scope_kind == ScopeKind.CENTRE
            and owner.centre_id == case.lead_centre_id):
        raise ValidationFailed(fields={field: [_("Choose someone of the case's centre.")]})


def _default_owner(role: str, case: Case, actor, staff: list):
    """The owner a new step gets: the case's worker for a social worker's step, otherwise
    the first colleague of the centre holding the role; partners' steps wait for an owner."""
    if role == Role.SOCIAL_WORKER:
        return case.assigned_to or (actor if actor.role == Role.SOCIAL_WORKER else None)
    if role == actor.role:
        return actor
    return next((u for u in staff if u.role == role), None)


def _plan_event(case: Case, actor, kind: str, note: str) -> None:
    services._event(case, actor=actor, kind=kind, note=note[:2000])


def _build_plan(*, actor, case: Case, template: PathwayTemplate, started_on: date,
                owners: dict | None = None) -> Plan:
    """The plan and its copied steps, due dates following each other from the start."""
    from jisr.accounts.models import User

    plan = Plan(case=case, template=template, name_ar=template.name_ar,
                name_fr=template.name_fr, started_on=started_on, created_by=actor)
    full_clean(plan)
    plan.save()
    staff = list(User.objects.filter(centre_id=case.lead_centre_id, is_active=True)
                 .order_by("pk"))
    owners = owners or {}
    due = started_on
    steps = []
    for step in template.steps.order_by("order", "pk"):
        due = due + timedelta(days=step.duration_days)
        owner = owners.get(step.order, _default_owner(step.owner_role, case, actor, staff))
        _check_owner(owner, case, actor, field=f"owners.{step.order}")
        steps.append(PlanStep(plan=plan, order=step.order, owner=owner, due_date=due,
                              **{f: getattr(step, f) for f in STEP_FIELDS}))
    PlanStep.objects.bulk_create(steps)
    return plan


@transaction.atomic
def plan_create(*, actor, case: Case, template: PathwayTemplate, started_on: date | None = None,
                owners: dict | None = None, expected_stage: str | None = None) -> Plan:
    """Instantiate a published template for a case (oriented or later). Its steps are
    copied (a later template version never changes the plan); ``owners`` maps a step's
    order to a user. The first plan of an oriented case moves it to *in a pathway*."""
    _check_plan_actor(actor, case)
    case = _open_case(case)
    services._expect(case, expected_stage)
    if case.stage not in PLAN_STAGES:
        raise services.TransitionRefused(_(
            "Orient the person before building a pathway plan (the case is at the stage "
            "“%(stage)s”).") % {"stage": case.get_stage_display()})
    if template is None or template.status != PathwayTemplate.Status.PUBLISHED:
        raise ValidationFailed(fields={"template": [_("Choose a published pathway "
                                                      "template.")]})
    started_on = started_on or timezone.localdate()
    if abs((started_on - timezone.localdate()).days) > 365:
        raise ValidationFailed(fields={"started_on": [_("Choose a start date within a year "
                                                        "of today.")]})
    if case.plans.filter(template__code=template.code, status=Plan.Status.ACTIVE).exists():
        raise Conflict(_("This pathway is already in progress for the case."),
                       code="plan_exists")
    plan = _build_plan(actor=actor, case=case, template=template, started_on=started_on,
                       owners=owners)
    _plan_event(case, actor, CaseEvent.Kind.PLAN_CREATED, plan.name)
    audit.record(actor=actor, action="cases.plan.create", obj=plan,
                 after=audit.snapshot(plan, Plan.AUDIT_VALUE_FIELDS))
    if case.stage == Stage.ORIENTED:
        services.case_start_pathway(actor=actor, case=case, note=plan.name)
    return plan


def _step_for_change(actor, step: PlanStep) -> tuple[Case, Plan, PlanStep]:
    _check_plan_actor(actor, step.plan.case)
    case = _open_case(step.plan.case)
    plan = _active_plan(step.plan)
    step = PlanStep.objects.select_for_update().get(pk=step.pk)
    return case, plan, step


def _check_due(due_date, *, field: str = "due_date") -> None:
    if not isinstance(due_date, date) or abs(
            (due_date - timezone.localdate()).days) > MAX_STEP_DAYS:
        raise ValidationFailed(fields={field: [_("Choose a due date within two years.")]})


@transaction.atomic
def plan_step_add(*, actor, plan: Plan, name_ar: str, name_fr: str, outcome_label_ar: str,
                  outcome_label_fr: str, due_date: date, owner_role: str = Role.SOCIAL_WORKER,
                  owner=None, service=None, outcome_choices: list | None = None,
                  position: int | None = None) -> PlanStep:
    """Adapt a plan: a step of its own, at the end or at ``position`` (among the steps
    still to do)."""
    _check_plan_actor(actor, plan.case)
    case = _open_case(plan.case)
    plan = _active_plan(plan)
    _check_due(due_date)
    _check_owner(owner, case, actor)
    step = PlanStep(plan=plan, owner=owner, due_date=due_date,
                    order=(plan.steps.aggregate(m=Max("order"))["m"] or 0) + 1,
                    duration_days=max(1, min(MAX_STEP_DAYS, (
                        due_date - timezone.localdate()).days or 1)))
    _apply_step(step, {"name_ar": name_ar, "name_fr": name_fr, "service": service,
                       "owner_role": owner_role, "outcome_label_ar": outcome_label_ar,
                       "outcome_label_fr": outcome_label_fr,
                       "outcome_choices": outcome_choices or []})
    full_clean(step)
    step.save()
    if position is not None:
        _move(plan, step, position)
    _plan_event(case, actor, CaseEvent.Kind.PLAN_CHANGED,
                str(_("%(plan)s: step added “%(step)s”") % {"plan": plan.name,
                                                             "step": step.name}))
    audit.record(actor=actor, action="cases.plan.step_add", obj=step,
                 after=audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS))
    return step


@transaction.atomic
def plan_step_edit(*, actor, step: PlanStep, owner=None, due_date: date | None = None,
                   clear_owner: bool = False, name_ar: str | None = None,
                   name_fr: str | None = None) -> PlanStep:
    """Adapt a step still to do: its owner, due date or names."""
    case, plan, step = _step_for_change(actor, step)
    if not step.is_open:
        raise Conflict(_("This step is closed: it no longer changes."), code="step_closed")
    before = audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS)
    if clear_owner:
        step.owner = None
    elif owner is not None:
        _check_owner(owner, case, actor)
        step.owner = owner
    if due_date is not None:
        _check_due(due_date)
        step.due_date = due_date
    _apply_step(step, {"name_ar": name_ar, "name_fr": name_fr})
    full_clean(step)
    step.save()
    after = audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS)
    if before != after or name_ar or name_fr:
        _plan_event(case, actor, CaseEvent.Kind.PLAN_CHANGED, str(_(
            "%(plan)s: step changed “%(step)s”") % {"plan": plan.name, "step": step.name}))
        audit.record(actor=actor, action="cases.plan.step_edit", obj=step, before=before,
                     after=after)
    return step


@transaction.atomic
def plan_step_remove(*, actor, step: PlanStep, reason: str = "") -> None:
    """Remove a step still to do (a closed step stays, it is the plan's history)."""
    case, plan, step = _step_for_change(actor, step)
    if not step.is_open:
        raise Conflict(_("This step is closed: it stays in the plan's history."),
                       code="step_closed")
    if plan.steps.count() == 1:
        raise ValidationFailed(fields={"step": [_("A plan keeps at least one step: finish "
                                                  "the pathway instead.")]})
    audit.record(actor=actor, action="cases.plan.step_remove", obj=step,
                 before=audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS), reason=reason)
    name = step.name
    step.delete()
    _renumber(plan.steps.all())
    _plan_event(case, actor, CaseEvent.Kind.PLAN_CHANGED,
                str(_("%(plan)s: step removed “%(step)s”") % {"plan": plan.name,
                                                               "step": name}))


def _move(plan: Plan, step: PlanStep, position: int) -> None:
    steps = [s for s in plan.steps.order_by("order", "pk") if s.pk != step.pk]
    closed = sum(1 for s in steps if not s.is_open)
    if not isinstance(position, int) or not closed < position <= len(steps) + 1:
        raise ValidationFailed(fields={"position": [_(
            "A step still to do moves only among the steps still to do.")]})
    steps.insert(position - 1, step)
    for order, item in enumerate(steps, start=1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])


@transaction.atomic
def plan_step_move(*, actor, step: PlanStep, position: int) -> PlanStep:
    """Reorder a step still to do (1 = first; closed steps keep their place)."""
    case, plan, step = _step_for_change(actor, step)
    if not step.is_open:
        raise Conflict(_("This step is closed: it stays in the plan's history."),
                       code="step_closed")
    _move(plan, step, position)
    step.refresh_from_db()
    _plan_event(case, actor, CaseEvent.Kind.PLAN_CHANGED, str(_(
        "%(plan)s: step moved “%(step)s”") % {"plan": plan.name, "step": step.name}))
    audit.record(actor=actor, action="cases.plan.step_move", obj=step,
                 after={"order": step.order})
    return step


def _check_step_actor(actor, step: PlanStep) -> None:
    """Besides the plan's managers, a step's owner who reads the case records its outcome."""
    owner_id = PlanStep.objects.filter(pk=step.pk).values_list("owner_id", flat=True).first()
    if owner_id == actor.pk and policy.cases_for(actor).filter(
            pk=step.plan.case_id).exists():
        return
    _check_plan_actor(actor, step.plan.case)


def _step_in_turn(actor, step: PlanStep) -> tuple[Case, Plan, PlanStep]:
    _check_step_actor(actor, step)
    case = _open_case(step.plan.case)
    plan = _active_plan(step.plan)
    step = PlanStep.objects.select_for_update().get(pk=step.pk)
    if not step.is_open:
        raise Conflict(_("This step is already closed (%(status)s).") % {
            "status": step.get_status_display()}, code="step_closed")
    earlier = plan.steps.filter(order__lt=step.order, status__in=PlanStep.OPEN).first()
    if earlier is not None:
        raise Conflict(_("Finish or skip the step “%(step)s” first: steps follow each "
                         "other.") % {"step": earlier.name}, code="step_out_of_order")
    return case, plan, step


def _set_status(actor, case, plan, step, status: str, action: str, label: str) -> PlanStep:
    before = audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS)
    step.status = status
    if status in (PlanStep.Status.DONE, PlanStep.Status.SKIPPED):
        step.completed_at, step.completed_by = timezone.now(), actor
    step.save()
    _plan_event(case, actor, CaseEvent.Kind.PLAN_STEP, str(_(
        "%(plan)s: “%(step)s” — %(status)s") % {"plan": plan.name, "step": step.name,
                                                  "status": label}))
    audit.record(actor=actor, action=action, obj=step, before=before,
                 after=audit.snapshot(step, PlanStep.AUDIT_VALUE_FIELDS))
    return step


@transaction.atomic
def plan_step_start(*, actor, step: PlanStep) -> PlanStep:
    case, plan, step = _step_in_turn(actor, step)
    if step.status != PlanStep.Status.PENDING:
        raise Conflict(_("This step is already in progress."), code="already_done")
    return _set_status(actor, case, plan, step, PlanStep.Status.IN_PROGRESS,
                       "cases.plan.step_start", str(PlanStep.Status.IN_PROGRESS.label))


@transaction.atomic
def plan_step_complete(*, actor, step: PlanStep, outcome: str = "", note: str = ""
                       ) -> PlanStep:
    """Record the step's required outcome (one of its answers, or a written outcome) and
    close it. Steps are completed in their order."""
    case, plan, step = _step_in_turn(actor, step)
    outcome, note = (outcome or "").strip(), (note or "").strip()
    if step.outcome_choices:
        if outcome not in {c["code"] for c in step.outcome_choices}:
            raise ValidationFailed(fields={"outcome": [_(
                "Record the outcome: “%(label)s”.") % {"label": step.outcome_label}]})
    else:
        outcome = ""
        if len(note) < 3:
            raise ValidationFailed(fields={"note": [_(
                "Record the outcome: “%(label)s”.") % {"label": step.outcome_label}]})
    step.outcome, step.outcome_note = outcome, note
    return _set_status(actor, case, plan, step, PlanStep.Status.DONE,
                       "cases.plan.step_complete",
                       f"{PlanStep.Status.DONE.label}: {step.outcome_display}"[:300])


@transaction.atomic
def plan_step_skip(*, actor, step: PlanStep, reason: str) -> PlanStep:
    """Skip a step that no longer applies, saying why."""
    case, plan, step = _step_in_turn(actor, step)
    reason = (reason or "").strip()
    if len(reason) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"reason": [_("Write why the step is skipped.")]})
    step.outcome_note = reason
    return _set_status(actor, case, plan, step, PlanStep.Status.SKIPPED,
                       "cases.plan.step_skip", f"{PlanStep.Status.SKIPPED.label}: {reason}")


@transaction.atomic
def plan_finish(*, actor, plan: Plan, outcome: str, note: str = "") -> Plan:
    """Close the pathway with its outcome: *completed* needs every step closed; *partially
    completed* and *abandoned* need a note, and their open steps are skipped."""
    _check_plan_actor(actor, plan.case)
    case = _open_case(plan.case)
    plan = _active_plan(plan)
    note = (note or "").strip()
    if outcome not in PlanOutcome.values:
        raise ValidationFailed(fields={"outcome": [_("Choose the outcome of the pathway.")]})
    open_steps = list(plan.steps.filter(status__in=PlanStep.OPEN))
    if outcome == PlanOutcome.COMPLETED and open_steps:
        raise ValidationFailed(fields={"outcome": [_(
            "%(count)s step(s) are still to do: complete or skip them, or choose "
            "“partially completed” or “abandoned”.") % {"count": len(open_steps)}]})
    if outcome != PlanOutcome.COMPLETED and len(note) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_("Write what happened in a sentence.")]})
    now = timezone.now()
    for step in open_steps:
        step.status, step.completed_at, step.completed_by = PlanStep.Status.SKIPPED, now, actor
        step.outcome_note = note
        step.save(update_fields=["status", "completed_at", "completed_by", "outcome_note"])
    before = audit.snapshot(plan, Plan.AUDIT_VALUE_FIELDS)
    plan.status, plan.outcome, plan.outcome_note = Plan.Status.FINISHED, outcome, note
    plan.finished_at, plan.finished_by = now, actor
    plan.save(update_fields=["status", "outcome", "outcome_note", "finished_at",
                             "finished_by"])
    _plan_event(case, actor, CaseEvent.Kind.PLAN_FINISHED, " — ".join(
        str(p) for p in (plan.name, PlanOutcome(outcome).label, note) if p))
    audit.record(actor=actor, action="cases.plan.finish", obj=plan, before=before,
                 after=audit.snapshot(plan, Plan.AUDIT_VALUE_FIELDS), reason=note)
    return plan


def ready_for_follow_up(case: Case, plans=None) -> bool:
    """In a pathway, with plans, all finished: the page offers to start the follow-up."""
    plans = list(case.plans.all()) if plans is None else plans
    return case.stage == Stage.IN_PATHWAY and bool(plans) and not any(
        p.is_active for p in plans)


# --- follow-ups ------------------------------------------------------------------------------

@transaction.atomic
def follow_up_schedule(*, actor, case: Case, kind: str, due_date: date, worker,
                       plan: Plan | None = None, purpose: str = "") -> FollowUp:
    """Schedule a visit, call or meeting with the person (case oriented or later)."""
    _check_plan_actor(actor, case)
    case = _open_case(case)
    if case.stage not in PLAN_STAGES:
        raise services.TransitionRefused(_("Follow-ups are scheduled once the person is "
                                           "oriented."))
    if kind not in FollowUp.Kind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a visit, a call or a meeting.")]})
    if not isinstance(due_date, date) or due_date < timezone.localdate() or (
            due_date - timezone.localdate()).days > MAX_STEP_DAYS:
        raise ValidationFailed(fields={"due_date": [_("Choose a date from today on, within "
                                                      "two years.")]})
    if worker is None:
        raise ValidationFailed(fields={"worker": [_("Choose who follows the person up.")]})
    services._check_worker(worker, case.lead_centre_id, field="worker")
    if plan is not None and plan.case_id != case.pk:
        raise ValidationFailed(fields={"plan": [_("Choose a pathway of this case.")]})
    follow_up = FollowUp(case=case, plan=plan, kind=kind, due_date=due_date, worker=worker,
                         purpose=(purpose or "").strip(), scheduled_by=actor)
    full_clean(follow_up)
    follow_up.save()
    services._event(case, actor=actor, kind=CaseEvent.Kind.FOLLOW_UP_SCHEDULED, note=(
        f"{follow_up.get_kind_display()} {due_date:%Y-%m-%d} — {worker.display_name}"))
    audit.record(actor=actor, action="cases.follow_up.schedule", obj=follow_up,
                 after=audit.snapshot(follow_up, FollowUp.AUDIT_VALUE_FIELDS))
    return follow_up


@transaction.atomic
def follow_up_record(*, actor, follow_up: FollowUp, status: str, note: str = "") -> FollowUp:
    """What came of a scheduled follow-up: held (with a note of what was seen or said) or
    missed."""
    if follow_up.worker_id != actor.pk or not policy.cases_for(actor).filter(
            pk=follow_up.case_id).exists():
        _check_plan_actor(actor, follow_up.case)
    case = _open_case(follow_up.case)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUp.Status.SCHEDULED:
        raise Conflict(_("This follow-up was already recorded."), code="already_done")
    note = (note or "").strip()
    if status not in (FollowUp.Status.DONE, FollowUp.Status.MISSED):
        raise ValidationFailed(fields={"status": [_("Say whether the follow-up took "
                                                    "place.")]})
    if status == FollowUp.Status.DONE and len(note) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_("Write what came of the follow-up.")]})
    before = audit.snapshot(follow_up, FollowUp.AUDIT_VALUE_FIELDS)
    follow_up.status, follow_up.note = status, note
    follow_up.recorded_at, follow_up.recorded_by = timezone.now(), actor
    follow_up.save(update_fields=["status", "note", "recorded_at", "recorded_by"])
    services._event(case, actor=actor, kind=CaseEvent.Kind.FOLLOW_UP_RECORDED, note=" — ".join(
        str(p) for p in (follow_up.get_kind_display(), follow_up.get_status_display(), note)
        if p))
    audit.record(actor=actor, action="cases.follow_up.record", obj=follow_up, before=before,
                 after=audit.snapshot(follow_up, FollowUp.AUDIT_VALUE_FIELDS))
    return follow_up


@register_handover
def plans_handover(*, actor, from_worker, to_worker, cases, reason: str = "") -> int:
    """A caseload handover moves the former worker's steps still to do and follow-ups still
    scheduled on the handed-over cases to the new worker (the handover writes the timeline
    lines; this writes one bulk audit entry per kind moved, with its count)."""
    ids = [case.pk for case in cases]
    steps = PlanStep.objects.filter(
        plan__case_id__in=ids, owner=from_worker,
        status__in=[PlanStep.Status.PENDING, PlanStep.Status.IN_PROGRESS]).update(
        owner=to_worker)
    follow_ups = FollowUp.objects.filter(case_id__in=ids, worker=from_worker,
                                         status=FollowUp.Status.SCHEDULED).update(
        worker=to_worker)
    for action, object_type, count in (("cases.plan_step.handover", "cases.planstep", steps),
                                       ("cases.follow_up.handover", "cases.followup",
                                        follow_ups)):
        if count:
            audit.record_bulk(actor=actor, action=action, object_type=object_type,
                              count=count, reason=reason)
    return steps + follow_ups


def pathway_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Tell each owner, in their inbox, of their pathway steps past due (once per step and
    due date: moving the date gives a new reminder) and of their follow-ups due tomorrow
    (once per follow-up and date); returns how many of each were reminded in this run (the
    steps and follow-ups already reminded of their date are not read again). Safe to run
    twice or in two workers: ``notify``'s key makes the same reminder once. The messages
    name the case reference and the step, never the person."""
    from jisr.notifications.models import Notification
    from jisr.notifications.services import notify

    today = today or timezone.localdate()
    # Steps already reminded of their current due date are left out (a national network
    # has hundreds of thousands of overdue steps: asking notify() about each of them every
    # hour was minutes of work to find nothing new)
    steps = PlanStep.objects.filter(
        status__in=PlanStep.OPEN, plan__status=Plan.Status.ACTIVE, due_date__lt=today,
        owner__isnull=False, owner__is_active=True, plan__case__stage__in=[
            s for s in Stage.values if s != Stage.CLOSED]).filter(
        not_reminded_of("overdue_reminded_for", "due_date")).select_related(
        "owner", "plan__case")
    sent = {"steps": 0, "follow_ups": 0}
    for step in steps.iterator(chunk_size=500):
        with transaction.atomic():
            notify(event="cases.plan_step_overdue", key=f"{step.pk}:{step.due_date}",
                   channel=Notification.Channel.IN_APP, recipient=step.owner,
                   template="cases/messages/plan_step_overdue", context={"step": step},
                   related=step.plan, link_url=reverse("cases:plan", args=[step.plan_id]))
            PlanStep.objects.filter(pk=step.pk).update(overdue_reminded_for=step.due_date)
            sent["steps"] += 1
    follow_ups = FollowUp.objects.filter(
        status=FollowUp.Status.SCHEDULED, due_date=today + timedelta(days=1),
        worker__is_active=True).filter(
        not_reminded_of("reminded_for", "due_date")).select_related("worker", "case")
    for follow_up in follow_ups.iterator(chunk_size=500):
        with transaction.atomic():
            notify(event="cases.follow_up_due", key=f"{follow_up.pk}:{follow_up.due_date}",
                   channel=Notification.Channel.IN_APP, recipient=follow_up.worker,
                   template="cases/messages/follow_up_due", context={"follow_up": follow_up},
                   related=follow_up.case,
                   link_url=reverse("cases:detail", args=[follow_up.case_id]))
            FollowUp.objects.filter(pk=follow_up.pk).update(reminded_for=follow_up.due_date)
            sent["follow_ups"] += 1
    # One audit entry per kind and run, as for the appointment reminders
    for kind, object_type, action in (
            ("steps", "cases.planstep", "cases.plan_step.remind_overdue"),
            ("follow_ups", "cases.followup", "cases.follow_up.remind")):
        if sent[kind]:
            audit.record_bulk(actor=None, action=action, object_type=object_type,
                              count=sent[kind])
    return sent
