"""Demo cases in bulk (demo_bulk.py): the rows the services would write, loaded at once, at
every stage with consistent timelines, referrals and plans, counted once, and readable by
the work views and the figures (and not by an outsider)."""

from django.db.models import Count, Max
from django.utils import timezone

from jisr.accounts import policy
from jisr.cases import demo, demo_bulk, work
from jisr.cases.models import Appointment, Case, CaseEvent
from jisr.cases.pathways import FollowUp, Plan, PlanStep
from jisr.cases.referrals import Referral
from jisr.core.models import AuditEntry
from jisr.network.models import ServiceOffering
from jisr.registry.models import Consent, PersonFollow
from jisr.reports.aggregates import kpis_refresh
from jisr.reports.models import KpiCell
from jisr.testing.person_factories import PersonFactory


def _bulk_cases(world, count=40):
    for i in range(50):
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
        if referral.status != "declined":
            assert referral.sent_at and referral.due_at > referral.sent_at
        if referral.status in ("accepted", "declined", "delivered"):
            assert referral.answered_at >= referral.sent_at and referral.answered_by_id
        if referral.status == "delivered":
            assert referral.outcome_at >= referral.answered_at
    assert not referrals.filter(case__stage__in=["in_pathway", "follow_up", "closed"],
                                status="sent").exists()
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
    free = sum(len(p) for _c, _s, p in demo_bulk._centres(10_000))
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
