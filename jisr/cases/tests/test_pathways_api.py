"""Pathway API: templates (builder), plans, steps, follow-ups; scoped, in the schema; the
outsider and partner agents get nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jisr.cases import services
from jisr.cases.pathways import FollowUp, PathwayTemplate, Plan, PlanStep

API = "/api/v1"


@pytest.fixture
def oriented(world, open_case):
    case = open_case(urgency="urgent", assigned_to=world.users["youssef"])
    return services.case_orient(actor=world.users["youssef"], case=case)


@pytest.fixture
def women(world):
    return PathwayTemplate.objects.get(code="women-economic-empowerment", status="published")


def test_every_pathway_operation_is_in_the_schema(api_for):
    schema = api_for("youssef").get(f"{API}/schema/", HTTP_ACCEPT=(
        "application/vnd.oai.openapi+json")).json()
    operations = {op["operationId"] for path in schema["paths"].values()
                  for op in path.values()}
    assert {"pathway_templates_list", "pathway_templates_create", "pathway_templates_update",
            "pathway_templates_steps_create", "pathway_templates_publish", "cases_plans_create",
            "cases_plans_list", "plans_detail", "plans_steps_update", "plans_steps_complete",
            "plans_finish", "cases_follow_ups_create", "follow_ups_record",
            "plans_steps_overdue"} <= operations


def test_workers_list_published_templates_and_administrators_every_version(
        api_for, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api_for("youssef").get(f"{API}/pathway-templates/")
    assert response.status_code == 200
    assert {t["status"] for t in response.json()} == {"published"}
    assert len(response.json()) >= 5
    women = next(t for t in response.json() if t["code"] == "women-economic-empowerment")
    assert women["steps"][0]["service"] == "vocational-training"
    assert api_for("admin").get(f"{API}/pathway-templates/").status_code == 200


@pytest.mark.parametrize("persona", ["rachid", "oriental_partner", "nadia", "amina"])
def test_who_neither_builds_templates_nor_plans_gets_403(api_for, persona, women):
    client = api_for(persona)
    assert client.get(f"{API}/pathway-templates/").status_code == 403
    assert client.get(f"{API}/pathway-templates/{women.pk}/").status_code == 403


def test_an_administrator_builds_and_publishes_a_template(api_for):
    client = api_for("admin")
    response = client.post(f"{API}/pathway-templates/", {
        "code": "jeunes", "name_ar": "إدماج الشباب", "name_fr": "Insertion des jeunes"},
        format="json")
    assert response.status_code == 201
    template_id = response.json()["id"]
    step = {"name_ar": "التكوين", "name_fr": "Formation", "owner_role": "social_worker",
            "duration_days": 30, "service": "vocational-training",
            "outcome_label_ar": "هل أتم التكوين؟", "outcome_label_fr": "Formation achevée ?",
            "outcome_choices": [{"code": "yes", "ar": "نعم", "fr": "Oui"}]}
    response = client.post(f"{API}/pathway-templates/{template_id}/steps/", step,
                           format="json")
    assert response.status_code == 201, response.json()
    step_id = response.json()["id"]
    response = client.patch(f"{API}/pathway-template-steps/{step_id}/",
                            {"duration_days": 45, "service": None}, format="json")
    assert response.json()["duration_days"] == 45 and response.json()["service"] is None
    response = client.post(f"{API}/pathway-templates/{template_id}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = client.delete(f"{API}/pathway-template-steps/{step_id}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "version_frozen"


def test_a_bad_template_step_gets_400_and_nothing_is_added(api_for):
    client = api_for("admin")
    template_id = client.post(f"{API}/pathway-templates/", {
        "code": "essai", "name_ar": "تجربة", "name_fr": "Essai"}, format="json").json()["id"]
    response = client.post(f"{API}/pathway-templates/{template_id}/steps/", {
        "name_ar": "x", "name_fr": "x", "owner_role": "administrator", "duration_days": 0,
        "outcome_label_ar": "x", "outcome_label_fr": "x",
        "outcome_choices": [{"code": "a"}]}, format="json")
    assert response.status_code == 400
    assert {"owner_role", "duration_days", "outcome_choices"} <= set(
        response.json()["error"]["fields"])
    assert not PathwayTemplate.objects.get(pk=template_id).steps.exists()


@pytest.mark.parametrize("persona", ["youssef", "karim", "rachid"])
def test_only_administrators_change_templates(api_for, persona, women):
    client = api_for(persona)
    response = client.post(f"{API}/pathway-templates/", {
        "code": "x", "name_ar": "x", "name_fr": "x"}, format="json")
    assert response.status_code == 403
    step = women.steps.first()
    assert client.delete(f"{API}/pathway-template-steps/{step.pk}/").status_code == 403
    assert women.steps.count() == 4


def test_a_worker_runs_a_plan_through_the_api(world, api_for, oriented, women):
    client = api_for("youssef")
    response = client.post(f"{API}/cases/{oriented.pk}/plans/", {
        "template": women.pk, "owners": {"3": world.users["khadija"].pk}}, format="json")
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert [s["order"] for s in plan["steps"]] == [1, 2, 3, 4]
    assert plan["steps"][2]["owner"] == world.users["khadija"].pk
    oriented.refresh_from_db()
    assert oriented.stage == "in_pathway"
    first, second = plan["steps"][0]["id"], plan["steps"][1]["id"]
    response = client.post(f"{API}/plan-steps/{second}/complete/", {"outcome": "agr"},
                           format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "step_out_of_order"
    response = client.post(f"{API}/plan-steps/{first}/complete/", {}, format="json")
    assert response.status_code == 400 and "outcome" in response.json()["error"]["fields"]
    response = client.post(f"{API}/plan-steps/{first}/complete/", {"outcome": "certified"},
                           format="json")
    assert response.json()["steps"][0]["status"] == "done"
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.patch(f"{API}/plan-steps/{second}/", {"due_date": due}, format="json")
    assert response.json()["steps"][1]["due_date"] == due
    response = client.post(f"{API}/plans/{plan['id']}/steps/", {
        "name_ar": "محو الأمية", "name_fr": "Alphabétisation", "owner_role": "social_worker",
        "due_date": due, "outcome_label_ar": "هل أتم؟", "outcome_label_fr": "Achevé ?",
        "position": 2}, format="json")
    assert response.status_code == 201
    assert response.json()["steps"][1]["name_fr"] == "Alphabétisation"
    response = client.post(f"{API}/plans/{plan['id']}/finish/", {
        "outcome": "partial", "note": "Formation faite, le reste plus tard"}, format="json")
    assert response.json()["status"] == "finished"
    assert response.json()["outcome"] == "partial"


def test_plans_of_a_case_are_listed_in_few_queries(world, api_for,
                                                   django_assert_max_num_queries):
    case = world.cases["marrakech"]
    with django_assert_max_num_queries(8):
        response = api_for("youssef").get(f"{API}/cases/{case.pk}/plans/")
    assert response.status_code == 200
    assert len(response.json()) == 1 and len(response.json()[0]["steps"]) == 4


@pytest.mark.parametrize("persona", ["karim", "rachid", "oriental_partner", "omar"])
def test_outsiders_get_404_or_403_on_plans_and_follow_ups(world, api_for, persona):
    client = api_for(persona)
    case, plan = world.cases["marrakech"], world.plans["marrakech"]
    step, follow_up = plan.steps.all()[1], world.follow_ups["marrakech"]
    for response in (
            client.get(f"{API}/cases/{case.pk}/plans/"),
            client.get(f"{API}/plans/{plan.pk}/"),
            client.get(f"{API}/cases/{case.pk}/follow-ups/"),
            client.post(f"{API}/plan-steps/{step.pk}/start/"),
            client.post(f"{API}/plans/{plan.pk}/finish/",
                        {"outcome": "abandoned", "note": "Une note assez longue"},
                        format="json"),
            client.post(f"{API}/follow-ups/{follow_up.pk}/record/", {"status": "missed"},
                        format="json"),
            client.post(f"{API}/cases/{case.pk}/plans/", {"template": plan.template_id},
                        format="json")):
        assert response.status_code in (403, 404)
    overdue = client.get(f"{API}/plan-steps/overdue/")
    assert overdue.status_code == 403 or plan.pk not in {s["plan"] for s in overdue.json()}
    step.refresh_from_db()
    follow_up.refresh_from_db()
    assert step.status == PlanStep.Status.PENDING
    assert follow_up.status == FollowUp.Status.SCHEDULED
    assert Plan.objects.filter(case=case).count() == 1


def test_the_outsider_sees_only_the_overdue_steps_of_his_centre(world, api_for):
    youssef = api_for("youssef").get(f"{API}/plan-steps/overdue/").json()
    karim = api_for("karim").get(f"{API}/plan-steps/overdue/").json()
    assert {s["plan"] for s in youssef} == {world.plans["marrakech"].pk}
    assert {s["plan"] for s in karim} == {world.plans["oujda"].pk}
    assert all(s["is_overdue"] for s in youssef)


def test_follow_ups_through_the_api(world, api_for, oriented):
    client = api_for("youssef")
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(f"{API}/cases/{oriented.pk}/follow-ups/", {
        "kind": "meeting", "due_date": day, "worker": world.users["karim"].pk}, format="json")
    assert response.status_code == 400 and "worker" in response.json()["error"]["fields"]
    response = client.post(f"{API}/cases/{oriented.pk}/follow-ups/", {
        "kind": "meeting", "due_date": day, "worker": world.users["youssef"].pk},
        format="json")
    assert response.status_code == 201
    follow_up = response.json()["id"]
    response = client.post(f"{API}/follow-ups/{follow_up}/record/", {
        "status": "done", "note": "Entretien tenu, la personne va mieux"}, format="json")
    assert response.json()["status"] == "done"
    listed = client.get(f"{API}/cases/{oriented.pk}/follow-ups/").json()
    assert [f["status"] for f in listed] == ["done"]


def test_closing_through_the_api_records_satisfaction(api_for, oriented):
    client = api_for("youssef")
    response = client.post(f"{API}/cases/{oriented.pk}/close/", {
        "reason": "resolved", "satisfaction": 7}, format="json")
    assert response.status_code == 400
    response = client.post(f"{API}/cases/{oriented.pk}/close/", {
        "reason": "resolved", "satisfaction": 5}, format="json")
    assert response.status_code == 200 and response.json()["satisfaction"] == 5
