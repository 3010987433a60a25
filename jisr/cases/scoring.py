"""Reading answers against a questionnaire version: which questions show, what the answers
mean, and the needs and vulnerability score they produce, every point with its reason.

Pure functions over the version's questions (with ``options`` and ``rules`` prefetched), so
the same code checks a draft, scores a completed interview and previews the score live.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from jisr.cases.questionnaires import NeedDomain, Question

MAX_TEXT = 2000


def ordered_questions(version) -> list[Question]:
    """The version's questions in the order the interview asks them."""
    return list(Question.objects.filter(version=version).select_related("section")
                .prefetch_related("options", "rules__option")
                .order_by("section__order", "section__pk", "order", "pk"))


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def visible_codes(questions: Iterable[Question], answers: Mapping) -> set[str]:
    """Codes of the questions shown for these answers: a conditional question shows when
    the earlier question it depends on is shown and was answered with one of its values."""
    by_pk = {}
    shown: set[str] = set()
    for question in questions:
        by_pk[question.pk] = question
        parent = by_pk.get(question.condition_question_id)
        conditional = question.condition_question_id is not None
        if not conditional or (parent is not None and parent.code in shown and set(
                _as_list(answers.get(parent.code))) & set(question.condition_values or [])):
            shown.add(question.code)
    return shown


def _clean_one(question: Question, raw):
    """The answer in its stored form, or raises ValueError with the message to show."""
    codes = {o.code for o in question.options.all()}
    kind = question.kind
    if kind in (Question.Kind.CHOICE, Question.Kind.YES_NO):
        value = str(raw)
        if value not in codes:
            raise ValueError(_("Choose one of the answers offered."))
        return value
    if kind == Question.Kind.MULTIPLE:
        values = _as_list(raw)
        if any(v not in codes for v in values) or len(set(values)) != len(values):
            raise ValueError(_("Choose among the answers offered."))
        return values
    if kind == Question.Kind.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValueError(_("Give a number."))
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise ValueError(_("Give a number."))
        return format(number.normalize(), "f")
    if kind == Question.Kind.DATE:
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Give a date (year-month-day)."))
    text = str(raw).strip()
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError(_("The answer is too long."))
    return text


def clean_answers(questions: list[Question], raw: Mapping, *, complete: bool
                  ) -> tuple[dict, dict[str, list[str]]]:
    """(answers to keep, errors by question code). Answers of hidden questions are dropped;
    a complete interview needs every shown required question answered."""
    known = {q.code for q in questions}
    errors: dict[str, list[str]] = {code: [str(_("This question does not exist."))]
                                    for code in raw if code not in known}
    answers: dict = {}
    for question in questions:
        value = raw.get(question.code)
        if value is None or value == "" or value == []:
            continue
        try:
            answers[question.code] = _clean_one(question, value)
        except ValueError as exc:
            errors[question.code] = [str(exc)]
    shown = visible_codes(questions, answers)
    answers = {code: value for code, value in answers.items() if code in shown}
    if complete:
        for question in questions:
            if question.required and question.code in shown and question.code not in answers:
                errors.setdefault(question.code, []).append(str(_("This question needs an "
                                                                  "answer.")))
    return answers, errors


def _rule_matches(rule, question: Question, value) -> bool:
    if rule.option_id is not None:
        return rule.option.code in _as_list(value)
    if question.kind != Question.Kind.NUMBER:
        return False
    number = Decimal(value)
    return ((rule.min_value is None or number >= rule.min_value)
            and (rule.max_value is None or number <= rule.max_value))


def compute(questions: list[Question], answers: Mapping) -> dict:
    """Needs by domain and the score: ``{"total": n, "domains": [{"domain", "points",
    "lines": [{"points", "explanation_ar", "explanation_fr", "question"}]}]}``, in the
    order of the domains. Texts are copied, so the result reads the same whatever the
    questionnaire becomes."""
    shown = visible_codes(questions, answers)
    lines: dict[str, list[dict]] = {}
    for question in questions:
        if question.code not in shown or question.code not in answers:
            continue
        for rule in question.rules.all():
            if _rule_matches(rule, question, answers[question.code]):
                lines.setdefault(rule.domain, []).append({
                    "points": rule.points, "explanation_ar": rule.explanation_ar,
                    "explanation_fr": rule.explanation_fr, "question": question.code})
    domains = [{"domain": domain, "points": sum(line["points"] for line in lines[domain]),
                "lines": lines[domain]} for domain in NeedDomain.values if domain in lines]
    total = max(0, sum(d["points"] for d in domains))
    return {"total": total, "domains": domains}
