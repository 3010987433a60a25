"""Activity figures: filled from the timeline by the refresh job, read by managers for their
centre and by coordinators for their territory (small cells suppressed), nothing for the
others; the page's queries do not grow with the cases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jisr.cases import services
from jisr.cases.models import CaseEvent
from jisr.core.models import AuditEntry
from jisr.registry.models import Consent
from jisr.reports import aggregates, selectors
from jisr.reports.forms import KpiFilterForm
from jisr.reports.models import CaseloadCell, KpiCell, KpiRefresh
from jisr.testing.person_factories import PersonFactory


def _cases(world, n, *, listen_after_days=None):
    cases = []
    for i in range(n):
        person = PersonFactory(registered_at=world.centre_marrakech, sex="female",
                               birth_year=1990,
                               vulnerabilities=["woman_difficult_situation"])
        Consent.objects.create(person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
                               method=Consent.Method.SIGNATURE, recorded_by=world.youssef,
                               centre=world.centre_marrakech)
        case = services.case_open(actor=world.users["amina"], person=person,
                                  channel="walk_in", request=f"Demande {i}",
                                  assigned_to=world.users["youssef"])
        if listen_after_days is not None:
            # The timeline entry of a listening held that many days after the reception
            # (the interview itself is the cases' business, tested there).
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STAGE,
                                     from_stage="received", to_stage="listened",
                                     centre=case.lead_centre, actor=world.youssef,
                                     at=case.opened_at + timedelta(days=listen_after_days))
        cases.append(case)
    return cases


def _figure(report, key, row=None):
    index = [f.key for f in report["figures"]].index(key)
    values = report["total"] if row is None else row
    return values[index]


def test_the_refresh_counts_receptions_and_the_time_to_listening(world):
    _cases(world, 6, listen_after_days=2)
    refresh = aggregates.kpis_refresh()
    assert refresh.cells > 0 and refresh.full
    report = selectors.kpi_report(user=world.khadija, filters=KpiFilterForm.default())
    # The world's two Marrakech cases and the six new ones.
    assert _figure(report, "received").value == 8
    assert _figure(report, "listened").value == 6
    assert _figure(report, "days_to_listening").value == 2.0
    assert AuditEntry.objects.filter(action="reports.kpis.refresh", kind="bulk").exists()


def test_the_breakdown_by_category_counts_only_those_persons(world):
    _cases(world, 6)
    aggregates.kpis_refresh()
    filters = KpiFilterForm({"category": "woman_difficult_situation"})
    assert filters.is_valid()
    report = selectors.kpi_report(user=world.khadija, filters=filters.filters())
    assert _figure(report, "received").value == 6
    filters = KpiFilterForm({"sex": "male"})
    assert filters.is_valid()
    assert KpiCell.objects.filter(sex="female", age_group="30-44").exists()


def test_an_incremental_refresh_counts_new_events_and_keeps_older_months(world):
    aggregates.kpis_refresh()
    old_month = (timezone.localdate().replace(day=1) - timedelta(days=200)).replace(day=1)
    KpiCell.objects.create(centre=world.centre_marrakech, month=old_month,
                           metric="cases_received", sex="male", age_group="?", count=3)
    _cases(world, 2)
    refresh = aggregates.kpis_refresh()
    assert not refresh.full and refresh.from_month is not None
    assert KpiCell.objects.filter(month=old_month).exists()
    report = selectors.kpi_report(user=world.khadija, filters=KpiFilterForm.default())
    assert _figure(report, "received").value == 4 + 3


def test_the_caseload_snapshot_counts_open_cases_per_worker(world):
    _cases(world, 2)
    aggregates.kpis_refresh()
    mine = CaseloadCell.objects.get(centre=world.centre_marrakech, worker=world.youssef)
    assert mine.open_cases == 4 and mine.urgent == 1


def test_the_manager_sees_exact_counts_of_her_centre_only(world, client_for):
    aggregates.kpis_refresh()
    page = client_for("khadija").get("/reports/").content.decode()
    assert world.centre_marrakech.name in page
    assert world.centre_oujda.name not in page and world.centre_safi.name not in page
    detail = client_for("khadija").get(f"/reports/centres/{world.centre_marrakech.pk}/")
    assert detail.status_code == 200
    assert world.youssef.display_name in detail.content.decode()


def test_a_coordinator_sees_the_territory_with_small_cells_suppressed(world, client_for):
    aggregates.kpis_refresh()
    report = selectors.kpi_report(user=world.users["omar"], filters=KpiFilterForm.default())
    names = {c.name for c, _values in report["rows"]}
    assert world.centre_marrakech.name in names and world.centre_safi.name in names
    assert world.centre_oujda.name not in names
    received = _figure(report, "received")
    assert received.value is None and received.suppressed  # two cases: fewer than five
    page = client_for("omar").get(f"/reports/centres/{world.centre_marrakech.pk}/")
    assert page.status_code == 200
    assert world.youssef.display_name in page.content.decode()


@pytest.mark.parametrize("name", ["karim", "youssef", "amina", "rachid", "said"])
def test_the_outsider_and_roles_without_the_figures_get_nothing(world, client_for, name):
    aggregates.kpis_refresh()
    client = client_for(name)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/centres/{world.centre_marrakech.pk}/").status_code == 403


def test_a_centre_outside_the_scope_is_not_found(world, client_for):
    aggregates.kpis_refresh()
    response = client_for("khadija").get(f"/reports/centres/{world.centre_oujda.pk}/")
    assert response.status_code == 404
    response = client_for("laila").get(f"/reports/centres/{world.centre_oujda.pk}/")
    assert response.status_code == 404


def test_a_bad_month_is_refused_with_a_translated_error(world, client_for):
    page = client_for("khadija", "fr").get("/reports/?month_from=2026-13").content.decode()
    assert "Indiquez un mois au format AAAA-MM." in page
    assert KpiRefresh.objects.count() == 0


def test_the_page_reads_aggregates_whatever_the_number_of_cases(world, client_for):
    client = client_for("omar")
    url = f"/reports/?month_from={timezone.localdate():%Y-%m}"
    _cases(world, 2)
    aggregates.kpis_refresh(full=True)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _cases(world, 12, listen_after_days=1)
    aggregates.kpis_refresh(full=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    tables = " ".join(q["sql"] for q in many.captured_queries)
    assert "cases_case" not in tables and "cases_caseevent" not in tables
