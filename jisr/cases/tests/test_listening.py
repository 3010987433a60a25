"""The listening interview: drafts, conditions, needs and an explained score; the builder;
versions that never change earlier answers."""

import pytest
from django.utils import translation

from jisr.cases import builder, listening, scoring
from jisr.cases.questionnaires import Listening, Question, QuestionnaireVersion
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed

ANSWERS = {"id_card": "no", "income": "none", "job_seeking": "yes", "housing": "tenant",
           "eviction": "yes", "household_size": "7", "dependents": ["young_children",
                                                                    "elderly"]}


def test_a_draft_is_saved_and_completing_it_scores_and_moves_the_case(world, case):
    draft = listening.listening_start(actor=world.youssef, case=case)
    assert listening.listening_start(actor=world.youssef, case=case) == draft
    listening.listening_save(actor=world.youssef, listening=draft, answers={"income": "none"})
    draft.refresh_from_db()
    assert draft.answers == {"income": "none"} and draft.status == "draft"
    with pytest.raises(ValidationFailed) as exc:
        listening.listening_complete(actor=world.youssef, listening=draft,
                                     answers={"income": "none"})
    assert {"id_card", "housing"} <= set(exc.value.fields)
    done = listening.listening_complete(actor=world.youssef, listening=draft, answers=ANSWERS)
    assert done.status == "completed"
    # 2 (no CIN) + 3 (no income) + 1 (looking for work) + 2 (eviction) + 1 (7 people)
    # + 1 + 1 (dependents)
    assert done.score == 11
    domains = {d["domain"]: d["points"] for d in done.result["domains"]}
    assert domains == {"identity_documents": 2, "income_work": 4, "housing": 2,
                       "family_children": 3}
    lines = [line for d in done.result["domains"] for line in d["lines"]]
    assert {"points": 3, "explanation_ar": "لا دخل للأسرة",
            "explanation_fr": "Aucun revenu dans le ménage", "question": "income"} in lines
    case.refresh_from_db()
    assert case.stage == "listened"
    with pytest.raises(Conflict):
        listening.listening_complete(actor=world.youssef, listening=done, answers=ANSWERS)


def test_answers_of_hidden_questions_are_dropped_and_bad_values_refused(world, case):
    draft = listening.listening_start(actor=world.youssef, case=case)
    saved = listening.listening_save(actor=world.youssef, listening=draft, answers={
        "income": "regular", "job_seeking": "yes"})
    assert saved.answers == {"income": "regular"}
    for bad in ({"income": "rich"}, {"household_size": "many"}, {"last_help": "31/02"},
                {"dependents": ["cats"]}, {"no_such_question": "x"}):
        with pytest.raises(ValidationFailed):
            listening.listening_save(actor=world.youssef, listening=draft, answers=bad)
    draft.refresh_from_db()
    assert draft.answers == {"income": "regular"}


def test_answers_are_encrypted_at_rest(world, case):
    from django.db import connection

    draft = listening.listening_start(actor=world.youssef, case=case)
    listening.listening_save(actor=world.youssef, listening=draft,
                             answers={"in_own_words": "Mon mari me frappe"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cases_listening WHERE id = %s", [draft.pk])
        assert "frappe" not in cursor.fetchone()[0]


def test_only_listening_roles_of_the_centre_fill_the_interview(world, case):
    with pytest.raises(AccessDenied):
        listening.listening_start(actor=world.amina, case=case)
    for name in ("karim", "omar", "admin"):
        with pytest.raises((NotFound, AccessDenied)):
            listening.listening_start(actor=world.users[name], case=case)


def _question(version, code):
    return Question.objects.get(version=version, code=code)


def test_a_new_version_never_changes_cases_answered_with_an_older_one(world, case, version):
    draft = listening.listening_start(actor=world.youssef, case=case)
    done = listening.listening_complete(actor=world.youssef, listening=draft, answers=ANSWERS)
    before = (done.score, done.result, done.answers, done.version_id)
    admin = world.admin
    new = builder.version_new_draft(actor=admin, questionnaire=version.questionnaire)
    income = _question(new, "income")
    none_option = income.options.get(code="none")
    builder.rule_add(actor=admin, question=income, option=none_option, domain="urgent_needs",
                     points=5, explanation_ar="بدون أي دخل", explanation_fr="Sans aucun revenu")
    builder.question_remove(actor=admin, question=_question(new, "in_own_words"))
    builder.version_publish(actor=admin, version=new)
    version.refresh_from_db()
    assert version.status == QuestionnaireVersion.Status.RETIRED
    done.refresh_from_db()
    assert (done.score, done.result, done.answers, done.version_id) == before
    # and the old version's rules, recomputed, still give the same score
    assert scoring.compute(scoring.ordered_questions(version), done.answers)["total"] == 11
    # a new interview uses the new version and its new rule
    other = world.cases["restricted"]
    fresh = listening.listening_start(actor=world.youssef, case=other)
    assert fresh.version == new
    result = listening.listening_complete(actor=world.youssef, listening=fresh,
                                          answers=ANSWERS)
    assert result.score == 16


def test_a_published_version_is_frozen(world, version):
    section = version.sections.first()
    with pytest.raises(Conflict):
        builder.section_add(actor=world.admin, version=version, title_ar="أ", title_fr="A")
    with pytest.raises(Conflict):
        builder.question_remove(actor=world.admin, question=section.questions.first())
    with pytest.raises(AccessDenied):
        builder.version_new_draft(actor=world.youssef, questionnaire=version.questionnaire)


def test_the_builder_makes_a_questionnaire_with_conditions_and_scores(world):
    admin = world.admin
    q = builder.questionnaire_create(actor=admin, code="hotline", name_ar="استمارة الهاتف",
                                     name_fr="Questionnaire téléphonique")
    draft = q.versions.get()
    with pytest.raises(ValidationFailed):
        builder.version_publish(actor=admin, version=draft)
    section = builder.section_add(actor=admin, version=draft, title_ar="الوضعية",
                                  title_fr="Situation")
    minor = builder.question_add(actor=admin, section=section, code="minor", kind="yes_no",
                                 label_ar="قاصر؟", label_fr="Mineur ?")
    with pytest.raises(ValidationFailed):
        builder.question_add(actor=admin, section=section, code="bad", kind="text",
                             label_ar="أ", label_fr="A", condition_question=minor,
                             condition_values=["maybe"])
    alone = builder.question_add(actor=admin, section=section, code="alone", kind="choice",
                                 label_ar="وحيد؟", label_fr="Seul ?",
                                 condition_question=minor, condition_values=["yes"])
    builder.option_add(actor=admin, question=alone, code="street", label_ar="في الشارع",
                       label_fr="À la rue")
    age = builder.question_add(actor=admin, section=section, code="age", kind="number",
                               label_ar="السن", label_fr="Âge")
    builder.rule_add(actor=admin, question=age, domain="family_children", points=2,
                     max_value=12, explanation_ar="طفل دون 12 سنة",
                     explanation_fr="Enfant de moins de 12 ans")
    builder.rule_add(actor=admin, question=alone, option=alone.options.get(),
                     domain="urgent_needs", points=5, explanation_ar="طفل في الشارع",
                     explanation_fr="Enfant à la rue")
    with pytest.raises(ValidationFailed):
        builder.question_remove(actor=admin, question=minor)  # "alone" depends on it
    builder.version_publish(actor=admin, version=draft)
    questions = scoring.ordered_questions(draft)
    assert scoring.visible_codes(questions, {"minor": "no"}) == {"minor", "age"}
    result = scoring.compute(questions, {"minor": "yes", "alone": "street", "age": "10"})
    assert result["total"] == 7
    with translation.override("fr"):
        assert draft.questionnaire.name == "Questionnaire téléphonique"
    assert Listening.objects.count() == 0


def test_the_default_questionnaire_ships_in_arabic_and_french_and_jisr_demo_seeds_it(db):
    from jisr.cases.default_questionnaire import CODE
    from jisr.cases.questionnaires import Questionnaire
    from jisr.core import demo

    step = dict(demo.steps())["questionnaire"]
    assert step() == {"questionnaires": 0}  # the migration published it already
    Listening.objects.all().delete()
    QuestionnaireVersion.objects.all().delete()
    Questionnaire.objects.all().delete()
    assert step() == {"questionnaires": 1}
    version = QuestionnaireVersion.objects.get(questionnaire__code=CODE, status="published")
    questions = scoring.ordered_questions(version)
    assert all(q.label_ar and q.label_fr for q in questions)
    assert {q.kind for q in questions} == set(Question.Kind.values)
    assert any(q.condition_question_id for q in questions)
    domains = {r.domain for q in questions for r in q.rules.all()}
    from jisr.cases.questionnaires import NeedDomain

    assert domains == set(NeedDomain.values)
