"""The questionnaire builder over the API: administrators build a draft (sections with their
restriction, questions with answers, conditions and scoring rules), edit it and publish it;
published versions never change; everyone else, the outsider (karim) included, is refused."""

from jisr.cases import listening
from jisr.cases.questionnaires import Question, QuestionnaireVersion, Section
from jisr.core.models import AuditEntry

BASE = "/api/v1/questionnaires/"


def test_an_administrator_builds_edits_and_publishes_a_version(world, version, api_for, case):
    api = api_for("admin")
    listed = api.get(BASE).json()
    assert listed[0]["code"] == "listening" and listed[0]["versions"][0]["status"] == "published"
    refused = api.post(f"{BASE}{version.questionnaire_id}/versions/", {"from_number": 99},
                       format="json")
    assert refused.status_code == 409
    draft = api.post(f"{BASE}{version.questionnaire_id}/versions/",
                     {"from_number": version.number}, format="json")
    assert draft.status_code == 201 and draft.json()["number"] == version.number + 1
    draft_id = draft.json()["id"]
    section = api.post(f"{BASE}versions/{draft_id}/sections/", {
        "title_ar": "الصحة النفسية", "title_fr": "Santé mentale", "restricted": True,
        "restriction_category": "health"}, format="json")
    assert section.status_code == 201 and section.json()["restricted"] is True
    section_id = section.json()["id"]
    question = api.post(f"{BASE}sections/{section_id}/questions/", {
        "code": "distress", "kind": "choice", "label_ar": "هل يعاني من ضيق؟",
        "label_fr": "La personne est-elle en détresse ?", "required": True,
        "options": [{"code": "none", "label_ar": "لا", "label_fr": "Non"},
                    {"code": "severe", "label_ar": "شديد", "label_fr": "Sévère"}],
        "rules": [{"option": "severe", "domain": "health_disability", "points": 3,
                   "explanation_ar": "ضيق شديد", "explanation_fr": "Détresse sévère"}]},
        format="json")
    assert question.status_code == 201, question.json()
    body = question.json()
    assert [o["code"] for o in body["options"]] == ["none", "severe"]
    assert body["rules"][0]["option"] == "severe" and body["rules"][0]["points"] == 3
    follow = api.post(f"{BASE}sections/{section_id}/questions/", {
        "code": "followed", "kind": "yes_no", "label_ar": "هل هو متابع؟",
        "label_fr": "Est-elle suivie ?", "condition_question": "distress",
        "condition_values": ["severe"]}, format="json")
    assert follow.status_code == 201 and follow.json()["condition_question"] == "distress"
    assert [o["code"] for o in follow.json()["options"]] == ["yes", "no"]
    # Edits
    edited = api.patch(f"{BASE}questions/{body['id']}/", {"label_fr": "Détresse ?",
                                                          "required": False},
                       format="json")
    assert edited.status_code == 200 and edited.json()["label_fr"] == "Détresse ?"
    assert api.patch(f"{BASE}options/{body['options'][1]['id']}/", {"label_fr": "Grave"},
                     format="json").json()["label_fr"] == "Grave"
    assert api.patch(f"{BASE}rules/{body['rules'][0]['id']}/", {"points": 4},
                     format="json").json()["points"] == 4
    uncondition = api.patch(f"{BASE}questions/{follow.json()['id']}/",
                            {"condition_question": None}, format="json")
    assert uncondition.json()["condition_question"] is None
    assert api.patch(f"{BASE}sections/{section_id}/", {"title_fr": "Santé psychique"},
                     format="json").json()["title_fr"] == "Santé psychique"
    rule = api.post(f"{BASE}questions/{follow.json()['id']}/rules/", {
        "option": "no", "domain": "health_disability", "points": 1, "explanation_ar": "أ",
        "explanation_fr": "Pas suivie"}, format="json")
    assert rule.status_code == 201
    assert api.delete(f"{BASE}rules/{rule.json()['id']}/").status_code == 204
    # Publish: the new version is the one new interviews use; the old one is untouched.
    published = api.post(f"{BASE}versions/{draft_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert listening.published_version().pk == draft_id
    version.refresh_from_db()
    assert version.status == "retired" and not version.questions.filter(
        code="distress").exists()
    frozen = api.patch(f"{BASE}sections/{section_id}/", {"restricted": False}, format="json")
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "version_frozen"
    assert Section.objects.get(pk=section_id).restricted
    actions = set(AuditEntry.objects.filter(actor=world.admin).values_list("action",
                                                                           flat=True))
    assert {"cases.questionnaire.section_add", "cases.questionnaire.question_edit",
            "cases.questionnaire.option_edit", "cases.questionnaire.rule_edit",
            "cases.questionnaire.publish"} <= actions


def test_bad_input_is_refused_cleanly_and_changes_nothing(world, version, api_for):
    api = api_for("admin")
    draft = api.post(f"{BASE}{version.questionnaire_id}/versions/",
                     {"from_number": version.number}, format="json").json()
    section = Section.objects.filter(version_id=draft["id"]).order_by("order").first()
    count = Question.objects.filter(version_id=draft["id"]).count()
    for body in ({"code": "x y", "kind": "choice", "label_ar": "أ", "label_fr": "A"},
                 {"code": "ok", "kind": "essay", "label_ar": "أ", "label_fr": "A"},
                 {"code": "ok", "kind": "yes_no", "label_ar": "أ", "label_fr": "A",
                  "condition_question": "no_such_question", "condition_values": ["yes"]},
                 {"code": "ok", "kind": "choice", "label_ar": "أ", "label_fr": "A",
                  "options": [{"code": "a", "label_ar": "أ", "label_fr": "A"}],
                  "rules": [{"option": "b", "domain": "housing", "points": 1,
                             "explanation_ar": "أ", "explanation_fr": "A"}]},
                 {"code": "id_card", "kind": "yes_no", "label_ar": "أ", "label_fr": "A"},
                 {"code": "ok", "kind": "text", "label_ar": "أ", "label_fr": "A",
                  "rules": [{"domain": "housing", "points": 1, "explanation_ar": "أ",
                             "explanation_fr": "A"}]}):
        response = api.post(f"{BASE}sections/{section.pk}/questions/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "validation_failed"
    assert Question.objects.filter(version_id=draft["id"]).count() == count
    no_category = api.post(f"{BASE}versions/{draft['id']}/sections/", {
        "title_ar": "أ", "title_fr": "A", "restricted": True}, format="json")
    assert no_category.status_code == 400
    assert "restriction_category" in no_category.json()["error"]["fields"]
    # The protection section's answers show no question elsewhere, but a new dependent
    # outside it would: refused.
    urgent = Section.objects.get(version_id=draft["id"], title_fr="Besoins urgents")
    leak = api.post(f"{BASE}sections/{urgent.pk}/questions/", {
        "code": "shelter", "kind": "yes_no", "label_ar": "أ", "label_fr": "A",
        "condition_question": "violence", "condition_values": ["yes"]}, format="json")
    assert leak.status_code == 400 and "condition_question" in leak.json()["error"]["fields"]


def test_only_administrators_build(world, version, api_for):
    section = version.sections.first()
    question = version.questions.filter(kind="choice").first()
    for name in ("youssef", "khadija", "omar", "karim"):
        api = api_for(name)
        assert api.get(BASE).status_code == 403
        assert api.post(BASE, {"code": "other", "name_ar": "أ", "name_fr": "A"},
                        format="json").status_code == 403
        assert api.post(f"{BASE}{version.questionnaire_id}/versions/",
                        {"from_number": version.number}, format="json").status_code == 403
        assert api.patch(f"{BASE}sections/{section.pk}/", {"title_fr": "X"},
                         format="json").status_code == 403
        assert api.delete(f"{BASE}questions/{question.pk}/").status_code == 403
        assert api.post(f"{BASE}versions/{version.pk}/publish/").status_code == 403
    assert QuestionnaireVersion.objects.count() == 1
    section.refresh_from_db()
    assert section.title_fr != "X"


def test_the_schema_lists_the_builder_operations(world, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operations = {op["operationId"] for path in schema.json()["paths"].values()
                  for op in path.values()}
    assert {"questionnaires_create", "questionnaires_versions_publish",
            "questionnaires_sections_update", "questionnaires_questions_create",
            "questionnaires_rules_delete", "cases_listenings_start"} <= operations
