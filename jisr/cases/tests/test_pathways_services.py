"""Pathway services: the template builder, plans (instantiation, adaptation, outcomes,
order of steps, stage moves), follow-ups and the satisfaction asked at closure."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jisr.cases import pathway_services as svc
from jisr.cases import services
from jisr.cases.models import CaseEvent, Stage
from jisr.cases.pathways import FollowUp, PathwayTemplate, Plan, PlanStep
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.core.models import AuditEntry


@pytest.fixture
def oriented(world, open_case):
    """A new case of the Marrakech person, assigned to youssef, oriented."""
    case = open_case(urgency="urgent", assigned_to=world.users["youssef"])
    return services.case_orient(actor=world.users["youssef"], case=case)


@pytest.fixture
def women(world):
    return PathwayTemplate.objects.get(code="women-economic-empowerment", status="published")


def _plan(world, case, template, actor="youssef", **kwargs):
    return svc.plan_create(actor=world.users[actor], case=case, template=template, **kwargs)


def test_the_five_pathways_ship_published_in_arabic_and_french(world):
    shipped = PathwayTemplate.objects.filter(status="published")
    assert set(shipped.values_list("code", flat=True)) >= {
        "women-economic-empowerment", "disability", "elderly-care", "child-family",
        "homeless-person"}
    women = shipped.get(code="women-economic-empowerment")
    assert women.name_ar == "التمكين الاقتصادي للنساء"
    assert [s.name_fr for s in women.steps.all()][1].startswith("Adhésion à une coopérative")
    assert all(s.name_ar and s.name_fr and s.outcome_label_ar and s.outcome_label_fr
               for t in shipped for s in t.steps.all())


def test_a_plan_copies_the_template_steps_with_owners_and_due_dates(world, oriented, women):
    start = timezone.localdate()
    plan = _plan(world, oriented, women, started_on=start)
    steps = list(plan.steps.all())
    assert [s.name_fr for s in steps] == [s.name_fr for s in women.steps.all()]
    assert steps[0].due_date == start + timedelta(days=90)
    assert steps[1].due_date == start + timedelta(days=150)
    assert steps[0].owner == world.users["youssef"]
    assert steps[1].owner is None  # a partner agent's step waits for its owner
    assert all(s.status == PlanStep.Status.PENDING for s in steps)


def test_the_first_plan_moves_an_oriented_case_into_its_pathway(world, oriented, women):
    _plan(world, oriented, women)
    oriented.refresh_from_db()
    assert oriented.stage == Stage.IN_PATHWAY
    kinds = list(oriented.events.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.PLAN_CREATED, CaseEvent.Kind.STAGE]
    assert AuditEntry.objects.filter(action="cases.plan.create").exists()


def test_several_plans_run_at_once_but_not_the_same_twice(world, oriented, women):
    _plan(world, oriented, women)
    disability = PathwayTemplate.objects.get(code="disability", status="published")
    _plan(world, oriented, disability)
    assert oriented.plans.count() == 2
    with pytest.raises(Conflict):
        _plan(world, oriented, women)
    assert oriented.plans.count() == 2


def test_a_plan_is_immune_to_later_template_versions(world, oriented, women):
    plan = _plan(world, oriented, women)
    admin = world.users["admin"]
    draft = svc.template_new_version(actor=admin, template=women, from_version=1)
    step = draft.steps.first()
    svc.template_step_edit(actor=admin, step=step, name_fr="Autre chose", duration_days=5)
    svc.template_step_remove(actor=admin, step=draft.steps.last())
    svc.template_publish(actor=admin, template=draft)
    women.refresh_from_db()
    assert women.status == PathwayTemplate.Status.RETIRED
    assert plan.steps.count() == 4
    assert plan.steps.first().name_fr == "Formation qualifiante"


def test_a_case_not_yet_oriented_gets_no_plan(world, open_case, women):
    case = open_case(assigned_to=world.users["youssef"])
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        _plan(world, case, women)
    assert "Orientez" in str(refused.value.message) or "orient" in str(
        refused.value.message).lower()
    assert not Plan.objects.filter(case=case).exists()


def test_a_draft_template_is_refused(world, oriented):
    draft = svc.template_create(actor=world.users["admin"], code="essai", name_ar="تجربة",
                                name_fr="Essai")
    with pytest.raises(ValidationFailed) as refused:
        _plan(world, oriented, draft)
    assert "template" in refused.value.fields


def test_only_the_assigned_worker_or_the_manager_builds_the_plan(world, oriented, women):
    with pytest.raises(AccessDenied):
        _plan(world, oriented, women, actor="marrakech_worker")
    with pytest.raises(NotFound):
        _plan(world, oriented, women, actor="karim")
    with pytest.raises(NotFound):
        _plan(world, oriented, women, actor="rachid")
    assert _plan(world, oriented, women, actor="khadija").pk


def test_completing_a_step_needs_its_outcome(world, oriented, women):
    plan = _plan(world, oriented, women)
    step = plan.steps.first()
    with translation.override("fr"), pytest.raises(ValidationFailed) as refused:
        svc.plan_step_complete(actor=world.users["youssef"], step=step, outcome="")
    assert "La bénéficiaire a-t-elle achevé la formation" in str(
        refused.value.fields["outcome"][0])
    with pytest.raises(ValidationFailed):
        svc.plan_step_complete(actor=world.users["youssef"], step=step, outcome="nonsense")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.PENDING
    svc.plan_step_complete(actor=world.users["youssef"], step=step, outcome="certified")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE
    assert step.completed_by == world.users["youssef"]
    with translation.override("ar"):
        assert step.outcome_display == "أتمته وحصلت على شهادة"


def test_a_written_outcome_is_required_when_there_is_nothing_to_choose(world, oriented):
    disability = PathwayTemplate.objects.get(code="disability", status="published")
    plan = _plan(world, oriented, disability)
    step = plan.steps.first()
    with pytest.raises(ValidationFailed) as refused:
        svc.plan_step_complete(actor=world.users["youssef"], step=step, note="")
    assert "note" in refused.value.fields
    svc.plan_step_complete(actor=world.users["youssef"], step=step,
                           note="Taux d'incapacité 60 %, carte demandée")
    step.refresh_from_db()
    assert step.outcome_display == "Taux d'incapacité 60 %, carte demandée"


def test_steps_are_completed_in_their_order(world, oriented, women):
    plan = _plan(world, oriented, women)
    second = plan.steps.all()[1]
    events = oriented.events.count()
    with translation.override("fr"), pytest.raises(Conflict) as refused:
        svc.plan_step_complete(actor=world.users["youssef"], step=second, outcome="agr")
    assert refused.value.code == "step_out_of_order"
    assert "Formation qualifiante" in str(refused.value.message)
    second.refresh_from_db()
    assert second.status == PlanStep.Status.PENDING
    assert oriented.events.count() == events


def test_a_closed_step_never_changes(world, oriented, women):
    plan = _plan(world, oriented, women)
    first = plan.steps.first()
    svc.plan_step_complete(actor=world.users["youssef"], step=first, outcome="certified")
    for call in (lambda: svc.plan_step_remove(actor=world.users["youssef"], step=first),
                 lambda: svc.plan_step_edit(actor=world.users["youssef"], step=first,
                                            due_date=timezone.localdate()),
                 lambda: svc.plan_step_complete(actor=world.users["youssef"], step=first,
                                                outcome="dropped")):
        with pytest.raises(Conflict):
            call()
    first.refresh_from_db()
    assert first.outcome == "certified"


def test_the_worker_adapts_the_plan(world, oriented, women):
    youssef, khadija = world.users["youssef"], world.users["khadija"]
    plan = _plan(world, oriented, women)
    steps = list(plan.steps.all())
    due = timezone.localdate() + timedelta(days=10)
    svc.plan_step_edit(actor=youssef, step=steps[1], owner=khadija, due_date=due)
    added = svc.plan_step_add(actor=youssef, plan=plan, name_ar="محو الأمية",
                              name_fr="Alphabétisation", outcome_label_ar="هل أتمت البرنامج؟",
                              outcome_label_fr="Programme achevé ?", due_date=due, position=1)
    svc.plan_step_move(actor=youssef, step=steps[3], position=2)
    svc.plan_step_remove(actor=youssef, step=steps[2])
    names = list(plan.steps.values_list("name_fr", "order"))
    assert names == [("Alphabétisation", 1), ("Suivi à six mois", 2),
                     ("Formation qualifiante", 3),
                     ("Adhésion à une coopérative ou activité génératrice de revenus", 4)]
    changed = PlanStep.objects.get(pk=steps[1].pk)
    assert (changed.owner, changed.due_date) == (khadija, due)
    assert added.pk
    assert oriented.events.filter(kind=CaseEvent.Kind.PLAN_CHANGED).count() == 4
    assert AuditEntry.objects.filter(action__startswith="cases.plan.step_").count() == 4


def test_an_owner_from_elsewhere_is_refused(world, oriented, women):
    plan = _plan(world, oriented, women)
    step = plan.steps.first()
    with pytest.raises(ValidationFailed) as refused:
        svc.plan_step_edit(actor=world.users["youssef"], step=step, owner=world.users["karim"])
    assert "owner" in refused.value.fields
    step.refresh_from_db()
    assert step.owner == world.users["youssef"]
    # A partner's agent neither: the partner answers through its referral.
    with pytest.raises(ValidationFailed):
        svc.plan_step_edit(actor=world.users["youssef"], step=step, owner=world.users["rachid"])


def test_a_step_owner_records_the_outcome_of_their_step(world, oriented, women):
    plan = _plan(world, oriented, women)
    step = plan.steps.first()
    svc.plan_step_edit(actor=world.users["youssef"], step=step,
                       owner=world.users["marrakech_worker"])
    svc.plan_step_complete(actor=world.users["marrakech_worker"], step=step,
                           outcome="completed")
    with pytest.raises(AccessDenied):
        svc.plan_step_start(actor=world.users["marrakech_worker"], step=plan.steps.all()[1])


def test_skipping_needs_a_reason(world, oriented, women):
    plan = _plan(world, oriented, women)
    step = plan.steps.first()
    with pytest.raises(ValidationFailed):
        svc.plan_step_skip(actor=world.users["youssef"], step=step, reason="non")
    svc.plan_step_skip(actor=world.users["youssef"], step=step,
                       reason="Formation déjà suivie en 2023")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.SKIPPED


def test_finishing_a_pathway_with_its_outcome(world, oriented, women):
    youssef = world.users["youssef"]
    plan = _plan(world, oriented, women)
    with pytest.raises(ValidationFailed):
        svc.plan_finish(actor=youssef, plan=plan, outcome="completed")
    with pytest.raises(ValidationFailed):
        svc.plan_finish(actor=youssef, plan=plan, outcome="abandoned", note="")
    plan.refresh_from_db()
    assert plan.is_active
    svc.plan_finish(actor=youssef, plan=plan, outcome="abandoned",
                    note="La personne a trouvé un emploi salarié")
    plan.refresh_from_db()
    assert (plan.status, plan.outcome) == (Plan.Status.FINISHED, "abandoned")
    assert set(plan.steps.values_list("status", flat=True)) == {"skipped"}
    with pytest.raises(Conflict):
        svc.plan_step_add(actor=youssef, plan=plan, name_ar="x", name_fr="x",
                          outcome_label_ar="x", outcome_label_fr="x",
                          due_date=timezone.localdate())
    assert svc.ready_for_follow_up(plan.case)


def test_a_completed_pathway_then_the_follow_up_stage(world, oriented):
    youssef = world.users["youssef"]
    elderly = PathwayTemplate.objects.get(code="elderly-care", status="published")
    plan = _plan(world, oriented, elderly)
    outcomes = ["yes", "", "continue"]
    for step, outcome in zip(plan.steps.all(), outcomes, strict=True):
        svc.plan_step_complete(actor=youssef, step=step, outcome=outcome,
                               note="Trois visites, la personne va mieux")
    svc.plan_finish(actor=youssef, plan=plan, outcome="completed")
    case = plan.case
    case.refresh_from_db()
    assert svc.ready_for_follow_up(case)
    services.case_start_follow_up(actor=youssef, case=case)
    case.refresh_from_db()
    assert case.stage == Stage.FOLLOW_UP
    assert not svc.ready_for_follow_up(case)


def test_overdue_steps_are_flagged(world, oriented, women):
    plan = _plan(world, oriented, women,
                 started_on=timezone.localdate() - timedelta(days=120))
    first, second = plan.steps.all()[:2]
    assert first.is_overdue and not second.is_overdue
    from jisr.cases.pathway_selectors import overdue_steps

    assert first in overdue_steps(user=world.users["youssef"])
    assert not overdue_steps(user=world.users["karim"]).filter(plan=plan).exists()


def test_scheduling_and_recording_a_follow_up(world, oriented):
    youssef = world.users["youssef"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    follow_up = svc.follow_up_schedule(actor=youssef, case=oriented, kind="visit",
                                       due_date=tomorrow, worker=youssef)
    with pytest.raises(ValidationFailed):
        svc.follow_up_record(actor=youssef, follow_up=follow_up, status="done", note="ok")
    svc.follow_up_record(actor=youssef, follow_up=follow_up, status="done",
                         note="Visite faite, la personne a repris le travail")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    with pytest.raises(Conflict):
        svc.follow_up_record(actor=youssef, follow_up=follow_up, status="missed")
    kinds = list(oriented.events.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.FOLLOW_UP_SCHEDULED, CaseEvent.Kind.FOLLOW_UP_RECORDED]


@pytest.mark.parametrize("values, field", [
    ({"kind": "picnic"}, "kind"),
    ({"due_date": "yesterday"}, "due_date"),
    ({"worker": "karim"}, "worker"),
    ({"worker": None}, "worker"),
])
def test_a_bad_follow_up_is_refused_and_nothing_is_saved(world, oriented, values, field):
    data = {"kind": "call", "due_date": timezone.localdate(), "worker": world.users["youssef"]}
    if values.get("due_date") == "yesterday":
        values = {"due_date": timezone.localdate() - timedelta(days=1)}
    if values.get("worker") == "karim":
        values = {"worker": world.users["karim"]}
    data.update(values)
    with pytest.raises(ValidationFailed) as refused:
        svc.follow_up_schedule(actor=world.users["youssef"], case=oriented, **data)
    assert field in refused.value.fields
    assert not oriented.follow_ups.exists()


def test_closing_records_the_optional_satisfaction(world, oriented):
    youssef = world.users["youssef"]
    with pytest.raises(ValidationFailed):
        services.case_close(actor=youssef, case=oriented, reason="resolved", satisfaction=9)
    oriented.refresh_from_db()
    assert not oriented.is_closed
    services.case_close(actor=youssef, case=oriented, reason="resolved", satisfaction=4)
    oriented.refresh_from_db()
    assert oriented.satisfaction == 4
    assert oriented.get_satisfaction_display() == "Satisfied"


def test_the_builder_publishes_a_new_template(world):
    admin = world.users["admin"]
    template = svc.template_create(actor=admin, code="jeunes", name_ar="إدماج الشباب",
                                   name_fr="Insertion des jeunes")
    with pytest.raises(ValidationFailed):
        svc.template_publish(actor=admin, template=template)
    for name in ("Bilan", "Formation", "Emploi"):
        svc.template_step_add(actor=admin, template=template, name_ar=name, name_fr=name,
                              outcome_label_ar="نتيجة", outcome_label_fr="Résultat",
                              duration_days=30,
                              outcome_choices=[{"code": "ok", "ar": "نعم", "fr": "Oui"}])
    last = template.steps.last()
    svc.template_step_move(actor=admin, step=last, position=1)
    assert list(template.steps.values_list("name_fr", flat=True)) == [
        "Emploi", "Bilan", "Formation"]
    svc.template_publish(actor=admin, template=template)
    template.refresh_from_db()
    assert template.status == "published"
    with pytest.raises(Conflict):
        svc.template_step_add(actor=admin, template=template, name_ar="x", name_fr="x",
                              outcome_label_ar="x", outcome_label_fr="x", duration_days=3)
    with pytest.raises(Conflict):
        svc.template_new_version(actor=admin, template=template, from_version=7)


@pytest.mark.parametrize("changes, field", [
    ({"duration_days": 0}, "duration_days"),
    ({"owner_role": "administrator"}, "owner_role"),
    ({"outcome_choices": [{"code": "a", "ar": "", "fr": "x"}]}, "outcome_choices"),
    ({"name_fr": ""}, "name_fr"),
])
def test_a_bad_template_step_is_refused_and_nothing_changes(world, changes, field):
    admin = world.users["admin"]
    template = svc.template_create(actor=admin, code="essai", name_ar="تجربة", name_fr="Essai")
    values = {"name_ar": "خطوة", "name_fr": "Étape", "outcome_label_ar": "نتيجة",
              "outcome_label_fr": "Résultat", "duration_days": 10, **changes}
    with pytest.raises(ValidationFailed) as refused:
        svc.template_step_add(actor=admin, template=template, **values)
    assert field in refused.value.fields
    assert not template.steps.exists()


def test_only_administrators_build_templates(world):
    for name in ("youssef", "khadija", "rachid", "karim", "omar"):
        with pytest.raises(AccessDenied):
            svc.template_create(actor=world.users[name], code="x", name_ar="x", name_fr="x")
    assert not PathwayTemplate.objects.filter(code="x").exists()


def test_the_shipped_templates_load_once_and_never_overwrite_an_administrators_work(world,
                                                                                   women):
    from jisr.cases.default_pathways import seed_current

    draft = svc.template_new_version(actor=world.users["admin"], template=women,
                                     from_version=1)
    svc.template_step_remove(actor=world.users["admin"], step=draft.steps.first())
    assert seed_current() == 0
    assert PathwayTemplate.objects.filter(code=women.code).count() == 2
    assert draft.steps.count() == 3
