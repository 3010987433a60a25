"""The activity figures page (a manager's centre, a coordinator's territory with a row per
centre and a drill-down to each) and its monthly reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required
from jisr.reports import monthly, selectors
from jisr.reports.forms import KpiFilterForm, MonthlyReportForm

PERMISSION = "reports.view_kpis"


def _page(request, centre_id, report_form=None, status=200):
    form = KpiFilterForm(request.GET or None)
    filters = form.filters(centre_id) if form.is_valid() else None
    if filters is None:
        # A bad filter shows its error and the default period, not an error page.
        filters = replace(KpiFilterForm.default(), centre_id=centre_id)
    report = selectors.kpi_report(user=request.user, filters=filters)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1))
    report_form = report_form or MonthlyReportForm(initial={
        "month": f"{last_month:%Y-%m}", "language": request.LANGUAGE_CODE
        if request.LANGUAGE_CODE in ("ar", "fr") else "ar"})
    return render(request, "reports/kpis.html", {
        "form": form, "report": report, "filters": filters, "query": request.GET.urlencode(),
        "report_form": report_form, "centre_id": centre_id,
        "monthly": selectors.activity_reports_for(user=request.user)[:5]}, status=status)


@permission_required(PERMISSION)
def kpis(request, centre_id: int | None = None):
    return _page(request, centre_id)


@permission_required(PERMISSION)
@require_POST
def monthly_request(request, centre_id: int | None = None):
    form = MonthlyReportForm(request.POST)
    if form.is_valid():
        centre = (policy.get_or_404(policy.kpi_centres_for(request.user), pk=centre_id)
                  if centre_id else None)
        try:
            report = monthly.activity_report_request(
                actor=request.user, month=form.cleaned_data["month"],
                language=form.cleaned_data["language"], centre=centre)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, monthly.requested_message())
            page = (reverse("reports:kpis_centre", args=[centre_id]) if centre_id
                    else reverse("reports:kpis"))
            return redirect(f"{page}#report-{report.pk}")
    return _page(request, centre_id, report_form=form, status=400)


@permission_required(PERMISSION)
def monthly_detail(request, report_id: int):
    """One report's line: its progress, polled by htmx, then its download links."""
    item = policy.get_or_404(selectors.activity_reports_for(user=request.user), pk=report_id)
    return render(request, "reports/_monthly.html", {"item": item})


@permission_required(PERMISSION)
def monthly_file(request, report_id: int, kind: str):
    item = policy.get_or_404(selectors.activity_reports_for(user=request.user), pk=report_id)
    name = {"xlsx": item.xlsx_name, "pdf": item.pdf_name}.get(kind)
    if not name or not default_storage.exists(name):
        raise Http404()
    scope = (item.centre.code if item.centre_id else "territory").replace("/", "-")
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True,
                        filename=f"jisr-activity-{scope}-{item.month:%Y-%m}-{item.language}."
                                 f"{kind}")
