"""Demo cases: ``jisr demo --cases N`` gives the demo centres realistic work.

Cases are made through the services (the same checks, timelines and audit entries as real
work), at every stage: received with a listening interview booked, listened, oriented with
referrals answered or not by partners and centres, in a pathway plan with steps done,
in follow-up, closed with a reason and the person's satisfaction. Each case is then moved
back in time by up to two years (its timeline, dates and deadlines together), so the work
views show overdue and coming work and the activity figures have months to compare.

The Marrakech centre of the demo personas (khadija, youssef, amina; rachid's association)
gets the first cases, then the centres with the most registered persons. Idempotent like
the other steps: ``cases=N`` means "the demo holds N generated cases"; the audit trail says
how many earlier runs made. From ``BULK_FROM`` missing cases (the load benchmark's millions)
the rows are generated and loaded with COPY instead (demo_bulk.py, docs/work.md "Demo
cases").
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation

from jisr.accounts.roles import Role
from jisr.cases import services
from jisr.core import audit

DEFAULT_CASES = 120
BULK_FROM = 5_000  # from this many missing cases, rows are generated and loaded in bulk
AUDIT_ACTION = "cases.demo.cases"
_BASE = {"id_card": "no", "income": "none", "job_seeking": "yes", "housing": "tenant",
         "eviction": "yes", "household_size": "7", "dependents": ["young_children", "elderly"]}
# Interviews that differ (household size, dependents, papers): scores that differ.
ANSWERS = [_BASE, {**_BASE, "id_card": "yes", "household_size": "3",
                   "dependents": ["young_children"]},
           {**_BASE, "eviction": "no", "household_size": "2", "dependents": ["elderly"]}]
REQUESTS = [
    "Cherche une formation et un travail", "Besoin d'aide pour le loyer",
    "Demande une aide pour son enfant en situation de handicap",
    "Personne âgée seule, demande des visites", "Sans papiers d'identité, sans logement",
    "Veut créer une activité génératrice de revenus", "أبحث عن تكوين مهني وعمل",
    "أحتاج إلى مساعدة لتسجيل أطفالي في المدرسة", "مسنة تعيش وحدها وتحتاج إلى رعاية",
]
# Stage a case is taken to, and how often.
TARGETS = [("received", 15), ("listened", 15), ("oriented", 20), ("in_pathway", 25),
           ("follow_up", 10), ("closed", 15)]
TEMPLATES = ["women-economic-empowerment", "disability", "elderly-care", "child-family",
             "homeless-person"]


def generated_so_far() -> int:
    from jisr.core.models import AuditEntry

    return AuditEntry.objects.filter(action=AUDIT_ACTION).aggregate(n=Sum("count"))["n"] or 0


def _centres(wanted: int) -> list[tuple]:
    """(centre, manager, worker, reception, persons) of the centres that get cases."""
    from jisr.accounts.models import User
    from jisr.network.models import Centre
    from jisr.registry.models import Person

    first = User.objects.filter(username="khadija").values_list("centre_id", flat=True).first()
    busiest = [row["registered_at"] for row in Person.objects.filter(merged_into=None)
               .values("registered_at").annotate(n=Count("pk")).order_by("-n")[:8]]
    ids = [i for i in [first, *busiest] if i][:6]
    out = []
    for centre in Centre.objects.filter(pk__in=ids, kind=Centre.Kind.JISR):
        staff = {role: User.objects.filter(centre=centre, role=role, is_active=True)
                 .order_by("-username").first()
                 for role in (Role.CENTRE_MANAGER, Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER)}
        if None in staff.values():
            continue
        # The demo personas' own accounts (youssef, amina) when at this centre.
        for role, username in ((Role.SOCIAL_WORKER, "youssef"),
                               (Role.RECEPTION_OFFICER, "amina"),
                               (Role.CENTRE_MANAGER, "khadija")):
            persona = User.objects.filter(username=username, centre=centre).first()
            staff[role] = persona or staff[role]
        persons = list(Person.objects.filter(registered_at=centre, merged_into=None)
                       .exclude(cases__isnull=False).order_by("pk")[:wanted])
        out.append((centre, staff[Role.CENTRE_MANAGER], staff[Role.SOCIAL_WORKER],
                    staff[Role.RECEPTION_OFFICER], persons))
    out.sort(key=lambda row: row[0].pk != first)
    return out


def _consent(person, worker, centre, rng) -> None:
    from jisr.registry.models import Consent

    purposes = [Consent.Purpose.CASE_FOLLOW_UP]
    if rng.random() < 0.7:
        purposes.append(Consent.Purpose.PARTNER_SHARING)
    if rng.random() < 0.6:
        purposes.append(Consent.Purpose.SMS_CONTACT)
    for purpose in purposes:
        Consent.objects.get_or_create(person=person, purpose=purpose, withdrawn_at=None,
                                      defaults={"method": Consent.Method.SIGNATURE,
                                                "recorded_by": worker, "centre": centre})


def _receiver(offering, manager):
    from jisr.accounts.models import User

    if offering.partner_id:
        return User.objects.filter(partner_id=offering.partner_id, role=Role.PARTNER_AGENT,
                                   is_active=True).order_by("-username").first()
    return User.objects.filter(centre_id=offering.centre_id, role=Role.CENTRE_MANAGER,
                               is_active=True).first() or manager


def _offerings(centre) -> list:
    from jisr.network.models import ServiceOffering

    region = centre.commune.province.region_id
    qs = ServiceOffering.objects.filter(status=ServiceOffering.Status.ACTIVE).select_related(
        "service", "partner", "centre")
    own = list(qs.filter(centre=centre)[:4])
    partners = list(qs.filter(partner__region_id=region)[:6])
    return own + partners


def _refer(case, worker, manager, offerings, rng, *, settle: bool) -> None:
    from jisr.cases import referral_services as referrals
    from jisr.core.exceptions import DomainError

    for offering in rng.sample(offerings, k=min(len(offerings), rng.choice([1, 1, 2]))):
        try:
            referral = referrals.referral_send(
                actor=worker, case=case, offering=offering,
                shared=["request"] if rng.random() < 0.5 else [])
        except DomainError:  # no consent to share, or the service closed: as in life
            continue
        receiver = _receiver(offering, manager)
        if receiver is None or referral.status != "sent" or rng.random() < 0.25:
            continue  # still waiting for its answer (some will be overdue)
        if rng.random() < 0.2:
            referrals.referral_decline(actor=receiver, referral=referral,
                                       reason="Pas de place avant plusieurs mois")
            continue
        referrals.referral_accept(actor=receiver, referral=referral)
        if settle:
            referrals.referral_deliver(actor=receiver, referral=referral,
                                       note="Service rendu, la personne est venue")


def _plan(case, worker, rng):
    from jisr.cases import pathway_services as pathways
    from jisr.cases.pathways import PathwayTemplate

    template = PathwayTemplate.objects.filter(code=rng.choice(TEMPLATES),
                                              status=PathwayTemplate.Status.PUBLISHED).first()
    if template is None:
        return None
    plan = pathways.plan_create(actor=worker, case=case, template=template)
    if rng.random() < 0.7:
        _complete_steps(plan, worker, count=1)
    return plan


def _complete_steps(plan, worker, *, count: int | None = None) -> None:
    from jisr.cases import pathway_services as pathways

    for step in list(plan.steps.filter(status__in=["pending", "in_progress"])
                     .order_by("order"))[:count]:
        outcome = step.outcome_choices[0]["code"] if step.outcome_choices else ""
        pathways.plan_step_complete(actor=worker, step=step, outcome=outcome,
                                    note="" if outcome else "Fait comme prévu")


def _take(case, target, staff, offerings, rng) -> None:
    from jisr.cases import casework_services, listening, selectors, services
    from jisr.cases import pathway_services as pathways
    from jisr.cases.pathways import FollowUp, Plan, PlanOutcome

    centre, manager, worker, reception = staff
    order = [t for t, _w in TARGETS]
    reach = order.index(target)
    if reach == 0:
        slots = selectors.free_slots(centre_id=centre.pk, worker=worker)
        if slots:
            services.appointment_book(actor=reception, case=case, worker=worker,
                                      start=rng.choice(slots[:6]).start)
        return
    draft = listening.listening_start(actor=worker, case=case)
    listening.listening_complete(actor=worker, listening=draft, answers=rng.choice(ANSWERS))
    if reach >= 2 and offerings:
        _refer(case, worker, manager, offerings, rng, settle=reach >= 3)
        case.refresh_from_db()
    if reach >= 3 and case.stage == "oriented":
        plan = _plan(case, worker, rng)
        if plan is not None and rng.random() < 0.5:
            casework_services.note_add(actor=worker, case=case,
                                       text="Entretien de suivi : la personne est motivée")
        if reach >= 4 and plan is not None:
            outcome = rng.choice([PlanOutcome.COMPLETED, PlanOutcome.COMPLETED,
                                  PlanOutcome.PARTIAL])
            if outcome == PlanOutcome.COMPLETED:
                _complete_steps(plan, worker)
            pathways.plan_finish(actor=worker, plan=plan, outcome=outcome,
                                 note="" if outcome == PlanOutcome.COMPLETED
                                 else "Une partie seulement du parcours a pu être faite")
            case.refresh_from_db()
            if case.stage == "in_pathway":
                services.case_start_follow_up(actor=worker, case=case)
            pathways.follow_up_schedule(
                actor=worker, case=case, kind=FollowUp.Kind.VISIT,
                due_date=timezone.localdate() + timedelta(days=rng.randint(1, 40)),
                worker=worker, plan=Plan.objects.filter(case=case).first())
    if target == "closed":
        case.refresh_from_db()
        services.case_close(actor=worker, case=case, reason=rng.choice(
            ["resolved", "resolved", "referred_out", "unreachable"]),
            note="Clôture après le parcours", satisfaction=rng.choice([3, 4, 4, 5, 5]),
            expected_stage=case.stage)


def _back_in_time(case, days: int) -> None:
    """Move the case's whole story ``days`` back: timeline, dates, deadlines."""
    from jisr.cases.models import Case, CaseEvent
    from jisr.cases.pathways import FollowUp, Plan, PlanStep
    from jisr.cases.questionnaires import Listening
    from jisr.cases.referrals import Referral

    if days <= 0:
        return
    delta = timedelta(days=days)

    def shift(model, fields, **lookup):
        for row in model.objects.filter(**lookup):
            for name in fields:
                value = getattr(row, name)
                if value is not None:
                    setattr(row, name, value - delta)
            row.save(update_fields=fields)

    shift(Case, ["opened_at", "stage_changed_at", "closed_at"], pk=case.pk)
    shift(CaseEvent, ["at"], case=case)
    shift(Referral, ["created_at", "sent_at", "due_at", "answered_at", "delivery_due_at",
                     "outcome_at"], case=case)
    shift(Plan, ["started_on", "created_at", "finished_at"], case=case)
    shift(PlanStep, ["due_date", "completed_at"], plan__case=case)
    shift(FollowUp, ["due_date", "scheduled_at", "recorded_at"], case=case)
    shift(Listening, ["started_at", "completed_at"], case=case)


def build(*, cases: int = DEFAULT_CASES, seed: int = 2026,
          bulk: bool | None = None) -> dict[str, int]:
    # Timeline notes are written in the language active when the step happens: the site's
    # (Arabic), as for a worker using the default language.
    with translation.override(settings.LANGUAGE_CODE):
        return _build(cases=cases, seed=seed, bulk=bulk)


def _build(*, cases: int, seed: int, bulk: bool | None) -> dict[str, int]:
    missing = cases - generated_so_far()
    if missing <= 0:
        return {}
    if bulk or (bulk is None and missing >= BULK_FROM):
        from jisr.cases import demo_bulk

        return demo_bulk.build(cases=cases, seed=seed)
    rng = random.Random(seed + generated_so_far())
    centres = _centres(missing)
    made = 0
    stages: dict[str, int] = {}
    weights = [w for _t, w in TARGETS]
    for centre, manager, worker, reception, persons in centres:
        offerings = _offerings(centre)
        share = max(1, missing // len(centres)) if centres else 0
        for person in persons[:share]:
            if made >= missing:
                break
            target = rng.choices([t for t, _w in TARGETS], weights)[0]
            with transaction.atomic():
                _consent(person, worker, centre, rng)
                case = services.case_open(
                    actor=reception, person=person, channel=rng.choice(
                        ["walk_in", "walk_in", "hotline", "mobile_team", "online"]),
                    request=rng.choice(REQUESTS), assigned_to=worker,
                    urgency="urgent" if rng.random() < 0.1 else "normal")
                _take(case, target, (centre, manager, worker, reception), offerings, rng)
                # Received cases stay recent (their interview is coming); the others are
                # spread over two years, more of them recent.
                if target != "received":
                    _back_in_time(case, int(rng.random() ** 2 * 700) + rng.randint(0, 20))
            case.refresh_from_db()
            stages[case.stage] = stages.get(case.stage, 0) + 1
            made += 1
    if made:
        audit.record_bulk(actor=None, action=AUDIT_ACTION, object_type="cases.case",
                          count=made)
    return {"cases": made, **{f"at {stage}": n for stage, n in sorted(stages.items())}}
