"""Pages of casework: a case's notes and documents (a sensitive note opened on its own page,
audited; a document downloaded only through here), and the managers' caseload page with the
handover of a worker's cases."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.cases import casework_services as casework
from jisr.cases import selectors
from jisr.cases.forms_casework import DocumentForm, HandoverForm, NoteForm
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required


def _page(request, case, *, note_form=None, document_form=None, status=200):
    user = request.user
    notes = list(casework.notes_for(user=user, case=case))
    for note in notes:
        note.readable = casework.note_readable(user, note)
    return render(request, "cases/casework/casework.html", {
        "case": case, "notes": notes,
        "documents": casework.documents_for(user=user, case=case),
        "note_form": note_form or NoteForm(), "document_form": document_form or DocumentForm(),
        "can_write": policy.has_perm(user, "cases.write_notes") and not case.is_closed,
        "can_documents": policy.has_perm(user, "cases.documents")}, status=status)


@permission_required("cases.view")
def casework_page(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    return _page(request, case)


@permission_required("cases.write_notes")
@require_POST
def note_add(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            casework.note_add(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Note saved."))
            return redirect("cases:casework", case_id=case.pk)
    return _page(request, case, note_form=form, status=400)


@permission_required("cases.view")
def note_detail(request, case_id: int, note_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    note = casework.note_read(user=request.user, case=case, note_id=note_id)
    return render(request, "cases/casework/note.html", {"case": case, "note": note})


@permission_required("cases.documents")
@require_POST
def document_add(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            casework.document_add(actor=request.user, case=case, upload=data["file"],
                                  kind=data["kind"], title=data["title"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("cases:casework", case_id=case.pk)
    return _page(request, case, document_form=form, status=400)


@permission_required("cases.documents")
def document_download(request, case_id: int, document_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    document, handle = casework.document_open(user=request.user, case=case,
                                              document_id=document_id)
    return casework.document_response(document, handle)


@permission_required("cases.handover")
def caseload(request):
    return render(request, "cases/casework/caseload.html", {
        "workers": list(casework.handover_workers(user=request.user))})


@permission_required("cases.handover")
def caseload_handover(request, user_id: int):
    from_worker = policy.get_or_404(casework.handover_workers(user=request.user), pk=user_id)
    open_cases = list(casework.open_cases_of(user=request.user, worker=from_worker))
    form = HandoverForm(request.POST or None, from_worker=from_worker, open_cases=open_cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = casework.caseload_handover(
                actor=request.user, from_worker=from_worker, to_worker=data["to_worker"],
                cases=[int(pk) for pk in data["cases"]] or None, reason=data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _(
                "%(cases)s case(s) and %(appointments)s appointment(s) handed over to "
                "%(worker)s.") % {"cases": len(result.cases),
                                  "appointments": result.appointments,
                                  "worker": data["to_worker"].display_name})
            if result.conflicts:
                messages.warning(request, _(
                    "%(count)s appointment(s) stay with %(worker)s: the new worker is "
                    "already booked at that time; move them in the calendar.") % {
                        "count": len(result.conflicts),
                        "worker": from_worker.display_name})
            return redirect("cases:caseload")
    return render(request, "cases/casework/handover.html", {
        "form": form, "worker": from_worker, "open_cases": open_cases})
