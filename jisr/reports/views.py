"""The activity figures page: a manager's centre, a coordinator's territory with a row per
centre and a drill-down to each."""

from __future__ import annotations

from dataclasses import replace

from django.shortcuts import render

from jisr.core.views import permission_required
from jisr.reports import selectors
from jisr.reports.forms import KpiFilterForm


@permission_required("reports.view_kpis")
def kpis(request, centre_id: int | None = None):
    form = KpiFilterForm(request.GET or None)
    filters = form.filters(centre_id) if form.is_valid() else None
    if filters is None:
        # A bad filter shows its error and the default period, not an error page.
        filters = replace(KpiFilterForm.default(), centre_id=centre_id)
    report = selectors.kpi_report(user=request.user, filters=filters)
    query = request.GET.urlencode()
    return render(request, "reports/kpis.html", {"form": form, "report": report,
                                                 "filters": filters, "query": query})
