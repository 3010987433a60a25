"""The questionnaire builder's services (administrators, ``cases.manage_questionnaires``).

Only a draft version changes. Every change locks the version row first, so a change racing
with the publication either lands before it or is refused. Publishing retires the previous
published version; interviews keep pointing at the version they were answered with.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.cases.questionnaires import (
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoringRule,
    Section,
)
from jisr.core import audit
from jisr.core.exceptions import Conflict, ValidationFailed
from jisr.registry.services import full_clean

YES_NO_OPTIONS = (("yes", "نعم", "Oui"), ("no", "لا", "Non"))


def _check(actor) -> None:
    policy.check_perm(actor, "cases.manage_questionnaires")


def _draft(version: QuestionnaireVersion) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise Conflict(_("A published version never changes: create a new version to edit."),
                       code="version_frozen")
    return version


def _next_order(qs) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


def _create(actor, obj, action: str, fields: tuple[str, ...]):
    full_clean(obj)
    obj.save()
    audit.record(actor=actor, action=action, obj=obj, after=audit.snapshot(obj, fields))
    return obj


@transaction.atomic
def questionnaire_create(*, actor, code: str, name_ar: str, name_fr: str) -> Questionnaire:
    """A new questionnaire with an empty draft version 1."""
    _check(actor)
    questionnaire = _create(actor, Questionnaire(code=code, name_ar=name_ar, name_fr=name_fr),
                            "cases.questionnaire.create", ("code", "name_ar", "name_fr"))
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1,
                                        created_by=actor)
    return questionnaire


@transaction.atomic
def version_new_draft(*, actor, questionnaire: Questionnaire,
                      from_number: int | None = None) -> QuestionnaireVersion:
    """A new draft, a copy of the latest version, to edit and publish. ``from_number`` is the
    latest version the administrator saw: another one published since refuses the copy."""
    _check(actor)
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    if questionnaire.versions.filter(status=QuestionnaireVersion.Status.DRAFT).exists():
        raise Conflict(_("A draft version already exists: edit it."), code="draft_exists")
    latest = questionnaire.versions.order_by("-number").first()
    if from_number is not None and from_number != getattr(latest, "number", None):
        raise Conflict(code="version_changed")
    draft = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=(latest.number + 1) if latest else 1,
        created_by=actor)
    if latest:
        _copy(latest, draft)
    audit.record(actor=actor, action="cases.questionnaire.new_version", obj=draft,
                 after=audit.snapshot(draft, ("questionnaire", "number", "status")))
    return draft


def _copy(source: QuestionnaireVersion, target: QuestionnaireVersion) -> None:
    questions: dict[int, Question] = {}
    options: dict[int, Option] = {}
    for section in source.sections.all():
        old_questions = list(section.questions.order_by("order", "pk"))
        section.pk = None
        section.version = target
        section.save()
        for question in old_questions:
            old_pk = question.pk
            old_options = list(question.options.all())
            old_rules = list(question.rules.all())
            question.pk = None
            question.version, question.section = target, section
            question.condition_question = questions.get(question.condition_question_id)
            question.save()
            questions[old_pk] = question
            for option in old_options:
                old_option = option.pk
                option.pk, option.question = None, question
                option.save()
                options[old_option] = option
            for rule in old_rules:
                rule.pk, rule.question = None, question
                rule.option = options.get(rule.option_id)
                rule.save()


@transaction.atomic
def version_publish(*, actor, version: QuestionnaireVersion) -> QuestionnaireVersion:
    _check(actor)
    version = _draft(version)
    if not version.questions.exists():
        raise ValidationFailed(fields={"version": [_("Add at least one question before "
                                                     "publishing.")]})
    for question in version.questions.filter(kind__in=Question.WITH_OPTIONS):
        if not question.options.exists():
            raise ValidationFailed(fields={"version": [_(
                "The question “%(question)s” has no answers to choose from.") % {
                    "question": question.label}]})
    previous = version.questionnaire.versions.filter(
        status=QuestionnaireVersion.Status.PUBLISHED).first()
    if previous:
        previous.status = QuestionnaireVersion.Status.RETIRED
        previous.save(update_fields=["status"])
    before = audit.snapshot(version, ("status", "published_at"))
    version.status = QuestionnaireVersion.Status.PUBLISHED
    version.published_at, version.published_by = timezone.now(), actor
    version.save(update_fields=["status", "published_at", "published_by"])
    audit.record(actor=actor, action="cases.questionnaire.publish", obj=version,
                 before=before, after=audit.snapshot(version, ("status", "published_at")))
    return version


# --- sections and questions ----------------------------------------------------------------

@transaction.atomic
def section_add(*, actor, version: QuestionnaireVersion, title_ar: str, title_fr: str
                ) -> Section:
    _check(actor)
    version = _draft(version)
    return _create(actor, Section(version=version, title_ar=title_ar, title_fr=title_fr,
                                  order=_next_order(version.sections)),
                   "cases.questionnaire.section_add", ("version", "title_ar", "title_fr"))


def _check_condition(question: Question, condition_question, values: list[str]) -> None:
    if condition_question is None:
        if values:
            raise ValidationFailed(fields={"condition_values": [_(
                "Choose the question these answers belong to.")]})
        return
    if condition_question.version_id != question.version_id or \
            condition_question.kind not in Question.WITH_OPTIONS:
        raise ValidationFailed(fields={"condition_question": [_(
            "A condition depends on a choice or yes/no question of the same version.")]})
    earlier = (condition_question.section.order, condition_question.section_id,
               condition_question.order, condition_question.pk or 0)
    here = (question.section.order, question.section_id, question.order, question.pk or 10**9)
    if earlier >= here:
        raise ValidationFailed(fields={"condition_question": [_(
            "A condition depends on an earlier question.")]})
    codes = set(condition_question.options.values_list("code", flat=True))
    if not values or not set(values) <= codes:
        raise ValidationFailed(fields={"condition_values": [_(
            "Choose which answers of that question show this one.")]})


@transaction.atomic
def question_add(*, actor, section: Section, code: str, kind: str, label_ar: str,
                 label_fr: str, required: bool = False, condition_question=None,
                 condition_values: list[str] | None = None) -> Question:
    _check(actor)
    version = _draft(section.version)
    question = Question(version=version, section=section, code=code, kind=kind,
                        label_ar=label_ar, label_fr=label_fr, required=required,
                        order=_next_order(section.questions),
                        condition_question=condition_question,
                        condition_values=list(condition_values or []))
    full_clean(question)
    _check_condition(question, condition_question, question.condition_values)
    question.save()
    if kind == Question.Kind.YES_NO:
        for order, (option_code, ar, fr) in enumerate(YES_NO_OPTIONS, start=1):
            Option.objects.create(question=question, order=order, code=option_code,
                                  label_ar=ar, label_fr=fr)
    audit.record(actor=actor, action="cases.questionnaire.question_add", obj=question,
                 after=audit.snapshot(question, ("version", "section", "code", "kind",
                                                 "label_ar", "label_fr", "required",
                                                 "condition_question", "condition_values")))
    return question


@transaction.atomic
def question_remove(*, actor, question: Question) -> None:
    _check(actor)
    _draft(question.version)
    if question.dependents.exists():
        raise ValidationFailed(fields={"question": [_(
            "Other questions are shown depending on this one: remove or change them "
            "first.")]})
    audit.record(actor=actor, action="cases.questionnaire.question_remove", obj=question,
                 before=audit.snapshot(question, ("version", "code")))
    question.delete()


@transaction.atomic
def section_remove(*, actor, section: Section) -> None:
    _check(actor)
    _draft(section.version)
    if Question.objects.filter(condition_question__section=section).exclude(
            section=section).exists():
        raise ValidationFailed(fields={"section": [_(
            "Questions of other sections depend on this one's: change them first.")]})
    audit.record(actor=actor, action="cases.questionnaire.section_remove", obj=section,
                 before=audit.snapshot(section, ("version", "title_ar", "title_fr")))
    section.delete()


@transaction.atomic
def option_add(*, actor, question: Question, code: str, label_ar: str, label_fr: str
               ) -> Option:
    _check(actor)
    _draft(question.version)
    if question.kind not in (Question.Kind.CHOICE, Question.Kind.MULTIPLE):
        raise ValidationFailed(fields={"code": [_("Only choice questions take answers to "
                                                  "choose from.")]})
    return _create(actor, Option(question=question, code=code, label_ar=label_ar,
                                 label_fr=label_fr, order=_next_order(question.options)),
                   "cases.questionnaire.option_add", ("question", "code", "label_ar",
                                                      "label_fr"))


@transaction.atomic
def option_remove(*, actor, option: Option) -> None:
    _check(actor)
    _draft(option.question.version)
    used = [q for q in option.question.dependents.all()
            if option.code in (q.condition_values or [])]
    if used:
        raise ValidationFailed(fields={"option": [_(
            "A question is shown when this answer is given: change it first.")]})
    audit.record(actor=actor, action="cases.questionnaire.option_remove", obj=option,
                 before=audit.snapshot(option, ("question", "code")))
    option.delete()


@transaction.atomic
def rule_add(*, actor, question: Question, domain: str, points: int, explanation_ar: str,
             explanation_fr: str, option: Option | None = None, min_value=None,
             max_value=None) -> ScoringRule:
    """Points in a need domain when the answer is ``option`` (choice, multiple, yes/no) or
    a number between ``min_value`` and ``max_value`` (number questions)."""
    _check(actor)
    _draft(question.version)
    if question.kind in Question.WITH_OPTIONS:
        if option is None or option.question_id != question.pk:
            raise ValidationFailed(fields={"option": [_("Choose the answer that gives the "
                                                        "points.")]})
        min_value = max_value = None
    elif question.kind == Question.Kind.NUMBER:
        option = None
        if min_value is None and max_value is None:
            raise ValidationFailed(fields={"min_value": [_("Give the range of numbers that "
                                                           "gives the points.")]})
        if min_value is not None and max_value is not None and min_value > max_value:
            raise ValidationFailed(fields={"max_value": [_("The end of the range is below "
                                                           "its start.")]})
    else:
        raise ValidationFailed(fields={"domain": [_(
            "Dates and free text are not scored: score a choice, yes/no or number "
            "question.")]})
    return _create(actor, ScoringRule(question=question, option=option, min_value=min_value,
                                      max_value=max_value, domain=domain, points=points,
                                      explanation_ar=explanation_ar,
                                      explanation_fr=explanation_fr),
                   "cases.questionnaire.rule_add", ("question", "option", "min_value",
                                                    "max_value", "domain", "points"))


@transaction.atomic
def rule_remove(*, actor, rule: ScoringRule) -> None:
    _check(actor)
    _draft(rule.question.version)
    audit.record(actor=actor, action="cases.questionnaire.rule_remove", obj=rule,
                 before=audit.snapshot(rule, ("question", "domain", "points")))
    rule.delete()
