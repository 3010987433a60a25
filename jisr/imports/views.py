"""Pages of imports: the centre's sources and runs, a new import (file, then its column
mapping), a run's progress and report, and a source's saved mapping."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required
from jisr.imports import report, selectors, services
from jisr.imports.forms import MappingForm, ReportFilterForm, SourceForm, StartForm
from jisr.imports.messages import message
from jisr.imports.models import ImportRun

PERMISSION = "imports.import_persons"


def _attempt(form, call):
    try:
        return call()
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@permission_required(PERMISSION)
def index(request):
    return render(request, "imports/index.html", {
        "sources": selectors.sources_for(request.user).order_by("name"),
        "runs": selectors.runs_for(request.user)[:30]})


@permission_required(PERMISSION)
def start(request):
    form = StartForm(request.POST or None, request.FILES or None,
                     sources=selectors.sources_for(request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = _attempt(form, lambda: services.import_run_start(
            actor=request.user, source_name=data["source_name"], file_name=data["file"].name,
            content=data["file"].read(), dry_run=data["dry_run"], encoding=data["encoding"]))
        if run:
            return redirect("imports:mapping", run_id=run.pk)
    return render(request, "imports/start.html", {"form": form})


@permission_required(PERMISSION)
def mapping(request, run_id: int):
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    if run.status != ImportRun.Status.MAPPING:
        return redirect("imports:run_detail", run_id=run.pk)
    form = MappingForm(request.POST or None, headers=run.headers, mapping=run.mapping)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.import_run_confirm(actor=request.user, run=run,
                                                      mapping=form.mapping())):
        messages.success(request, _("The import has started."))
        return redirect("imports:run_detail", run_id=run.pk)
    return render(request, "imports/mapping.html", {"run": run, "form": form})


def _run_context(request, run):
    return {"run": run, "error": message(run.error) if run.error else "",
            "stalled": not run.finished and run.status != ImportRun.Status.MAPPING
            and services.is_stalled(run)}


@permission_required(PERMISSION)
def run_detail(request, run_id: int):
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    filters = ReportFilterForm(request.GET or None)
    severity = filters.cleaned_data.get("severity", "") if filters.is_valid() else ""
    page = Paginator(selectors.run_issues(user=request.user, run=run, severity=severity),
                     50).get_page(request.GET.get("page"))
    visible = selectors.visible_persons(user=request.user, issues=page.object_list)
    return render(request, "imports/run_detail.html", {
        **_run_context(request, run), "page": page, "filters": filters,
        "lines": report.lines(page.object_list, visible)})


@permission_required(PERMISSION)
def run_progress(request, run_id: int):
    """The progress bar, polled by htmx while the run goes on; when it ends, the page
    reloads to show the report."""
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    response = render(request, "imports/_progress.html", _run_context(request, run))
    if run.finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _report_batches(user, run):
    issues = selectors.run_issues(user=user, run=run)
    last = 0
    while True:
        batch = list(issues.filter(pk__gt=last).order_by("pk")[:2000])
        if not batch:
            return
        last = batch[-1].pk
        visible = selectors.visible_persons(user=user, issues=batch)
        yield report.lines(batch, visible)


@permission_required(PERMISSION)
def run_report(request, run_id: int):
    """The report as a file, in the language asked (``?language=ar`` or ``fr``) or the
    page's; ``?format=xlsx`` for a workbook, CSV otherwise."""
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    language = request.GET.get("language")
    language = language if language in ("ar", "fr", "en") else translation.get_language()
    name = f"import-{run.pk}-{language}"
    with translation.override(language):
        if request.GET.get("format") == "xlsx":
            content = report.as_xlsx(_report_batches(request.user, run),
                                     title=_("Report"), rtl=get_language_bidi())
            response = HttpResponse(content, content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        content = b"".join(report.as_csv(_report_batches(request.user, run)))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@permission_required(PERMISSION)
@require_POST
def run_for_real(request, run_id: int):
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    try:
        real = services.import_run_for_real(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:run_detail", run_id=run.pk)
    messages.success(request, _("The import has started."))
    return redirect("imports:run_detail", run_id=real.pk)


@permission_required(PERMISSION)
@require_POST
def run_resume(request, run_id: int):
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    try:
        services.import_run_resume(actor=request.user, run=run)
        messages.success(request, _("The import will resume where it stopped."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("imports:run_detail", run_id=run.pk)


@permission_required(PERMISSION)
def source_edit(request, source_id: int):
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    post = request.POST or None
    name_form = SourceForm(post, initial={"name": source.name})
    form = MappingForm(post, headers=list(source.mapping), mapping=source.mapping, extra=3)
    if request.method == "POST" and name_form.is_valid() and form.is_valid():
        mapping = {h: f for h, f in form.mapping().items() if f}
        if _attempt(form, lambda: services.import_source_update(
                actor=request.user, source=source, name=name_form.cleaned_data["name"],
                mapping=mapping)):
            messages.success(request, _("Changes saved."))
            return redirect("imports:index")
    return render(request, "imports/source_edit.html", {
        "source": source, "name_form": name_form, "form": form,
        "runs": source.runs.all()[:10]})
