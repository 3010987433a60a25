"""Web pages of referrals: sending one from the case page (its panel is the
``{% referrals_panel case %}`` tag), the inbox of the receiving side (partner agents, the
receiving centre's staff), one referral's page with the answers, and the slip to print."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jisr.cases import referral_selectors as selectors
from jisr.cases import referral_services as services
from jisr.cases import selectors as case_selectors
from jisr.cases.referral_forms import AnswerForm, ReferralForm
from jisr.cases.referrals import Referral
from jisr.core import audit
from jisr.core.exceptions import DomainError, ValidationFailed
from jisr.core.pdf import PDF_LANGUAGES, pdf_response, render_pdf
from jisr.core.views import permission_required


def _refusal(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.fields.values() for m in msgs]
    return " ".join(dict.fromkeys(details)) or str(exc.message)


@permission_required("cases.refer")
@require_POST
def referral_create(request, case_id: int):
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = ReferralForm(request.POST, offerings=selectors.offering_choices(case=case))
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("cases:detail", case_id=case.pk)
    try:
        referral = services.referral_send(actor=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        return redirect("cases:detail", case_id=case.pk)
    if referral.status == Referral.Status.WAITING:
        messages.warning(request, _("The service is full: the person is on its waiting "
                                    "list, position %(position)s.") % {
            "position": services.queue_position(referral)})
    else:
        messages.success(request, _("Referral sent."))
    return redirect("cases:detail", case_id=case.pk)


@permission_required("cases.refer")
def referral_new(request, case_id: int):
    """The "Refer" form of a case: drawn into the case page when the worker opens "Refer to a
    service" (htmx), or as a page of its own without JavaScript."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    form, not_yet = None, None
    try:
        services.check_case_referrable(case)
        form = ReferralForm.for_case(case)
    except DomainError as exc:
        not_yet = exc.message
    template = "cases/referrals/_form.html" if request.htmx else "cases/referrals/new.html"
    return render(request, template, {"case": case, "form": form, "not_yet": not_yet})


@permission_required("cases.refer")
def referral_places(request, case_id: int):
    """The places, waiting lists and answer times of the services the case may be referred
    to: drawn on demand from the "Refer" form (a region offers a hundred services or more,
    too long a table to draw on every view of the case page)."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    offerings = selectors.with_places(selectors.offering_choices(case=case))
    template = "cases/referrals/_places.html" if request.htmx else "cases/referrals/places.html"
    return render(request, template, {"case": case, "offerings": offerings})


@permission_required("cases.refer")
@require_POST
def referral_withdraw(request, referral_id: int):
    """The referring worker takes a referral back, with the reason (from the case page)."""
    referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    try:
        services.referral_withdraw(actor=request.user, referral=referral,
                                   reason=request.POST.get("reason", ""))
        messages.success(request, _("Referral withdrawn: the service is told."))
    except DomainError as exc:
        messages.error(request, _refusal(exc))
    return redirect("cases:detail", case_id=referral.case_id)


INBOX_FILTERS = [("open", gettext_lazy("Open")), *Referral.Status.choices]


@permission_required("cases.answer_referrals")
def referral_inbox(request):
    status = request.GET.get("status", "open")
    status = status if status in dict(INBOX_FILTERS) else "open"
    page = Paginator(selectors.referral_inbox(user=request.user, status=status),
                     25).get_page(request.GET.get("page"))
    return render(request, "cases/referrals/inbox.html", {
        "page": page, "cards": selectors.inbox_cards(user=request.user,
                                                     referrals=page.object_list),
        "status": status, "filters": INBOX_FILTERS, "now": timezone.now()})


def _referral(request, referral_id) -> Referral:
    # Referrals outside the sending and the receiving side are not found (policy).
    return selectors.referral_get_for_user(user=request.user, referral_id=referral_id)


@login_required
def referral_detail(request, referral_id: int):
    referral = _referral(request, referral_id)
    card = selectors.referral_card(user=request.user, referral=referral)
    return render(request, "cases/referrals/detail.html", {
        "card": card, "referral": referral, "form": AnswerForm(),
        "steps": _steps(referral) if card.receiver else []})


def _steps(referral: Referral) -> list[str]:
    Status = Referral.Status
    return {Status.WAITING: ["decline"], Status.SENT: ["accept", "decline"],
            Status.ACCEPTED: ["deliver", "not_deliver"]}.get(referral.status, [])


@permission_required("cases.answer_referrals")
@require_POST
def referral_answer(request, referral_id: int):
    referral = _referral(request, referral_id)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(fields=form.errors)
        step, text = form.cleaned_data["step"], form.cleaned_data["text"]
        kwargs = {"decline": {"reason": text}, "not_deliver": {"reason": text},
                  "deliver": {"note": text},
                  "accept": {"delivery_days": form.cleaned_data["delivery_days"]}}[step]
        services.ANSWERS[step](actor=request.user, referral=referral, **kwargs)
        messages.success(request, _("Answer recorded."))
    except DomainError as exc:
        messages.error(request, _refusal(exc))
    return redirect("cases:referral_detail", referral_id=referral.pk)


class SlipOptions(forms.Form):
    lang = forms.ChoiceField(choices=[(c, c) for c in PDF_LANGUAGES], required=False,
                             error_messages={"invalid_choice": gettext_lazy(
                                 "The slip is printed in Arabic (ar) or French (fr).")})


def slip_pdf(user, referral: Referral, language: str) -> bytes:
    """The referral slip the person carries to the service (an audited read)."""
    card = selectors.referral_card(user=user, referral=referral, audit_read=False)
    audit.record_read(actor=user, obj=referral, action="cases.referral.slip.print")
    offering = referral.offering
    return render_pdf("cases/referrals/slip.html", {
        "card": card, "referral": referral, "offering": offering,
        "provider": offering.provider}, language=language,
        reference=referral.reference, title=_("Referral slip"), centre=referral.from_centre)


def slip_language(query, default: str) -> str:
    form = SlipOptions(query)
    if not form.is_valid():
        raise ValidationFailed(" ".join(str(m) for ms in form.errors.values() for m in ms),
                               fields=form.errors)
    language = form.cleaned_data["lang"] or default
    return language if language in PDF_LANGUAGES else "ar"


@login_required
def referral_slip(request, referral_id: int):
    referral = _referral(request, referral_id)
    language = slip_language(request.GET, translation.get_language())
    return pdf_response(slip_pdf(request.user, referral, language),
                        filename=f"referral-{referral.reference}-{language}.pdf")
