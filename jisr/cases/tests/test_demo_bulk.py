"""Demo cases in bulk (demo_bulk.py): the rows the services would write, loaded at once, at
every stage with consistent timelines, referrals and plans, counted once, and readable by
the work views and the figures (and not by an outsider)."""

from datetime import timedelta
from math import ceil

from django.db.models import Count, F, Max
from django.utils import timezone

from jisr.accounts import demo as accounts_demo
from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.cases import demo, demo_bulk, referral_services, work
from jisr.cases.models import Appointment, Case, CaseEvent
from jisr.cases.pathways import FollowUp, Plan, PlanStep
from jisr.cases.referrals import Referral
from jisr.core.models import AuditEntry
from jisr.network.models import ServiceOffering
from jisr.registry.models import Consent, PersonFollow
from jisr.reports.aggregates import kpis_refresh
from jisr.reports.models import KpiCell
from jisr.testing.person_factories import PersonFactory


def _bulk_cases(world, count=40, persons=50):
    for i in range(persons):
        PersonFactory(registered_at=world.centre_marrakech, first_name_lat=f"Bulk{i}")
    before = set(Case.objects.values_list("pk", flat=True))
    counts = demo.build(cases=count, seed=11, bulk=True)
    return counts, Case.objects.exclude(pk__in=before)


def test_stage_plan_follows_the_demo_distribution_and_has_every_stage():
    import random

    targets = demo_bulk.stage_plan(40, random.Random(1))
    assert len(targets) == 40
    assert {t: targets.count(t) for t in set(targets)} == {
        "received": 6, "listened": 6, "oriented": 8, "in_pathway": 10, "follow_up": 4,
        "closed": 6}


def test_bulk_demo_cases_reach_every_stage_once_per_person_and_are_made_once(world):
    counts, cases = _bulk_cases(world)
    assert counts["cases"] == 40 and cases.count() == 40
    assert set(cases.values_list("stage", flat=True)) == set(demo_bulk.ORDER)
    assert not cases.exclude(lead_centre=world.centre_marrakech).exists()
    assert not cases.exclude(person__registered_at=world.centre_marrakech).exists()
    # Persons who had no case yet: one case each.
    assert not Case.objects.filter(person__in=cases.values("person")).values("person") \
        .annotate(n=Count("pk")).filter(n__gt=1).exists()
    for case in cases:
        assert Consent.objects.filter(person=case.person, purpose="case_follow_up",
                                      withdrawn_at=None).count() == 1
        assert PersonFollow.objects.filter(person=case.person, centre=case.lead_centre,
                                           until=None).count() == 1
    entry = AuditEntry.objects.get(action=demo.AUDIT_ACTION)
    assert entry.kind == "bulk" and entry.count == 40
    # A second run adds nothing, by either path.
    assert demo.build(cases=40, seed=11, bulk=True) == {}
    assert demo.build(cases=40, seed=11) == {}
    assert Case.objects.count() == len(set(Case.objects.values_list("pk", flat=True)))
    assert cases.count() == 40


def test_bulk_demo_timelines_are_consistent(world):
    _counts, cases = _bulk_cases(world)
    now = timezone.now()
    oldest = now
    for case in cases:
        events = list(case.events.order_by("at", "pk"))
        assert events[0].kind == CaseEvent.Kind.OPENED and events[0].at == case.opened_at
        assert [e for e in events if e.kind == CaseEvent.Kind.OPENED] == events[:1]
        assert all(e.centre_id == case.lead_centre_id for e in events)
        moves = [e for e in events if e.kind in (CaseEvent.Kind.STAGE, CaseEvent.Kind.CLOSED)]
        path = ["received"] + [e.to_stage for e in moves]
        assert path == demo_bulk.ORDER[:len(path)] and path[-1] == case.stage
        assert case.stage_changed_at == (moves[-1].at if moves else case.opened_at)
        assert all(e.at <= now for e in events)
        assert (case.closed_at is not None) == (case.stage == "closed")
        if case.stage == "closed":
            assert case.close_reason and case.stage_before_close == "follow_up"
        oldest = min(oldest, case.opened_at)
    assert (now - oldest).days > 30
    received = cases.filter(stage="received")
    assert Appointment.objects.filter(case__in=received, status="booked",
                                      start__gt=now).count() == received.count()
    # A worker is never booked twice at the same time.
    assert not Appointment.objects.values("worker", "start").annotate(n=Count("pk")) \
        .filter(n__gt=1).exists()


def test_bulk_demo_referrals_and_plans_fit_the_stage(world):
    _counts, cases = _bulk_cases(world)
    region = world.centre_marrakech.commune.province.region_id
    referrals = Referral.objects.filter(case__in=cases)
    assert referrals.exists()
    assert not referrals.filter(case__stage__in=["received", "listened"]).exists()
    assert not referrals.exclude(from_centre=world.centre_marrakech).exists()
    for referral in referrals.select_related("offering__partner"):
        offering = referral.offering
        assert offering.status == ServiceOffering.Status.ACTIVE
        assert offering.centre_id == world.centre_marrakech.pk or \
            offering.partner.region_id == region
        if referral.status == "waiting" or referral.decline_reason == demo_bulk.NO_PLACE:
            # The waiting list (and declined from it): never sent, no deadline.
            assert referral.sent_at is None and referral.due_at is None
        else:
            assert referral.sent_at and referral.due_at > referral.sent_at
        if referral.status in ("accepted", "declined", "delivered", "not_delivered"):
            assert referral.answered_at >= referral.created_at and referral.answered_by_id
        if referral.status in ("delivered", "not_delivered"):
            assert referral.outcome_at >= referral.answered_at
        # Every ending says why, as the services require.
        assert referral.status != "declined" or len(referral.decline_reason) >= 10
        assert referral.status != "not_delivered" or len(referral.outcome_note) >= 10
        assert referral.status != "withdrawn" or len(referral.withdraw_reason) >= 10
    # Referrals settle: those of cases past their pathway have all ended, those of cases in
    # a pathway are accepted only while the service goes on (recently), never unanswered.
    assert not referrals.filter(case__stage__in=["follow_up", "closed"],
                                status__in=Referral.OPEN).exists()
    assert not referrals.filter(case__stage="in_pathway", status="sent").exists()
    longest = timedelta(days=demo_bulk.SERVICE_DAYS[1])
    assert not referrals.filter(case__stage="in_pathway", status="accepted",
                                answered_at__lt=timezone.now() - longest).exists()
    planned = cases.filter(stage__in=["in_pathway", "follow_up", "closed"])
    assert Plan.objects.filter(case__in=planned).count() == planned.count()
    assert not Plan.objects.filter(case__stage__in=["received", "listened", "oriented"],
                                   case__in=cases).exists()
    assert not Plan.objects.filter(case__stage="in_pathway", status="finished").exists()
    for plan in Plan.objects.filter(case__in=cases).select_related("template"):
        template_steps = list(plan.template.steps.values_list("name_fr", flat=True))
        assert list(plan.steps.values_list("name_fr", flat=True)) == template_steps
        if plan.status == "finished":
            assert not plan.steps.filter(status__in=PlanStep.OPEN).exists()
    assert FollowUp.objects.filter(case__in=cases.filter(stage="follow_up")).count() == \
        cases.filter(stage="follow_up").count()
    assert Referral.objects.filter(case__in=cases).aggregate(m=Max("created_at"))["m"] \
        <= timezone.now()


def test_bulk_demo_cases_feed_the_work_views_and_figures_not_the_outsider(world):
    _counts, cases = _bulk_cases(world)
    mine = work.my_work(user=world.youssef)
    assert mine["overdue"] or mine["upcoming"]
    assert set(cases.values_list("assigned_to", flat=True)) == {world.youssef.pk}
    kpis_refresh(full=True)
    assert KpiCell.objects.filter(centre=world.centre_marrakech,
                                  metric="cases_received").count() > 1
    assert not policy.cases_for(world.karim).filter(pk__in=cases).exists()
    assert policy.cases_for(world.youssef).filter(pk__in=cases).count() == 40


def test_more_cases_than_free_persons_gives_them_earlier_closed_episodes(world):
    for i in range(10):
        PersonFactory(registered_at=world.centre_marrakech, first_name_lat=f"Again{i}")
    free = sum(len(p) for _c, p in demo_bulk._centres(10_000))
    before = set(Case.objects.values_list("pk", flat=True))
    counts = demo.build(cases=free + 6, seed=3, bulk=True)
    assert counts["cases"] == free + 6
    cases = Case.objects.exclude(pk__in=before)
    persons = cases.values("person").annotate(n=Count("pk")).filter(n__gt=1)
    assert persons.count() == 6
    for row in persons:
        episodes = list(Case.objects.filter(person=row["person"]).order_by("opened_at"))
        assert all(e.stage == "closed" for e in episodes[:-1])
        consent = Consent.objects.get(person=row["person"], purpose="case_follow_up")
        assert consent.given_at < episodes[0].opened_at
        for earlier, later in zip(episodes, episodes[1:], strict=False):
            assert earlier.closed_at < later.opened_at
    # Never two open cases for a person (of the world's, one has two: not generated).
    assert not cases.exclude(stage="closed").values("person").annotate(
        n=Count("pk")).filter(n__gt=1).exists()


def test_bulk_demo_cases_open_in_the_pages_of_the_worker_not_the_outsider(world, client_for):
    _counts, cases = _bulk_cases(world)
    worker, outsider = client_for("youssef", "fr"), client_for("karim", "fr")
    for stage in demo_bulk.ORDER:
        case = cases.filter(stage=stage).first()
        assert worker.get(f"/cases/{case.pk}/").status_code == 200
        assert outsider.get(f"/cases/{case.pk}/").status_code in (403, 404)
    for url in ("/cases/work/", "/cases/work/queues/"):
        assert worker.get(url).status_code == 200


def _open_caseloads(centre):
    return dict(Case.objects.filter(lead_centre=centre).exclude(stage="closed")
                .values_list("assigned_to").annotate(n=Count("pk")).order_by())


def test_bulk_demo_staffs_each_centre_for_a_realistic_caseload(world, monkeypatch):
    # Given a caseload of 8 open cases a worker (130 in the demo: a test of 60 cases)
    monkeypatch.setattr(demo_bulk, "CASELOAD", 8)
    centre = world.centre_marrakech
    staff_before = set(User.objects.values_list("pk", flat=True))
    # When 60 cases are loaded at the Marrakech centre
    _counts, cases = _bulk_cases(world, count=60, persons=60)
    # Then the centre has the workers its open cases need, none above the caseload, the new
    # open cases shared evenly (the least loaded first), youssef among them.
    opened = cases.exclude(stage="closed")
    new = User.objects.exclude(pk__in=staff_before)
    workers = new.filter(role=Role.SOCIAL_WORKER)
    assert workers.exists() and not new.exclude(centre=centre).exists()
    loads = _open_caseloads(centre)
    takers = set(opened.values_list("assigned_to", flat=True))
    assert world.youssef.pk in takers and set(workers.values_list("pk", flat=True)) <= takers
    assert all(loads[w] <= demo_bulk.CASELOAD for w in takers)
    assert max(loads[w] for w in takers) - min(loads[w] for w in takers) <= 1
    team = User.objects.filter(centre=centre, role=Role.SOCIAL_WORKER, is_active=True)
    assert set(cases.values_list("assigned_to", flat=True)) <= set(
        team.values_list("pk", flat=True))
    # A reception officer for every four workers, amina first among them.
    desks = User.objects.filter(centre=centre, role=Role.RECEPTION_OFFICER, is_active=True)
    assert desks.count() >= ceil(len(takers) / demo_bulk.WORKERS_PER_RECEPTION)
    assert set(cases.values_list("opened_by", flat=True)) <= set(
        desks.values_list("pk", flat=True))
    assert world.amina.pk in set(cases.values_list("opened_by", flat=True))
    # Demo accounts named as accounts/demo.py names them, in both scripts, one audit entry.
    for user in new:
        assert user.username.startswith("jis-07.351.01.0.social-") or \
            user.username.startswith("jis-07.351.01.0.reception-")
        assert user.first_name and user.last_name and user.full_name_ar
        assert user.check_password(accounts_demo.password())
    entry = AuditEntry.objects.get(action="accounts.demo.staff")
    assert entry.kind == "bulk" and entry.count == new.count()
    # Each case's work goes to its worker: stage changes, plan steps, follow-ups,
    # listening appointments and referrals.
    for case in cases.prefetch_related("events", "plans__steps", "follow_ups", "referrals",
                                       "appointments"):
        worker = case.assigned_to_id
        assert {e.actor_id for e in case.events.all() if e.kind != "opened"} <= {worker}
        assert {s.owner_id for p in case.plans.all() for s in p.steps.all()} <= {worker, None}
        assert {f.worker_id for f in case.follow_ups.all()} <= {worker}
        assert {a.worker_id for a in case.appointments.all()} <= {worker}
        assert {r.referred_by_id for r in case.referrals.all()} <= {worker}
    # A second run adds nothing, no staff either; the outsider reads none of the cases.
    users = User.objects.count()
    assert demo.build(cases=60, seed=11, bulk=True) == {}
    assert User.objects.count() == users
    assert AuditEntry.objects.filter(action="accounts.demo.staff").count() == 1
    assert not policy.cases_for(world.karim).filter(pk__in=cases).exists()


def test_bulk_demo_staffs_only_what_is_missing_when_more_cases_come(world, monkeypatch):
    monkeypatch.setattr(demo_bulk, "CASELOAD", 8)
    _bulk_cases(world, count=30, persons=30)
    first = set(User.objects.values_list("username", flat=True))
    # More persons, more cases: only the workers still missing are added, numbered on.
    _counts, cases = _bulk_cases(world, count=60, persons=30)
    added = set(User.objects.values_list("username", flat=True)) - first
    assert added and all(".social-" in name or ".reception-" in name for name in added)
    loads = _open_caseloads(world.centre_marrakech)
    assert all(loads[w] <= demo_bulk.CASELOAD
               for w in cases.exclude(stage="closed").values_list("assigned_to", flat=True))


def test_bulk_demo_referrals_respect_capacity_and_queue_the_rest(world):
    # Given two small services, one of whose places is already held by a referral
    mine, partner = world.offerings["marrakech"], world.offerings["partner_marrakech"]
    ServiceOffering.objects.filter(pk=mine.pk).update(capacity=2)
    ServiceOffering.objects.filter(pk=partner.pk).update(capacity=1)
    now = timezone.now()
    Referral.objects.create(case=world.cases["marrakech"], offering=mine,
                            from_centre=world.centre_marrakech, status="sent",
                            referred_by=world.youssef, created_at=now, sent_at=now,
                            due_at=now + timedelta(days=7))
    # When 120 cases are loaded (about 24 oriented, 30 in a pathway)
    _counts, cases = _bulk_cases(world, count=120, persons=120)
    # Then no service holds more places than it has; the others wait, at most
    # QUEUE_FACTOR times its places, oldest first, never sent; beyond, "no place".
    referrals = Referral.objects.filter(case__in=cases)
    for offering in ServiceOffering.objects.filter(pk__in=[mine.pk, partner.pk]):
        held = Referral.objects.filter(offering=offering, status__in=Referral.HOLDS_PLACE)
        assert held.count() <= offering.capacity
        assert not referral_services.has_free_place(offering) or not Referral.objects.filter(
            offering=offering, status="waiting").exists()
        waiting = list(Referral.objects.filter(offering=offering, status="waiting")
                       .order_by("created_at", "pk"))
        assert len(waiting) <= demo_bulk.QUEUE_FACTOR * offering.capacity
        assert [referral_services.queue_position(r) for r in waiting] == \
            list(range(1, len(waiting) + 1))
        assert all(r.sent_at is None and r.due_at is None and r.answered_at is None
                   for r in waiting)
        # The services agree: nothing to move up from the list.
        assert referral_services.promote_waiting(offering=offering) == []
    assert referrals.filter(status="waiting").exists()
    assert referrals.filter(status="declined", decline_reason=demo_bulk.NO_PLACE,
                            sent_at=None).exists()
    assert not referrals.filter(case__stage__in=["received", "listened", "follow_up",
                                                 "closed"], status__in=Referral.OPEN).exists()


def test_bulk_demo_referrals_leave_the_deadline_job_no_backlog(world):
    """As if the job had run all along: deadlines within a day were reminded, past ones
    flagged, so its first run after the load tells nobody anything old (at two million
    cases a backlog was thousands of reminders to every receiver, for minutes)."""
    _counts, cases = _bulk_cases(world, count=120, persons=130)
    referrals = Referral.objects.filter(case__in=cases)
    now = timezone.now()
    soon = now + referral_services.REMIND_BEFORE
    assert not referrals.filter(status="sent", due_at__lte=soon, reminded_at=None).exists()
    assert not referrals.filter(status="accepted", delivery_due_at__lte=soon,
                                delivery_reminded_at=None).exists()
    assert not referrals.filter(status="sent", due_at__gt=soon).exclude(
        reminded_at=None).exists()
    Referral.objects.exclude(case__in=cases).delete()  # the shared world's own
    counts = referral_services.referrals_check_deadlines()
    assert {k: v for k, v in counts.items() if k != "promoted"} == {
        "reminded": 0, "overdue": 0, "delivery_reminded": 0, "delivery_overdue": 0}


def test_bulk_demo_steps_leave_the_pathway_reminders_no_backlog(world):
    """Open steps already past due were reminded when they fell due: the hourly job's first
    run after the load finds none of them (a quarter of a million at two million cases)."""
    from jisr.cases.pathway_services import pathway_reminders_send

    _counts, cases = _bulk_cases(world, count=120, persons=130)
    steps = PlanStep.objects.filter(plan__case__in=cases, status__in=PlanStep.OPEN,
                                    owner__isnull=False)
    overdue = steps.filter(due_date__lt=timezone.localdate())
    assert overdue.exists()
    assert not overdue.filter(overdue_reminded_for=None).exists()
    assert not steps.filter(due_date__gte=timezone.localdate()).exclude(
        overdue_reminded_for=None).exists()
    PlanStep.objects.exclude(plan__case__in=cases).update(
        overdue_reminded_for=F("due_date"))  # the shared world's own
    assert pathway_reminders_send()["steps"] == 0
