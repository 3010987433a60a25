"""Restricted sections of a listening (violence, child protection, health): their answers and
points only for the case's assigned worker (youssef) and the centre's manager (khadija);
another worker of the same centre (marrakech_worker) and reception (amina) see the section as
restricted and a partial score; the outsider (karim) sees nothing; every reading audited."""

import pytest

from jisr.cases import listening
from jisr.cases.listening import published_version
from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.core.models import AuditEntry

ANSWERS = {"id_card": "yes", "income": "none", "housing": "owner", "violence": "yes",
           "violence_kind": ["physical", "sexual"], "safe_tonight": "no"}
# 3 (no income) + 4 (violence) + 2 (sexual violence) + 4 (not safe tonight: urgent needs)
FULL, PARTIAL = 13, 3
SECRETS = ("Déclare subir des violences", "Violences sexuelles", "Pas en sécurité ce soir",
           "De quelles violences", "Physiques")


@pytest.fixture
def answered(world, case):
    draft = listening.listening_start(actor=world.youssef, case=case)
    return listening.listening_complete(actor=world.youssef, listening=draft, answers=ANSWERS)


def _reads(user):
    return AuditEntry.objects.filter(actor=user, action="cases.listening.read_restricted",
                                     kind=AuditEntry.Kind.READ).count()


def test_the_default_questionnaire_restricts_its_protection_section(world):
    sections = {s.title_fr: s for s in published_version().sections.all()}
    protection = sections["Protection et violence"]
    assert protection.restricted and protection.restriction_category == "violence"
    assert not any(s.restricted for title, s in sections.items() if title != protection.title_fr)


def test_the_score_is_frozen_in_full_for_those_who_may_read_it(world, answered):
    assert answered.score == FULL


def test_another_worker_of_the_centre_sees_no_restricted_answer_on_the_pages(
        world, case, answered, client_for):
    other = client_for("marrakech_worker", language="fr")
    page = other.get(f"/cases/{case.pk}/listening/").content.decode()
    assert "Section restreinte" in page or "restreint" in page.lower()
    for secret in SECRETS:
        assert secret not in page, secret
    assert f'data-testid="score-total">{PARTIAL}<' in page and "score-partial" in page
    case_page = other.get(f"/cases/{case.pk}/").content.decode()
    assert f'<strong dir="ltr">{PARTIAL}</strong>' in case_page
    assert f'<strong dir="ltr">{FULL}</strong>' not in case_page
    reception = client_for("amina", language="fr").get(f"/cases/{case.pk}/").content.decode()
    assert f'<strong dir="ltr">{FULL}</strong>' not in reception and "score-partial" in reception
    assert _reads(world.users["marrakech_worker"]) == 0


def test_the_assigned_worker_and_the_manager_read_them_audited(world, case, answered,
                                                                client_for):
    for name in ("youssef", "khadija"):
        before = _reads(world.users[name])
        page = client_for(name, language="fr").get(f"/cases/{case.pk}/listening/")
        body = page.content.decode()
        assert "Déclare subir des violences" in body and "Violences sexuelles" in body
        assert f'data-testid="score-total">{FULL}<' in body and "score-partial" not in body
        assert _reads(world.users[name]) == before + 1
        entry = AuditEntry.objects.filter(actor=world.users[name]).latest("pk")
        assert entry.object_id == str(answered.pk)


def test_the_api_leaves_restricted_answers_out_for_the_other_workers(world, case, answered,
                                                                     api_for):
    other = api_for("marrakech_worker").get(f"/api/v1/cases/{case.pk}/listening/").json()
    assert other["partial"] is True and other["restricted_sections"] == ["violence"]
    assert other["score"] == PARTIAL and other["result"]["total"] == PARTIAL
    assert not {"violence", "violence_kind", "safe_tonight"} & set(other["answers"])
    domains = {d["domain"] for d in other["result"]["domains"]}
    assert domains == {"income_work"}
    listed = api_for("marrakech_worker").get(f"/api/v1/cases/{case.pk}/listenings/").json()
    assert listed[0]["score"] == PARTIAL and "violence" not in listed[0]["answers"]
    assert _reads(world.users["marrakech_worker"]) == 0
    mine = api_for("youssef").get(f"/api/v1/cases/{case.pk}/listening/").json()
    assert mine["partial"] is False and mine["score"] == FULL
    assert mine["answers"]["violence_kind"] == ["physical", "sexual"]
    assert _reads(world.youssef) == 1


def test_the_outsider_and_other_centres_see_nothing(world, case, answered, client_for,
                                                    api_for):
    for name in ("karim", "safi"):
        assert client_for(name).get(f"/cases/{case.pk}/listening/").status_code == 404
        assert client_for(name).get(
            f"/cases/{case.pk}/listenings/{answered.pk}/").status_code == 404
        for url in (f"/api/v1/cases/{case.pk}/listening/",
                    f"/api/v1/cases/{case.pk}/listenings/",
                    f"/api/v1/cases/{case.pk}/listenings/{answered.pk}/"):
            response = api_for(name).get(url)
            assert response.status_code == 404, url
            assert "violence" not in response.content.decode()
    with pytest.raises(NotFound):
        listening.listening_new(actor=world.users["karim"], case=case)


def test_another_worker_cannot_answer_the_section_and_keeps_what_was_answered(
        world, case, api_for, client_for):
    draft = listening.listening_start(actor=world.youssef, case=case)
    listening.listening_save(actor=world.youssef, listening=draft,
                             answers={"violence": "yes", "safe_tonight": "no"})
    other = world.users["marrakech_worker"]
    with pytest.raises(ValidationFailed) as exc:
        listening.listening_save(actor=other, listening=draft, answers={"violence": "no"})
    assert set(exc.value.fields) == {"violence"}
    refused = api_for("marrakech_worker").put(f"/api/v1/cases/{case.pk}/listening/", {
        "answers": {"income": "none", "violence": "no"}}, format="json")
    assert refused.status_code == 400 and "violence" in refused.json()["error"]["fields"]
    # The form of the other worker has no field of the section: saving keeps its answers.
    client_for("marrakech_worker").post(f"/cases/{case.pk}/listening/", {
        "q-income": "none", "q-violence": "no", "save": "1"})
    draft.refresh_from_db()
    assert draft.answers == {"violence": "yes", "safe_tonight": "no", "income": "none"}
    done = listening.listening_complete(actor=other, listening=draft, answers={
        "id_card": "yes", "income": "none", "housing": "owner"})
    assert done.score == 3 + 4 + 4 and done.completed_by == other


def test_the_live_preview_leaves_the_restricted_points_out(world, case, client_for):
    listening.listening_start(actor=world.youssef, case=case)
    body = client_for("marrakech_worker", language="fr").post(
        f"/cases/{case.pk}/listening/preview/", {"q-income": "none", "q-violence": "yes"}
    ).content.decode()
    assert 'data-testid="score-total">3<' in body and "Déclare subir" not in body
    own = client_for("youssef", language="fr").post(
        f"/cases/{case.pk}/listening/preview/", {"q-income": "none", "q-violence": "yes"}
    ).content.decode()
    assert 'data-testid="score-total">7<' in own and "Déclare subir des violences" in own


def test_reassigning_the_case_moves_who_reads_the_section(world, case, answered, api_for):
    from jisr.cases import services

    services.case_assign(actor=world.users["khadija"], case=case,
                         worker=world.users["marrakech_worker"])
    assert api_for("youssef").get(f"/api/v1/cases/{case.pk}/listening/").json()["partial"]
    assert not api_for("marrakech_worker").get(
        f"/api/v1/cases/{case.pk}/listening/").json()["partial"]


def test_the_builder_restricts_a_section_of_a_draft_only(world, version, client_for):
    from jisr.cases import builder
    from jisr.cases.questionnaires import Question, Section
    from jisr.core.exceptions import Conflict

    admin = client_for("admin", language="fr")
    housing = version.sections.get(title_fr="Logement")
    response = admin.post(f"/cases/questionnaires/versions/{version.pk}/", {
        "action": "section_restriction", "section": housing.pk, "restricted": "on",
        "restriction_category": "health"}, follow=True)
    assert "ne change jamais" in response.content.decode() or response.status_code == 200
    housing.refresh_from_db()
    assert not housing.restricted  # a published version never changes
    with pytest.raises(Conflict):
        builder.section_edit(actor=world.admin, section=housing, restricted=True,
                             restriction_category="health")
    draft = builder.version_new_draft(actor=world.admin, questionnaire=version.questionnaire,
                                      from_number=version.number)
    housing = draft.sections.get(title_fr="Logement")
    admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "section_restriction", "section": housing.pk, "restricted": "on"})
    housing.refresh_from_db()
    assert not housing.restricted  # no category: refused
    admin.post(f"/cases/questionnaires/versions/{draft.pk}/", {
        "action": "section_restriction", "section": housing.pk, "restricted": "on",
        "restriction_category": "health"})
    housing.refresh_from_db()
    assert housing.restricted and housing.restriction_category == "health"
    assert "section-restricted" in admin.get(
        f"/cases/questionnaires/versions/{draft.pk}/").content.decode()
    # A question outside restricted sections may not depend on a restricted answer.
    urgent = draft.sections.get(title_fr="Besoins urgents")
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(actor=world.admin, section=urgent, code="evicted_help",
                             kind="yes_no", label_ar="أ", label_fr="A",
                             condition_question=Question.objects.get(version=draft,
                                                                     code="eviction"),
                             condition_values=["yes"])
    assert "condition_question" in exc.value.fields
    added = builder.section_add(actor=world.admin, version=draft, title_ar="ب", title_fr="B",
                                restricted=True, restriction_category="child_protection")
    assert added.restricted
    with pytest.raises(ValidationFailed):
        builder.section_add(actor=world.admin, version=draft, title_ar="ج", title_fr="C",
                            restricted=True)
    for name in ("youssef", "karim"):
        assert client_for(name).post(f"/cases/questionnaires/versions/{draft.pk}/", {
            "action": "section_restriction", "section": housing.pk}).status_code == 403
    assert Section.objects.get(pk=housing.pk).restricted


def test_a_published_versions_restricted_codes_are_read_once(world, version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jisr.cases import builder
    from jisr.cases.selectors import version_restricted_codes

    codes = version_restricted_codes(version)
    assert set(codes.values()) == {"violence"}
    with CaptureQueriesContext(connection) as queries:
        assert version_restricted_codes(version) == codes
    assert len(queries) == 0  # published: it never changes
    with pytest.raises(TypeError):  # shared by every reader: nobody may take a code out
        del codes[next(iter(codes))]
    # a draft is still being written: read each time, its changes seen at once
    draft = builder.version_new_draft(actor=world.admin, questionnaire=version.questionnaire,
                                      from_number=version.number)
    housing = draft.sections.get(title_fr="Logement")
    assert "health" not in version_restricted_codes(draft).values()
    builder.section_edit(actor=world.admin, section=housing, restricted=True,
                         restriction_category="health")
    draft.refresh_from_db()
    assert "health" in version_restricted_codes(draft).values()
    published = builder.version_publish(actor=world.admin, version=draft)
    assert set(version_restricted_codes(published).values()) == {"violence", "health"}
    assert set(version_restricted_codes(version).values()) == {"violence"}
