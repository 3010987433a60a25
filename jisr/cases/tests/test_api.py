"""The cases API, as reception, a social worker, another centre and the outsider use it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jisr.cases.models import Case, Notification, Stage, Transfer
from jisr.cases.questionnaires import Listening
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_RESTRICTED, login


@pytest.fixture
def api_for(world):
    def make(name):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        user = world.users[name]
        if user.requires_two_factor:
            login(client, user)
        else:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def test_the_outsider_and_other_centres_get_nothing(world, api_for):
    case = world.cases["marrakech"]
    for name in ("karim", "omar", "rachid", "nadia"):
        api = api_for(name)
        listing = api.get("/api/v1/cases/")
        assert CANARY_PERSON_MARRAKECH not in listing.content.decode()
        assert str(case.person_id) not in [str(c["person"]) for c in listing.json().get(
            "results", [])] if listing.status_code == 200 else True
        assert api.get(f"/api/v1/cases/{case.pk}/").status_code in (403, 404)
        response = api.post(f"/api/v1/cases/{case.pk}/close/", {"reason": "resolved"},
                            format="json")
        assert response.status_code in (403, 404)
        assert api.post(f"/api/v1/transfers/{world.transfers['marrakech'].pk}/accept/", {},
                        format="json").status_code in (403, 404)
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_a_restricted_case_is_listed_only_for_its_worker_and_the_manager(world, api_for):
    restricted = world.cases["restricted"]
    for name, sees in (("youssef", True), ("khadija", True), ("amina", False),
                       ("marrakech_worker", False)):
        ids = [c["id"] for c in api_for(name).get("/api/v1/cases/").json()["results"]]
        assert (restricted.pk in ids) == sees, name
        detail = api_for(name).get(f"/api/v1/cases/{restricted.pk}/")
        assert (detail.status_code == 200) == sees
        assert (CANARY_RESTRICTED in detail.content.decode()) == sees


def test_reception_opens_a_case_in_one_call(world, api_for):
    person = PersonFactory(registered_at=world.centre_marrakech, phone="0661234567")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = api_for("amina").post("/api/v1/cases/", {
        "person": person.pk, "channel": "hotline", "request": "Besoin d'un hébergement",
        "consent_method": "oral_with_witness", "witness_name": "Samira", "sms_consent": True,
        "appointment": {"worker": world.youssef.pk, "start": start.isoformat()},
        "send_sms": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "received" and body["appointments"][0]["worker"] == world.youssef.pk
    assert [e["kind"] for e in body["events"]] == ["opened", "appointment", "confirmation"]
    assert Notification.objects.get(case_id=body["id"]).status == "queued"


def test_bad_input_is_refused_with_the_error_body_and_changes_nothing(world, api_for):
    count = Case.objects.count()
    api = api_for("amina")
    for body in ({}, {"person": "x", "channel": "walk_in", "request": "a"},
                 {"person": world.persons["marrakech"].pk, "channel": "fax", "request": "a"},
                 {"person": world.persons["marrakech"].pk, "channel": "walk_in",
                  "request": "a", "appointment": {"worker": 999999, "start": "soon"}}):
        response = api.post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "validation_failed"
    assert Case.objects.count() == count


def test_stages_over_the_api_refuse_out_of_order_and_repeats(world, api_for):
    case = world.cases["restricted"]
    api = api_for("youssef")
    url = f"/api/v1/cases/{case.pk}/stage/"
    assert api.post(url, {"to_stage": "in_pathway"}, format="json").status_code == 409
    assert api.post(url, {"to_stage": "oriented", "expected_stage": "received"},
                    format="json").status_code == 200
    again = api.post(url, {"to_stage": "oriented", "expected_stage": "received"},
                     format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "stage_changed"
    assert api.post(f"/api/v1/cases/{case.pk}/close/", {"reason": "resolved"},
                    format="json").json()["stage"] == "closed"
    assert api.post(f"/api/v1/cases/{case.pk}/reopen/", {"reason": "Elle a rappelé hier"},
                    format="json").json()["stage"] == "oriented"


def test_listening_over_the_api(world, api_for):
    case = world.cases["marrakech"]
    api = api_for("youssef")
    assert api.get(f"/api/v1/cases/{case.pk}/listening/").status_code == 404
    saved = api.put(f"/api/v1/cases/{case.pk}/listening/",
                    {"answers": {"income": "none"}}, format="json")
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    version = saved.json()["version"]
    structure = api.get(f"/api/v1/questionnaires/versions/{version}/").json()
    codes = [q["code"] for s in structure["sections"] for q in s["questions"]]
    assert "job_seeking" in codes
    bad = api.post(f"/api/v1/cases/{case.pk}/listening/complete/",
                   {"answers": {"income": "none"}}, format="json")
    assert bad.status_code == 400 and "id_card" in bad.json()["error"]["fields"]
    done = api.post(f"/api/v1/cases/{case.pk}/listening/complete/", {"answers": {
        "income": "none", "id_card": "yes", "housing": "owner"}}, format="json").json()
    assert done["status"] == "completed" and done["score"] == 3
    assert done["result"]["domains"][0]["lines"][0]["explanation_fr"] == \
        "Aucun revenu dans le ménage"
    assert api_for("amina").put(f"/api/v1/cases/{case.pk}/listening/", {"answers": {}},
                                format="json").status_code == 403
    assert Listening.objects.filter(case=case).count() == 1


def test_transfers_over_the_api(world, api_for):
    transfer = world.transfers["marrakech"]
    listing = api_for("safi").get("/api/v1/transfers/").json()["results"]
    assert [t["id"] for t in listing] == [transfer.pk]
    assert api_for("safi").post(f"/api/v1/transfers/{transfer.pk}/decline/", {},
                                format="json").status_code == 400
    assert api_for("safi").post(f"/api/v1/transfers/{transfer.pk}/accept/", {},
                                format="json").status_code == 200
    assert api_for("safi").post(f"/api/v1/transfers/{transfer.pk}/accept/", {},
                                format="json").status_code == 409
    assert Transfer.objects.get(pk=transfer.pk).status == "accepted"
    other = world.cases["oujda"]
    response = api_for("karim").post(f"/api/v1/cases/{other.pk}/transfers/", {
        "to_centre": world.centre_marrakech.code, "reason": "Déménage à Marrakech"},
        format="json")
    assert response.status_code == 201


def test_appointments_and_free_slots(world, api_for):
    api = api_for("amina")
    slots = api.get("/api/v1/appointments/free-slots/").json()
    assert slots and {s["worker"] for s in slots} <= {world.youssef.pk, world.khadija.pk,
                                                      world.marrakech_worker.pk}
    taken = world.appointments["marrakech"]
    response = api.post(f"/api/v1/cases/{world.cases['marrakech'].pk}/appointments/", {
        "worker": world.youssef.pk, "start": taken.start.isoformat()}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "slot_taken"
    listing = api.get("/api/v1/appointments/").json()["results"]
    assert [a["id"] for a in listing] == [taken.pk]
    assert api_for("karim").post(f"/api/v1/appointments/{taken.pk}/cancel/", {},
                                 format="json").status_code == 404
    assert api.post(f"/api/v1/appointments/{taken.pk}/cancel/", {},
                    format="json").json()["status"] == "cancelled"
