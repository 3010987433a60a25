"""A new listening interview after a completed one (e.g. at follow-up): on the version
published today; earlier interviews stay read-only with their version and score; the case
page lists them. The outsider (karim) gets nothing."""

import pytest

from jisr.cases import builder, listening, services
from jisr.cases.questionnaires import Listening, Question
from jisr.core.exceptions import Conflict, DomainError, NotFound

FIRST = {"id_card": "no", "income": "none", "housing": "owner"}  # 2 + 3


@pytest.fixture
def completed(world, case):
    draft = listening.listening_start(actor=world.youssef, case=case)
    return listening.listening_complete(actor=world.youssef, listening=draft, answers=FIRST)


def _publish_v2(world, version):
    draft = builder.version_new_draft(actor=world.admin, questionnaire=version.questionnaire,
                                      from_number=version.number)
    question = Question.objects.get(version=draft, code="id_card")
    rule = question.rules.get()
    builder.rule_remove(actor=world.admin, rule=rule)
    builder.rule_add(actor=world.admin, question=question, domain="identity_documents",
                     points=5, explanation_ar="بدون بطاقة", explanation_fr="Sans carte",
                     option=question.options.get(code="no"))
    return builder.version_publish(actor=world.admin, version=draft)


def test_a_new_listening_uses_the_published_version_and_leaves_the_earlier_one(
        world, case, completed, version):
    with pytest.raises(Conflict):
        listening.listening_start(actor=world.youssef, case=case)
    services.case_orient(actor=world.youssef, case=case)
    v2 = _publish_v2(world, version)
    again = listening.listening_new(actor=world.youssef, case=case)
    assert again.version == v2 and again.status == "draft" and again.pk != completed.pk
    assert listening.listening_new(actor=world.youssef, case=case) == again  # pressed twice
    done = listening.listening_complete(actor=world.youssef, listening=again, answers=FIRST)
    assert done.score == 5 + 3
    completed.refresh_from_db()
    assert completed.version == version and completed.score == 5
    assert completed.result["domains"][0]["lines"][0]["explanation_fr"] == \
        "Pas de carte d'identité valide"
    case.refresh_from_db()
    assert case.stage == "oriented"  # a later interview moves no stage
    assert case.events.filter(kind="listening_started").count() == 1


def test_no_new_listening_on_a_closed_case_nor_for_reception(world, case, completed):
    services.case_close(actor=world.youssef, case=case, reason="resolved")
    with pytest.raises(DomainError):
        listening.listening_new(actor=world.youssef, case=case)
    with pytest.raises((DomainError, NotFound)):
        listening.listening_new(actor=world.amina, case=case)
    assert Listening.objects.filter(case=case).count() == 1


def test_the_case_page_lists_the_listenings_and_starts_a_new_one(world, case, completed,
                                                                  client_for, version):
    youssef = client_for("youssef", language="fr")
    page = youssef.get(f"/cases/{case.pk}/").content.decode()
    assert "new-listening" in page and f"/cases/{case.pk}/listenings/{completed.pk}/" in page
    v2 = _publish_v2(world, version)
    response = youssef.post(f"/cases/{case.pk}/listening/new/")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/listening/"
    youssef.post(f"/cases/{case.pk}/listening/new/")  # a double click starts one
    assert Listening.objects.filter(case=case).count() == 2
    draft = Listening.objects.get(case=case, status="draft")
    assert draft.version == v2
    form = youssef.get(f"/cases/{case.pk}/listening/").content.decode()
    assert 'name="q-income"' in form
    page = youssef.get(f"/cases/{case.pk}/").content.decode()
    assert page.count('class="listening-') == 2 and "new-listening" not in page
    earlier = youssef.get(f"/cases/{case.pk}/listenings/{completed.pk}/").content.decode()
    assert 'data-testid="score-total">5<' in earlier and "Aucun revenu" in earlier
    assert 'name="q-income"' not in earlier  # read-only
    assert youssef.get(f"/cases/{case.pk}/listenings/{draft.pk}/").status_code == 302


def test_completing_twice_does_not_open_a_second_interview(world, case, client_for):
    youssef = client_for("youssef")
    data = {"q-id_card": "yes", "q-income": "none", "q-housing": "owner", "complete": "1"}
    youssef.get(f"/cases/{case.pk}/listening/")
    youssef.post(f"/cases/{case.pk}/listening/", data)
    youssef.post(f"/cases/{case.pk}/listening/", data)
    assert list(Listening.objects.filter(case=case).values_list("status", flat=True)) == [
        "completed"]


def test_listenings_over_the_api(world, case, completed, api_for):
    api = api_for("youssef")
    url = f"/api/v1/cases/{case.pk}/listenings/"
    first = api.post(url)
    assert first.status_code == 201 and first.json()["status"] == "draft"
    assert api.post(url).status_code == 200  # the open draft, not another
    listed = api.get(url).json()
    assert [x["status"] for x in listed] == ["draft", "completed"]
    earlier = api.get(f"{url}{completed.pk}/").json()
    assert earlier["score"] == 5 and earlier["status"] == "completed"
    refused = api.put(f"/api/v1/cases/{case.pk}/listening/", {"answers": {"income": "x"}},
                      format="json")
    assert refused.status_code == 400
    assert api_for("amina").post(url).status_code == 403
    for name in ("karim", "safi"):
        assert api_for(name).post(url).status_code == 404
        assert api_for(name).get(f"{url}{completed.pk}/").status_code == 404
    assert Listening.objects.filter(case=case).count() == 2
