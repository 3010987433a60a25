"""Pages of the appointments calendar: the centre's day and week grid (htmx moves it to the
previous, next or current period and filters by worker), booking from a case for any
purpose, an appointment's page (reschedule, history, no-show, cancel) and its printed card.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.cases import calendar, selectors, services
from jisr.cases.forms_casework import BookingForm, CalendarFilterForm, ReasonForm, RescheduleForm
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.pdf import PDF_LANGUAGES, pdf_response, render_pdf
from jisr.core.views import permission_required


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@permission_required("cases.view")
def calendar_page(request):
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    cal = calendar.calendar_for(user=request.user, view=data.get("view") or "week",
                                day=data.get("date"), worker_id=data.get("worker"))
    context = {"cal": cal, "today": timezone.localdate(),
               "can_book": policy.has_perm(request.user, "cases.book")}
    template = "cases/calendar/_grid.html" if request.htmx else "cases/calendar/calendar.html"
    return render(request, template, context)


@permission_required("cases.book")
def appointment_new(request, case_id: int):
    """Book an appointment of any purpose (a follow-up…) from the case."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = BookingForm(request.POST or None, centre_id=case.lead_centre_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_book(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/calendar/book.html", {"form": form, "case": case})


@permission_required("cases.view")
def appointment_page(request, appointment_id: int):
    """An appointment: its history, and moving it (POST) to another time or worker."""
    appointment = calendar.appointment_get_for_user(user=request.user,
                                                    appointment_id=appointment_id)
    form = RescheduleForm(request.POST or None, appointment=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            calendar.appointment_reschedule(actor=request.user, appointment=appointment,
                                            **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Appointment moved."))
            return _back(request, f"{request.path}")
    return render(request, "cases/calendar/appointment.html", {
        "appointment": appointment, "form": form, "reason_form": ReasonForm(auto_id="cancel_%s"),
        "changes": appointment.changes.select_related("from_worker", "to_worker",
                                                      "changed_by"),
        "booked": appointment.status == "booked",
        "started": appointment.start <= timezone.now(), "languages": PDF_LANGUAGES})


def _act(request, appointment_id, call, done: str):
    appointment = calendar.appointment_get_for_user(user=request.user,
                                                    appointment_id=appointment_id)
    reason = str(ReasonForm(request.POST).data.get("reason", ""))[:2000]
    try:
        call(appointment, reason)
        messages.success(request, done)
    except DomainError as exc:
        details = [str(m) for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join(details) or str(exc.message))
    return _back(request, f"/cases/appointments/{appointment.pk}/")


@permission_required("cases.book")
@require_POST
def appointment_no_show(request, appointment_id: int):
    return _act(request, appointment_id, lambda a, reason: calendar.appointment_mark_no_show(
        actor=request.user, appointment=a, note=reason), _("Marked as not come."))


@permission_required("cases.book")
@require_POST
def appointment_cancel(request, appointment_id: int):
    return _act(request, appointment_id, lambda a, reason: calendar.appointment_cancel(
        actor=request.user, appointment=a, reason=reason), _("Appointment cancelled."))


def card_pdf(user, appointment, language: str) -> bytes:
    from jisr.core import audit

    audit.record_read(actor=user, obj=appointment.case,
                      action="cases.appointment.card.print")
    return render_pdf("cases/calendar/card_pdf.html", {
        "appointment": appointment, "case": appointment.case,
        "person": appointment.case.person, "centre": appointment.centre,
        "start": timezone.localtime(appointment.start)}, language=language,
        reference=f"RDV-{appointment.case.reference}-{appointment.pk}",
        title=_("Appointment card"), centre=appointment.centre)


@permission_required("cases.view")
def appointment_card(request, appointment_id: int):
    """The card the person takes home, in Arabic or French (``?lang=ar|fr``)."""
    from django.utils import translation

    appointment = calendar.appointment_get_for_user(user=request.user,
                                                    appointment_id=appointment_id)
    language = request.GET.get("lang") or translation.get_language()
    language = language if language in PDF_LANGUAGES else "ar"
    return pdf_response(card_pdf(request.user, appointment, language),
                        filename=f"appointment-{appointment.pk}-{language}.pdf")
