"""Pages of integration pathways: the template builder (administrators; steps added,
changed, reordered and removed inline with htmx), a case's plans (created from a template
on the case page, adapted on the plan's page, steps completed inline) and follow-ups.

Each view parses its form and calls one service; a refusal comes back as a message (or,
for htmx requests, in the block that is swapped)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jisr.cases import pathway_selectors as sel
from jisr.cases import pathway_services as svc
from jisr.cases import selectors
from jisr.cases.forms_pathways import (
    FollowUpForm,
    FollowUpRecordForm,
    PlanCreateForm,
    PlanFinishForm,
    PlanStepAddForm,
    PositionForm,
    StepCompleteForm,
    StepEditForm,
    StepSkipForm,
    TemplateEditForm,
    TemplateForm,
    TemplateStepForm,
)
from jisr.core.exceptions import AccessDenied, DomainError, NotFound
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required


def _error_text(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.fields.values() for m in msgs]
    return " ".join(details) or str(exc.message)


def _form_errors(form) -> str:
    return " ".join(str(m) for msgs in form.errors.values() for m in msgs)


# --- the template builder ------------------------------------------------------------------

@permission_required("cases.manage_pathway_templates")
def template_list(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = svc.template_create(actor=request.user, **form.cleaned_data)
            return redirect("cases:pathway_template", template_id=template.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "cases/pathways/template_list.html", {
        "templates": sel.template_list(user=request.user), "form": form})


def _builder_context(request, template, **extra) -> dict:
    return {"template": template, "steps": list(template.steps.all()),
            "step_form": extra.pop("step_form", None) or TemplateStepForm(),
            "edit_form": TemplateEditForm(initial={
                f: getattr(template, f) for f in ("name_ar", "name_fr", "description_ar",
                                                  "description_fr")}), **extra}


@permission_required("cases.manage_pathway_templates")
def template_page(request, template_id: int):
    template = sel.template_get_for_builder(user=request.user, template_id=template_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        calls = {"publish": lambda: svc.template_publish(actor=request.user,
                                                         template=template),
                 "retire": lambda: svc.template_retire(actor=request.user, template=template),
                 "new_version": lambda: svc.template_new_version(
                     actor=request.user, template=template,
                     from_version=template.version)}
        try:
            if action == "edit":
                form = TemplateEditForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_form_errors(form))
                svc.template_edit(actor=request.user, template=template, **form.cleaned_data)
                result = template
            elif action in calls:
                result = calls[action]()
            else:
                raise NotFound()
            messages.success(request, _("Saved."))
            return redirect("cases:pathway_template", template_id=result.pk)
        except DomainError as exc:
            messages.error(request, _error_text(exc))
            return redirect("cases:pathway_template", template_id=template.pk)
    return render(request, "cases/pathways/template.html", _builder_context(request, template))


@permission_required("cases.manage_pathway_templates")
@require_POST
def template_steps(request, template_id: int):
    """The builder's step actions (add, edit, move, remove), answered with the steps block
    for htmx or a redirect to the template's page."""
    template = sel.template_get_for_builder(user=request.user, template_id=template_id)
    action = request.POST.get("action", "")
    step_form, error = None, ""
    try:
        if action == "add":
            step_form = TemplateStepForm(request.POST)
            if step_form.is_valid():
                svc.template_step_add(actor=request.user, template=template,
                                      **step_form.cleaned_data)
                step_form = None
        else:
            step = next((s for s in template.steps.all()
                         if str(s.pk) == request.POST.get("step")), None)
            if step is None:
                raise NotFound()
            if action == "edit":
                form = TemplateStepForm(request.POST, prefix=f"s{step.pk}")
                if not form.is_valid():
                    raise DomainError(_form_errors(form))
                data = form.cleaned_data
                svc.template_step_edit(actor=request.user, step=step,
                                       clear_service=data["service"] is None, **data)
            elif action == "move":
                form = PositionForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_form_errors(form))
                svc.template_step_move(actor=request.user, step=step,
                                       position=form.cleaned_data["position"])
            elif action == "remove":
                svc.template_step_remove(actor=request.user, step=step)
            else:
                raise NotFound()
    except DomainError as exc:
        if step_form is not None:
            add_domain_error(step_form, exc)
        error = _error_text(exc)
    template = sel.template_get_for_builder(user=request.user, template_id=template.pk)
    if request.htmx:
        return render(request, "cases/pathways/_template_steps.html", _builder_context(
            request, template, step_form=step_form, error=error))
    if error:
        messages.error(request, error)
    return redirect("cases:pathway_template", template_id=template.pk)


# --- a case's plans ------------------------------------------------------------------------

@permission_required("cases.manage_plans")
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request, case_id: int):
    """The case page's "Start a pathway plan": drawn with the page for a case without a
    plan, and when opened (htmx) for one that has some (most cases in a pathway), or on a
    page of its own without JavaScript; it posts here."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    templates = sel.published_templates(user=request.user)
    if request.method != "POST":
        if not svc.can_plan(request.user, case):
            raise AccessDenied()
        form = PlanCreateForm(templates=templates, initial={"expected_stage": case.stage})
        if request.htmx:
            return render(request, "cases/pathways/_plan_create_form.html",
                          {"case": case, "plan_form": form})
        return render(request, "cases/form.html", {
            "case": case, "form": form, "title": _("Start a pathway plan")})
    form = PlanCreateForm(request.POST, templates=templates)
    if not form.is_valid():
        messages.error(request, _("Choose a pathway."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        plan = svc.plan_create(actor=request.user, case=case,
                               template=form.cleaned_data["template"],
                               started_on=form.cleaned_data["started_on"],
                               expected_stage=form.cleaned_data["expected_stage"] or None)
        messages.success(request, _("Pathway plan created: %(plan)s.") % {"plan": plan.name})
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cases:detail", case_id=case.pk)


def _plan_block(request, plan_id: int, *, error: str = "", page: bool = False):
    plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
    from jisr.cases.templatetags.pathways import plan_context

    return render(request, "cases/pathways/_plan.html",
                  plan_context(request.user, plan, error=error, page=page))


@permission_required("cases.view")
def plan_page(request, plan_id: int):
    """A plan with the forms that adapt it (add a step, owners and due dates, order)."""
    plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
    from jisr.cases.templatetags.pathways import plan_context

    return render(request, "cases/pathways/plan.html", {
        **plan_context(request.user, plan, page=True),
        "add_form": PlanStepAddForm(user=request.user, case=plan.case),
        "finish_form": PlanFinishForm()})


def _back(request, plan, error: str, done: str):
    if request.htmx:
        return _plan_block(request, plan.pk, error=error,
                           page=request.POST.get("page") == "1")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    if request.POST.get("page") == "1":
        return redirect("cases:plan", plan_id=plan.pk)
    return redirect("cases:detail", case_id=plan.case_id)


@permission_required("cases.view")
@require_POST
def plan_step_action(request, plan_step_id: int):
    """start / complete / skip / edit / move / remove a plan step."""
    step = sel.plan_step_get_for_user(user=request.user, step_id=plan_step_id)
    action = request.POST.get("action", "")
    user, error = request.user, ""
    try:
        if action == "start":
            svc.plan_step_start(actor=user, step=step)
        elif action == "complete":
            form = StepCompleteForm(request.POST)
            form.is_valid()
            svc.plan_step_complete(actor=user, step=step, **form.cleaned_data)
        elif action == "skip":
            form = StepSkipForm(request.POST)
            form.is_valid()
            svc.plan_step_skip(actor=user, step=step,
                               reason=form.cleaned_data.get("reason", ""))
        elif action == "edit":
            form = StepEditForm(request.POST, user=user, case=step.plan.case)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            svc.plan_step_edit(actor=user, step=step, **form.cleaned_data)
        elif action == "move":
            form = PositionForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            svc.plan_step_move(actor=user, step=step, position=form.cleaned_data["position"])
        elif action == "remove":
            svc.plan_step_remove(actor=user, step=step)
        else:
            raise NotFound()
    except DomainError as exc:
        error = _error_text(exc)
    return _back(request, step.plan, error, _("Saved."))


@permission_required("cases.manage_plans")
@require_POST
def plan_step_add(request, plan_id: int):
    plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = PlanStepAddForm(request.POST, user=request.user, case=plan.case)
    if form.is_valid():
        try:
            svc.plan_step_add(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, _("Step added."))
            return redirect("cases:plan", plan_id=plan.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    from jisr.cases.templatetags.pathways import plan_context

    return render(request, "cases/pathways/plan.html", {
        **plan_context(request.user, plan, page=True), "add_form": form,
        "finish_form": PlanFinishForm()}, status=400)


@permission_required("cases.manage_plans")
@require_POST
def plan_finish(request, plan_id: int):
    plan = sel.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = PlanFinishForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Choose the outcome of the pathway."))
        svc.plan_finish(actor=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, _("Pathway finished."))
        return redirect("cases:detail", case_id=plan.case_id)
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cases:plan", plan_id=plan.pk)


# --- follow-ups --------------------------------------------------------------------------------

@permission_required("cases.manage_plans")
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_schedule(request, case_id: int):
    """The case page's "Schedule a follow-up": its form, which lists the centre's workers
    (five hundred at a large centre), is drawn when the worker opens it (htmx), or on a page
    of its own without JavaScript; it posts here."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if request.method != "POST":
        if not svc.can_plan(request.user, case):
            raise AccessDenied()
        form = FollowUpForm(case=case, plans=case.plans.filter(status="active"))
        if request.htmx:
            return render(request, "cases/pathways/_follow_up_form.html",
                          {"case": case, "form": form})
        return render(request, "cases/form.html", {
            "case": case, "form": form, "title": _("Schedule a follow-up")})
    form = FollowUpForm(request.POST, case=case, plans=case.plans.all())
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("cases:detail", case_id=case.pk)
    try:
        svc.follow_up_schedule(actor=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("Follow-up scheduled."))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cases:detail", case_id=case.pk)


@permission_required("cases.view")
@require_POST
def follow_up_record(request, follow_up_id: int):
    follow_up = sel.follow_up_get_for_user(user=request.user, follow_up_id=follow_up_id)
    form = FollowUpRecordForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_form_errors(form))
        svc.follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        messages.success(request, _("Follow-up recorded."))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("cases:detail", case_id=follow_up.case_id)
