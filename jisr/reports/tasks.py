"""Background work of the reports: thin tasks over the services (safe to run twice)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from jisr.core.periodic import periodic
from jisr.reports import aggregates


@periodic(every=timedelta(minutes=15))
@task()
def refresh_kpis() -> int:
    """Bring the activity figures up to date (the months since the last refresh); returns
    the number of figures written."""
    return aggregates.kpis_refresh().cells


@task()
def build_activity_report(report_id: int) -> str:
    from jisr.reports import monthly

    return monthly.activity_report_build(report_id=report_id).status
