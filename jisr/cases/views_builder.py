"""The questionnaire builder (administrators): questionnaires and their versions; a draft
version's page adds and removes sections, questions, answers and scoring rules, then
publishes it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts import policy
from jisr.cases import builder, selectors
from jisr.cases.forms import (
    OptionForm,
    QuestionForm,
    QuestionnaireForm,
    RemoveForm,
    RuleForm,
    SectionForm,
    VersionNewForm,
)
from jisr.cases.questionnaires import (
    Option,
    Question,
    Questionnaire,
    ScoringRule,
    Section,
)
from jisr.core.exceptions import DomainError, NotFound
from jisr.core.forms import add_domain_error
from jisr.core.views import permission_required


@permission_required("cases.manage_questionnaires")
def questionnaire_list(request):
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = builder.questionnaire_create(actor=request.user,
                                                         **form.cleaned_data)
            return redirect("cases:version", version_id=questionnaire.versions.get().pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "cases/builder/questionnaire_list.html", {
        "questionnaires": selectors.questionnaire_list(user=request.user), "form": form})


@permission_required("cases.manage_questionnaires")
@require_POST
def version_new(request, questionnaire_id: int):
    questionnaire = policy.get_or_404(Questionnaire.objects.all(), pk=questionnaire_id)
    form = VersionNewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was not understood; reload the page."))
        return redirect("cases:questionnaires")
    try:
        draft = builder.version_new_draft(actor=request.user, questionnaire=questionnaire,
                                          **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:questionnaires")
    return redirect("cases:version", version_id=draft.pk)


def _item(kind: str, pk: int, version):
    model = {"section": Section, "question": Question, "option": Option,
             "rule": ScoringRule}[kind]
    path = {"section": "version", "question": "version", "option": "question__version",
            "rule": "question__version"}[kind]
    return policy.get_or_404(model.objects.filter(**{path: version}), pk=pk)


def _actions(user, version, post) -> dict:
    """The builder's forms, each bound when it is the one posted, and its service."""

    def bound(name, form_class, **kwargs):
        return form_class(post if post.get("action") == name else None, **kwargs)

    return {
        "section": (bound("section", SectionForm), lambda d: builder.section_add(
            actor=user, version=version, **d)),
        "question": (bound("question", QuestionForm, version=version),
                     lambda d: builder.question_add(actor=user, **d)),
        "option": (bound("option", OptionForm, version=version),
                   lambda d: builder.option_add(actor=user, **d)),
        "rule": (bound("rule", RuleForm, version=version),
                 lambda d: builder.rule_add(actor=user, **d)),
        "remove": (bound("remove", RemoveForm), lambda d: getattr(
            builder, f"{d['kind']}_remove")(actor=user, **{d["kind"]: _item(
                d["kind"], d["item"], version)})),
        "publish": (bound("publish", RemoveForm), None),
    }


@permission_required("cases.manage_questionnaires")
def version_page(request, version_id: int):
    version = selectors.version_get(user=request.user, version_id=version_id)
    actions = _actions(request.user, version, request.POST)
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "publish":
                builder.version_publish(actor=request.user, version=version)
                messages.success(request, _("Version published."))
                return redirect("cases:questionnaires")
            if action not in actions:
                raise NotFound()
            form, call = actions[action]
            if form.is_valid():
                call(form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("cases:version", version_id=version.pk)
        except DomainError as exc:
            if action in actions and action != "publish":
                add_domain_error(actions[action][0], exc)
            details = [str(m) for msgs in exc.fields.values() for m in msgs]
            messages.error(request, " ".join(details) or str(exc.message))
    sections = version.sections.prefetch_related(Prefetch(
        "questions", queryset=Question.objects.select_related("condition_question")
        .prefetch_related("options", "rules__option")))
    return render(request, "cases/builder/version.html", {
        "version": version, "sections": sections,
        "forms": {name: form for name, (form, _call) in actions.items()}})
