"""Demo cases: made through the services at every stage, spread back in time, counted once
(a second run adds nothing), and giving the work views and the activity figures work."""

from django.utils import timezone

from jisr.cases import demo, work
from jisr.cases.models import Case, CaseEvent
from jisr.core.models import AuditEntry
from jisr.reports.aggregates import kpis_refresh
from jisr.reports.models import KpiCell
from jisr.testing.person_factories import PersonFactory


def test_demo_cases_reach_every_stage_and_are_made_once(world):
    for i in range(30):
        PersonFactory(registered_at=world.centre_marrakech, first_name_lat=f"Demo{i}")
    before = Case.objects.count()
    counts = demo.build(cases=30, seed=7)
    assert counts["cases"] == 30
    assert Case.objects.count() == before + 30
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"received", "listened", "in_pathway", "closed"} <= stages
    entry = AuditEntry.objects.get(action=demo.AUDIT_ACTION)
    assert entry.kind == "bulk" and entry.count == 30
    assert demo.build(cases=30, seed=7) == {}
    assert Case.objects.count() == before + 30
    # Spread over time: some timelines start months ago, and the figures see them.
    oldest = CaseEvent.objects.order_by("at").first().at
    assert (timezone.now() - oldest).days > 30
    kpis_refresh(full=True)
    assert KpiCell.objects.filter(centre=world.centre_marrakech,
                                  metric="cases_received").count() > 1
    mine = work.my_work(user=world.youssef)
    assert mine["overdue"] or mine["upcoming"]
