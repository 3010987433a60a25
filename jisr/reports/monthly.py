"""The monthly activity report: asked on the figures page, built by a background task into a
workbook and a printed document, downloaded by the person who asked.

The report is built with the requester's own access (``selectors.kpi_report(user=…)``), so
it holds exactly what that person may see on the page, small cells suppressed alike.
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import ValidationFailed
from jisr.core.pdf import PDF_LANGUAGES, render_pdf
from jisr.registry.models import Sex, Vulnerability
from jisr.reports import selectors
from jisr.reports.models import ActivityReport, AgeGroup
from jisr.reports.selectors import KpiFilters

logger = logging.getLogger(__name__)


@dataclass
class Table:
    title: str
    heading: str
    rows: list  # (label, [Value…])


def _table_by_centre(user, report: ActivityReport) -> tuple[Table, list]:
    filters = KpiFilters(month_from=report.month, month_to=report.month,
                         centre_id=report.centre_id)
    data = selectors.kpi_report(user=user, filters=filters)
    if report.centre_id:
        rows = [(report.centre.name, data["total"])]
    else:
        rows = [(centre.name, values) for centre, values in data["rows"]]
    rows.append((_("Total"), data["total"]))
    return Table(_("Figures by centre"), _("Centre"), rows), data["figures"]


def _table_by(user, report: ActivityReport, title: str, heading: str, field: str,
              choices) -> Table:
    rows = []
    for value, label in choices:
        filters = KpiFilters(month_from=report.month, month_to=report.month,
                             centre_id=report.centre_id, **{field: value})
        rows.append((str(label), selectors.kpi_report(user=user, filters=filters)["total"]))
    return Table(title, heading, rows)


def _tables(user, report: ActivityReport, step) -> tuple[list[Table], list]:
    main, figures = _table_by_centre(user, report)
    step(25)
    tables = [main, _table_by(user, report, _("By sex"), _("Sex"), "sex", Sex.choices)]
    step(40)
    tables.append(_table_by(user, report, _("By age group"), _("Age group"), "age_group",
                            AgeGroup.choices))
    step(55)
    tables.append(_table_by(user, report, _("By vulnerability category"),
                            _("Vulnerability category"), "category", Vulnerability.choices))
    step(70)
    return tables, figures


def _cell(value, small: int):
    if value.suppressed:
        return _("fewer than %(n)s") % {"n": small}
    if value.value is None:
        return "—"
    return f"{value.value} %" if value.kind == "rate" else value.value


def _xlsx(report: ActivityReport, tables: list[Table], figures: list, scope: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    rtl = report.language == "ar"
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.sheet_view.rightToLeft = rtl
        sheet.append([_("Monthly activity report"), scope, f"{report.month:%Y-%m}"])
        sheet.append([])
        sheet.append([table.heading] + [str(f.label) for f in figures])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for label, values in table.rows:
            sheet.append([label] + [_cell(v, selectors.SMALL_CELL) for v in values])
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scope_label(report: ActivityReport) -> str:
    if report.centre_id:
        return report.centre.name
    scope = report.requested_by.scope
    return scope.name if scope is not None else _("All centres of the network")


def activity_report_request(*, actor, month, language: str, centre=None) -> ActivityReport:
    """Ask for a monthly report of one centre (or every centre of the actor's scope) in
    ``language``; it is built in the background once the request commits."""
    policy.check_perm(actor, "reports.view_kpis")
    if centre is not None:
        centre = policy.get_or_404(policy.kpi_centres_for(actor), pk=centre.pk)
    if language not in PDF_LANGUAGES:
        raise ValidationFailed(fields={"language": [gettext_lazy(
            "Choose Arabic or French.")]})
    if month > timezone.localdate().replace(day=1):
        raise ValidationFailed(fields={"month": [gettext_lazy(
            "Choose this month or an earlier one.")]})
    with transaction.atomic():
        report = ActivityReport.objects.create(requested_by=actor, centre=centre,
                                               month=month.replace(day=1), language=language)
        audit.record(actor=actor, action="reports.activity_report.create", obj=report,
                     after=audit.snapshot(report, ActivityReport.AUDIT_VALUE_FIELDS))
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from jisr.reports.tasks import build_activity_report

    build_activity_report.enqueue(report_id)


def _save_progress(report: ActivityReport, progress: int, **fields) -> None:
    report.progress = progress
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=["progress", *fields])


def activity_report_build(*, report_id: int) -> ActivityReport:
    """Build the report's two files (safe to run twice: a finished report is left as is)."""
    claimed = ActivityReport.objects.filter(pk=report_id, status=ActivityReport.Status.QUEUED
                                            ).update(status=ActivityReport.Status.RUNNING)
    report = ActivityReport.objects.select_related("centre", "requested_by").get(pk=report_id)
    if not claimed:
        return report
    try:
        with translation.override(report.language):
            scope = scope_label(report)
            tables, figures = _tables(report.requested_by, report,
                                      lambda p: _save_progress(report, p))
            token = secrets.token_hex(8)
            base = f"reports/{report.pk}-{token}/{report.month:%Y-%m}-{report.language}"
            xlsx = default_storage.save(f"{base}.xlsx", ContentFile(
                _xlsx(report, tables, figures, scope)))
            _save_progress(report, 85)
            reference = f"RA-{report.pk:06d}"
            pdf = default_storage.save(f"{base}.pdf", ContentFile(render_pdf(
                "reports/monthly_pdf.html", {"report": report, "tables": tables,
                                             "figures": figures, "scope": scope,
                                             "small": selectors.SMALL_CELL},
                language=report.language, reference=reference,
                title=_("Monthly activity report"), centre=report.centre)))
        _save_progress(report, 100, status=ActivityReport.Status.DONE, xlsx_name=xlsx,
                       pdf_name=pdf, finished_at=timezone.now())
    except Exception as exc:  # the requester sees "failed"; the log has the details
        logger.exception("activity report %s failed", report.pk)
        _save_progress(report, report.progress, status=ActivityReport.Status.FAILED,
                       error=str(exc)[:500], finished_at=timezone.now())
    return report


def requested_message() -> str:
    return _("The report is being prepared: it appears below when ready.")
