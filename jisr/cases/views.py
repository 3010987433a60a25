"""Web pages of cases: reception (find the person, then open the case in one form), the case
page with its timeline and actions, transfers, the listening interview and the printable
confirmation. The questionnaire builder is in views_builder.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.cases import listening, reception, scoring, selectors, services
from jisr.cases.forms import (
    AppointmentForm,
    AssignForm,
    CloseForm,
    ReasonForm,
    ReceptionForm,
    RestrictForm,
    TransferAnswerForm,
    TransferForm,
    TransitionForm,
)
from jisr.cases.models import Stage, Urgency
from jisr.cases.questionnaires import Listening, NeedDomain, Question
from jisr.core.exceptions import DomainError
from jisr.core.forms import add_domain_error
from jisr.core.pagination import CappedPaginator
from jisr.core.views import permission_required
from jisr.registry import selectors as registry_selectors
from jisr.registry.forms import PersonSearchForm
from jisr.registry.models import Consent
from jisr.registry.search import PersonQuery


def _attempt(form, call):
    try:
        return call()
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def _act(request, case_id, call, done: str):
    """Run a case action posted from the case page; a refusal comes back as a message."""
    try:
        call()
        messages.success(request, done)
    except DomainError as exc:
        details = [str(m) for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join(details) or str(exc.message))
    return redirect("cases:detail", case_id=case_id)


@permission_required("cases.view")
def case_list(request):
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    mine = request.GET.get("mine") == "1"
    page = CappedPaginator(selectors.case_lines(selectors.case_list(
        user=request.user, stage=stage, mine=mine)), 25).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {
        "page": page, "stage": stage, "mine": mine, "stages": Stage.choices,
        "waiting": selectors.transfers_waiting(user=request.user),
        "can_open": policy.has_perm(request.user, "cases.open")})


@permission_required("cases.open")
def reception_search(request):
    """Reception's first step: search the registry (its own search and identity cards);
    each person found opens a case, a new person goes through the registry's registration
    with its live duplicate check, and comes back here from their page."""
    form = PersonSearchForm(request.GET or None, user=request.user)
    query = PersonQuery.from_data(form.cleaned_data) if form.is_valid() else PersonQuery()
    persons = registry_selectors.person_list(user=request.user, query=query)[:25] \
        if not query.is_empty else []
    cards = registry_selectors.identity_cards(user=request.user, query=query) \
        if not query.is_empty else []
    context = {"form": form, "persons": persons, "cards": cards, "query": query,
               "searched": not query.is_empty, "carry": request.GET.urlencode(),
               "can_register": policy.has_perm(request.user, "registry.register_person")}
    template = "cases/_reception_results.html" if request.htmx else "cases/reception.html"
    return render(request, template, context)


@permission_required("cases.open")
def case_open(request, person_id: int):
    person = registry_selectors.person_detail(user=request.user, person_id=person_id)
    active = {c.purpose for c in person.consents.all() if c.active}
    form = ReceptionForm(request.POST or None, user=request.user, person=person,
                         needs_consent=Consent.Purpose.CASE_FOLLOW_UP not in active)
    if request.method == "POST" and form.is_valid():
        case = _attempt(form, lambda: reception.reception_record(
            actor=request.user, person=person, **form.service_kwargs()))
        if case:
            messages.success(request, _("Case opened."))
            return redirect("cases:confirmation", case_id=case.pk)
    return render(request, "cases/case_open.html", {
        "form": form, "person": person, "has_sms_consent": Consent.Purpose.SMS_CONTACT in active,
        "mobiles": [p for p in person.phones.all() if p.kind == "mobile"]})


def _next_stage(case) -> str | None:
    if case.is_closed:
        return None
    if case.stage == Stage.RECEIVED:
        return Stage.ORIENTED if case.urgency == Urgency.URGENT else None
    following = {Stage.LISTENED: Stage.ORIENTED, Stage.ORIENTED: Stage.IN_PATHWAY,
                 Stage.IN_PATHWAY: Stage.FOLLOW_UP}
    return following.get(case.stage)


@permission_required("cases.view")
def case_detail(request, case_id: int):
    case = selectors.case_detail(user=request.user, case_id=case_id)
    user = request.user
    can = {perm.split(".")[1]: policy.has_perm(user, perm) for perm in (
        "cases.transition", "cases.listen", "cases.assign", "cases.restrict",
        "cases.transfer", "cases.book")}
    listenings = selectors.listening_list(user=user, case=case)
    return render(request, "cases/case_detail.html", {
        "listenings": listenings,
        "case": case, "can": can, "stages": [s for s in Stage if s != Stage.CLOSED],
        "next_stage": _next_stage(case),
        "completed": next((x for x in listenings if x.status == "completed"), None),
        "draft": next((x for x in listenings if x.status == "draft"), None),
        "close_form": CloseForm(initial={"expected_stage": case.stage}),
        "reopen_form": ReasonForm(),
        "restrict_form": RestrictForm(initial={"restricted": case.restricted,
                                               "category": case.restriction_category}),
        # Shown only to who may transfer, on an open case (most cases have none)
        "pending_transfer": selectors.pending_transfer(case)
        if can["transfer"] and not case.is_closed else None})


@permission_required("cases.transition")
@require_POST
def case_transition(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was not understood; reload the page."))
        return redirect("cases:detail", case_id=case.pk)
    data = form.cleaned_data
    step = services.TRANSITIONS[data["to_stage"]]
    return _act(request, case.pk, lambda: step(
        actor=request.user, case=case, note=data["note"],
        expected_stage=data["expected_stage"]), _("Stage changed."))


@permission_required("cases.transition")
@require_POST
def case_close(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reason for closing."))
        return redirect("cases:detail", case_id=case.pk)
    return _act(request, case.pk, lambda: services.case_close(
        actor=request.user, case=case, **form.cleaned_data), _("Case closed."))


@permission_required("cases.transition")
@require_POST
def case_reopen(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    reason = ReasonForm(request.POST).data.get("reason", "")
    return _act(request, case.pk, lambda: services.case_reopen(
        actor=request.user, case=case, reason=str(reason)[:2000]), _("Case reopened."))


@permission_required("cases.assign")
def case_assign(request, case_id: int):
    """The case page's "Assign a worker": its list of the centre's workers (five hundred at
    a large centre) is drawn when the manager opens it (htmx), or on a page of its own
    without JavaScript."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if request.method != "POST":
        form = AssignForm(centre_id=case.lead_centre_id,
                          initial={"worker": case.assigned_to_id})
        if request.htmx:
            return render(request, "cases/_assign_form.html", {"case": case, "form": form})
        return render(request, "cases/form.html", {
            "case": case, "form": form, "title": _("Assign a worker")})
    form = AssignForm(request.POST, centre_id=case.lead_centre_id)
    if not form.is_valid():
        messages.error(request, _("Choose a worker of the centre."))
        return redirect("cases:detail", case_id=case.pk)
    return _act(request, case.pk, lambda: services.case_assign(
        actor=request.user, case=case, worker=form.cleaned_data["worker"]),
        _("Worker assigned."))


@permission_required("cases.restrict")
@require_POST
def case_restrict(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = RestrictForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    response = _act(request, case.pk, lambda: services.case_restrict(
        actor=request.user, case=case, restricted=bool(data.get("restricted")),
        category=data.get("category") or ""), _("Restriction saved."))
    # Someone who lifted their own sight of the case cannot come back to its page.
    if not policy.cases_for(request.user).filter(pk=case.pk).exists():
        return redirect("cases:list")
    return response


@permission_required("cases.book")
def case_book(request, case_id: int):
    """The case page's quick booking of a free slot: its form is drawn when the worker opens
    "Book an appointment" (htmx; the full booking page without JavaScript)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if request.method != "POST":
        if not request.htmx:
            return redirect("cases:appointment_new", case_id=case.pk)
        return render(request, "cases/_book_form.html", {
            "case": case, "form": AppointmentForm(centre_id=case.lead_centre_id)})
    form = AppointmentForm(request.POST, centre_id=case.lead_centre_id)
    if not form.is_valid():
        messages.error(request, _("Choose a slot from the list."))
        return redirect("cases:detail", case_id=case.pk)
    return _act(request, case.pk, lambda: services.appointment_book(
        actor=request.user, case=case, **form.cleaned_data["slot"]),
        _("Appointment booked."))


@permission_required("cases.view")
def confirmation(request, case_id: int):
    """The paper the person takes home: the case number, the centre and the appointment."""
    case = selectors.case_confirmation(user=request.user, case_id=case_id)
    appointment = next((a for a in case.appointments.all() if a.status == "booked"), None)
    return render(request, "cases/confirmation.html", {
        "case": case, "appointment": appointment,
        "sms": next(iter(case.notifications.all()), None)})


@permission_required("cases.transfer")
def transfer_propose(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    form = TransferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.transfer_propose(actor=request.user, case=case,
                                                    **form.cleaned_data)):
        messages.success(request, _("Transfer proposed; the other centre will answer."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case,
                                               "title": _("Propose a transfer")})


@permission_required("cases.transfer")
def transfer_answer(request, transfer_id: int):
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    form = TransferAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        call = {"accept": lambda: services.transfer_accept(
                    actor=request.user, transfer=transfer, note=note),
                "decline": lambda: services.transfer_decline(
                    actor=request.user, transfer=transfer, note=note),
                "cancel": lambda: services.transfer_cancel(actor=request.user,
                                                           transfer=transfer)}[decision]
        if _attempt(form, call):
            messages.success(request, _("Answer recorded."))
            if decision == "accept":
                return redirect("cases:detail", case_id=transfer.case_id)
            return redirect("cases:list")
    return render(request, "cases/transfer.html", {"transfer": transfer, "form": form})


# --- listening -----------------------------------------------------------------------------

def _answers_from(post, questions, hidden=frozenset()) -> dict:
    answers = {}
    for question in questions:
        if question.code in hidden:
            continue
        name = f"q-{question.code}"
        value = post.getlist(name) if question.kind == Question.Kind.MULTIPLE \
            else post.get(name, "")
        if value not in ("", []):
            answers[question.code] = value
    return answers


def _result_context(result: dict, partial: bool = False) -> dict:
    labels = dict(NeedDomain.choices)
    return {"total": result.get("total", 0), "partial": partial or result.get("partial", False),
            "domains": [{**d, "label": labels.get(d["domain"], d["domain"])}
                        for d in result.get("domains", [])]}


def _result_page(request, case, completed):
    """A completed interview, read-only: its version, answers and needs and score (the
    restricted sections as the reader may see them, the reading audited)."""
    shown = selectors.listening_for_reader(user=request.user, listening=completed)
    questions = scoring.ordered_questions(completed.version)
    return render(request, "cases/listening_result.html", {
        "case": case, "listening": shown, "result": _result_context(shown.result,
                                                                    shown.partial),
        "sections": _sections(questions, shown.answers, {}, hidden=shown.hidden_codes,
                              answered_only=True),
        "can_start_new": not case.is_closed and not case.listenings.filter(
            status=Listening.Status.DRAFT).exists()})


@permission_required("cases.listen")
def listening_page(request, case_id: int):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    completed = case.listenings.filter(status=Listening.Status.COMPLETED).order_by(
        "-completed_at", "-pk").first()
    draft = case.listenings.filter(status=Listening.Status.DRAFT).first()
    if completed and not draft and request.method == "GET":
        return _result_page(request, case, completed)
    try:
        draft = draft or listening.listening_start(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case_id=case.pk)
    shown = selectors.listening_for_reader(user=request.user, listening=draft)
    questions = scoring.ordered_questions(draft.version)
    answers, errors = shown.answers, {}
    if request.method == "POST":
        answers = _answers_from(request.POST, questions, hidden=shown.hidden_codes)
        complete = "complete" in request.POST
        step = listening.listening_complete if complete else listening.listening_save
        try:
            step(actor=request.user, listening=draft, answers=answers)
            messages.success(request, _("Listening completed.") if complete
                             else _("Draft saved."))
            return redirect("cases:listening", case_id=case.pk)
        except DomainError as exc:
            errors = exc.fields
            messages.error(request, _("Some answers need attention."))
    preview = listening.listening_preview(actor=request.user, listening=draft, answers={
        **answers, **{c: v for c, v in draft.answers.items() if c in shown.hidden_codes}})
    return render(request, "cases/listening.html", {
        "case": case, "listening": shown,
        "sections": _sections(questions, answers, errors, hidden=shown.hidden_codes),
        "result": _result_context(preview)})


@permission_required("cases.listen")
def listening_detail(request, case_id: int, listening_id: int):
    """One interview of the case, earlier ones included: read-only once completed."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    found = policy.get_or_404(case.listenings.select_related("version__questionnaire",
                                                             "completed_by"), pk=listening_id)
    if found.status == Listening.Status.DRAFT:
        return redirect("cases:listening", case_id=case.pk)
    return _result_page(request, case, found)


@permission_required("cases.listen")
@require_POST
def listening_new(request, case_id: int):
    """Start another interview on the published version (e.g. at follow-up)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    try:
        listening.listening_new(actor=request.user, case=case)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case_id=case.pk)
    return redirect("cases:listening", case_id=case.pk)


def _sections(questions, answers, errors, *, hidden=frozenset(),
              answered_only: bool = False) -> list[dict]:
    """The form (or the read-only answers) by section. A restricted section the reader may
    not see comes without its questions: ``restricted`` and the errors it has, if any."""
    shown = scoring.visible_codes(questions, answers)
    sections: list[dict] = []
    for question in questions:
        if not sections or sections[-1]["section"].pk != question.section_id:
            sections.append({"section": question.section, "questions": [],
                             "restricted": question.code in hidden, "errors": []})
        if question.code in hidden:
            sections[-1]["errors"].extend(errors.get(question.code, []))
            continue
        value = answers.get(question.code)
        if answered_only and (question.code not in shown or value in (None, "", [])):
            continue
        values = value if isinstance(value, list) else ([value] if value else [])
        sections[-1]["questions"].append({
            "q": question, "hidden": question.code not in shown,
            "values": values,
            "value": value if isinstance(value, str) else "",
            "labels": [o.label for o in question.options.all() if o.code in values],
            "errors": errors.get(question.code, []),
            "condition": question.condition_question.code
            if question.condition_question_id else "",
            "condition_values": " ".join(question.condition_values or [])})
    return sections


@permission_required("cases.listen")
@require_POST
def listening_preview(request, case_id: int):
    """The needs and score of the answers on screen (htmx, nothing saved)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    draft = case.listenings.filter(status=Listening.Status.DRAFT).first()
    if draft is None:
        return render(request, "cases/_score.html", {"result": _result_context({})})
    questions = scoring.ordered_questions(draft.version)
    hidden = selectors.listening_for_reader(user=request.user, listening=draft,
                                            audit_read=False).hidden_codes
    answers = _answers_from(request.POST, questions, hidden=hidden)
    answers.update({c: v for c, v in draft.answers.items() if c in hidden})
    result = listening.listening_preview(actor=request.user, listening=draft,
                                         answers=answers)
    return render(request, "cases/_score.html", {"result": _result_context(result)})
