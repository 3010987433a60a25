"""The listening interview: started with the questionnaire's published version, saved as a
draft as often as the worker likes, completed once. Completing freezes the needs and the
score (with every point's explanation) into the interview and moves the case to
*listened*."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.cases import scoring
from jisr.cases.models import Case, CaseEvent, Stage
from jisr.cases.questionnaires import Listening, Questionnaire, QuestionnaireVersion
from jisr.cases.services import _event, _transition
from jisr.core import audit
from jisr.core.exceptions import Conflict, DomainError, ValidationFailed

DEFAULT_QUESTIONNAIRE = "listening"


def published_version(code: str = DEFAULT_QUESTIONNAIRE) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.filter(
        questionnaire__code=code, status=QuestionnaireVersion.Status.PUBLISHED).first()
    if version is None:
        raise DomainError(_("No listening questionnaire is published yet: ask an "
                            "administrator."), code="no_questionnaire")
    return version


def _create(actor, case: Case, questionnaire: Questionnaire | None) -> Listening:
    if case.is_closed:
        raise DomainError(_("The case is closed."), code="case_closed")
    version = published_version(questionnaire.code if questionnaire else
                                DEFAULT_QUESTIONNAIRE)
    listening = Listening.objects.create(case=case, version=version, started_by=actor)
    audit.record(actor=actor, action="cases.listening.start", obj=listening,
                 after=audit.snapshot(listening, ("case", "version", "status")))
    return listening


@transaction.atomic
def listening_start(*, actor, case: Case, questionnaire: Questionnaire | None = None
                    ) -> Listening:
    """The case's draft interview, or its first one on the published version. Once an
    interview is completed, another is started only on purpose (:func:`listening_new`), so
    a form submitted twice never opens a second one."""
    policy.check_case_perm(actor, "cases.listen", case)
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one draft per case
    draft = case.listenings.filter(status=Listening.Status.DRAFT).first()
    if draft:
        return draft
    if case.listenings.filter(status=Listening.Status.COMPLETED).exists():
        raise Conflict(_("This listening interview is already completed: start a new one "
                         "from the case page."), code="already_done")
    return _create(actor, case, questionnaire)


@transaction.atomic
def listening_new(*, actor, case: Case, questionnaire: Questionnaire | None = None
                  ) -> Listening:
    """Another listening interview of the case (at follow-up, when the situation changed),
    on the version published today. Earlier interviews keep their version, answers and
    score. A draft already open is returned instead: one draft per case, and a button
    pressed twice starts one interview."""
    policy.check_case_perm(actor, "cases.listen", case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    draft = case.listenings.filter(status=Listening.Status.DRAFT).first()
    if draft:
        return draft
    earlier = case.listenings.filter(status=Listening.Status.COMPLETED).exists()
    listening = _create(actor, case, questionnaire)
    if earlier:
        _event(case, actor=actor, kind=CaseEvent.Kind.LISTENING_STARTED,
               note=str(_("Questionnaire version %(number)s") % {
                   "number": listening.version.number}))
    return listening


def _restricted_guard(actor, listening: Listening, answers: Mapping) -> dict:
    """The answers to save. Someone who may not read the restricted sections (not the
    case's assigned worker nor the manager) cannot answer them either: their answers there
    are refused, and those already given are kept as they are."""
    from jisr.cases.selectors import version_restricted_codes

    hidden = version_restricted_codes(listening.version)
    if not hidden or policy.can_read_restricted_sections(actor, listening.case):
        return dict(answers)
    refused = {code: [str(_("This question is in a restricted section: only the case's "
                            "assigned worker or the centre's manager answers it."))]
               for code in answers if code in hidden}
    if refused:
        raise ValidationFailed(fields=refused)
    kept = {code: value for code, value in (listening.answers or {}).items() if code in hidden}
    return {**answers, **kept}


def _restricted_errors(actor, listening: Listening, errors: dict) -> dict:
    """Errors on restricted questions, for someone who does not see them, say who can
    answer."""
    from jisr.cases.selectors import version_restricted_codes

    hidden = version_restricted_codes(listening.version)
    if not hidden or policy.can_read_restricted_sections(actor, listening.case):
        return errors
    message = str(_("This restricted question needs an answer from the case's assigned "
                    "worker or the centre's manager."))
    return {code: [message] if code in hidden else msgs for code, msgs in errors.items()}


def _locked_draft(actor, listening: Listening) -> Listening:
    policy.check_case_perm(actor, "cases.listen", listening.case)
    listening = Listening.objects.select_for_update().get(pk=listening.pk)
    if listening.status != Listening.Status.DRAFT:
        raise Conflict(_("This listening interview is already completed."),
                       code="already_done")
    return listening


@transaction.atomic
def listening_save(*, actor, listening: Listening, answers: Mapping) -> Listening:
    """Save a draft: answers are checked one by one (a number must be a number…), but
    required questions may still be empty."""
    listening = _locked_draft(actor, listening)
    answers = _restricted_guard(actor, listening, answers)
    questions = scoring.ordered_questions(listening.version)
    clean, errors = scoring.clean_answers(questions, answers, complete=False)
    if errors:
        raise ValidationFailed(fields=errors)
    if clean != listening.answers:
        listening.answers = clean
        listening.save(update_fields=["answers", "updated_at"])
        _event(listening.case, actor=actor, kind=CaseEvent.Kind.LISTENING_DRAFT)
        audit.record(actor=actor, action="cases.listening.save", obj=listening,
                     before={"answers": None}, after={"answers": len(clean)})
    return listening


@transaction.atomic
def listening_complete(*, actor, listening: Listening, answers: Mapping) -> Listening:
    """Complete the interview: every shown required question answered; the needs and the
    score are computed from the interview's own version and kept with it."""
    listening = _locked_draft(actor, listening)
    answers = _restricted_guard(actor, listening, answers)
    questions = scoring.ordered_questions(listening.version)
    clean, errors = scoring.clean_answers(questions, answers, complete=True)
    if errors:
        raise ValidationFailed(fields=_restricted_errors(actor, listening, errors))
    result = scoring.compute(questions, clean)
    listening.answers, listening.result, listening.score = clean, result, result["total"]
    listening.status = Listening.Status.COMPLETED
    listening.completed_by, listening.completed_at = actor, timezone.now()
    listening.save()
    case = listening.case
    _event(case, actor=actor, kind=CaseEvent.Kind.LISTENING_DONE,
           note=str(_("Vulnerability score: %(score)s") % {"score": result["total"]}))
    audit.record(actor=actor, action="cases.listening.complete", obj=listening,
                 after=audit.snapshot(listening, ("status", "score", "completed_at")))
    if case.stage == Stage.RECEIVED:
        _transition(actor=actor, case=case, to=Stage.LISTENED, perm="cases.listen")
    return listening


def listening_preview(*, actor, listening: Listening, answers: Mapping) -> dict:
    """The needs and score the answers typed so far would give (nothing saved). For someone
    who does not see the restricted sections, their points are left out (a partial score,
    ``"partial": True``), whatever was posted."""
    from jisr.cases.selectors import version_restricted_codes, without_restricted

    policy.check_case_perm(actor, "cases.listen", listening.case)
    questions = scoring.ordered_questions(listening.version)
    clean, _errors = scoring.clean_answers(questions, answers, complete=False)
    result = scoring.compute(questions, clean)
    hidden = version_restricted_codes(listening.version)
    if hidden and not policy.can_read_restricted_sections(actor, listening.case):
        return {**without_restricted(result, hidden), "partial": True}
    return result
