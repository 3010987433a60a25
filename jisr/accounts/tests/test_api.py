import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core.models import AuditEntry
from jisr.testing.personas import PASSWORD, PERSONAS, current_code, enrol_totp


def api(world, name=None, language="en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if name:
        token, _ = Token.objects.get_or_create(user=world.users[name])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_worker_exchanges_username_and_password_for_a_token(world):
    response = api(world).post("/api/v1/auth/token/", {"username": "youssef",
                                                        "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/")
    assert me.json()["username"] == "youssef" and me.json()["scope_kind"] == "centre"


def test_a_token_can_be_revoked(world):
    client = api(world, "youssef")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_wrong_credentials_get_a_translated_error_body(world):
    response = api(world, language="fr").post(
        "/api/v1/auth/token/", {"username": "youssef", "password": "nope"}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "invalid_credentials"
    assert "incorrect" in body["error"]["message"]
    assert body["request_id"] == response["X-Request-ID"]


def test_administrators_need_their_one_time_code_for_a_token(world):
    device = enrol_totp(world.admin)
    client = api(world)
    response = client.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD},
                           format="json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_required"
    response = client.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD,
                                                   "otp": "123456"}, format="json")
    assert response.json()["error"]["code"] == "otp_invalid"
    device.throttle_reset()
    response = client.post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD,
                                                   "otp": current_code(device)}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_an_administrator_creates_rescopes_and_deactivates_staff_through_the_api(world):
    client = api(world, "admin")
    created = client.post("/api/v1/users/", {
        "username": "hanane", "email": "hanane@test.ma", "role": Role.SOCIAL_WORKER,
        "centre": world.centre_safi.pk, "full_name_ar": "حنان"}, format="json")
    assert created.status_code == 201, created.json()
    user_id = created.json()["id"]
    moved = client.patch(f"/api/v1/users/{user_id}/", {
        "role": Role.PROVINCIAL_COORDINATOR, "centre": None,
        "province": world.safi_province.pk, "reason": "promotion"}, format="json")
    assert moved.status_code == 200 and moved.json()["province"] == world.safi_province.pk
    gone = client.post(f"/api/v1/users/{user_id}/deactivate/", {"reason": "left"},
                       format="json")
    assert gone.json()["is_active"] is False
    assert AuditEntry.objects.filter(object_id=str(user_id)).count() == 3


def test_an_inconsistent_scope_is_refused_field_by_field_in_french(world):
    response = api(world, "admin", language="fr").post("/api/v1/users/", {
        "username": "nouvelle", "email": "n@test.ma", "role": Role.REGIONAL_COORDINATOR},
        format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert "région" in error["fields"]["region"][0]
    assert not User.objects.filter(username="nouvelle").exists()


def test_the_user_list_does_not_grow_its_queries_with_users(world, django_assert_max_num_queries):
    client = api(world, "admin")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/users/")
    assert response.json()["count"] == User.objects.count()
    for n in range(20):
        User.objects.create(username=f"extra{n}", role=Role.NATIONAL_ANALYST)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/users/").json()["count"] == User.objects.count()


def test_roles_are_listed_with_their_scope_and_second_factor(world):
    roles = {r["code"]: r for r in api(world, "admin").get("/api/v1/roles/").json()}
    assert len(roles) == 9
    assert roles["regional_coordinator"]["scope_kind"] == "region"
    assert roles["regional_coordinator"]["two_factor_required"] is True
    assert roles["social_worker"]["two_factor_required"] is False


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "admin"])
def test_no_one_but_administrators_reads_or_writes_accounts(world, name):
    client = api(world, name)
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get(f"/api/v1/users/{world.youssef.pk}/").status_code == 403
    assert client.get("/api/v1/roles/").status_code == 403
    assert client.get("/api/v1/audit/").status_code == 403
    response = client.post(f"/api/v1/users/{world.youssef.pk}/deactivate/", {"reason": "x"},
                           format="json")
    assert response.status_code == 403
    world.youssef.refresh_from_db()
    assert world.youssef.is_active


def test_the_outsider_gets_nothing_but_itself(world):
    client = api(world, "karim")
    assert client.get("/api/v1/me/").json()["username"] == "karim"
    assert client.get("/api/v1/users/").status_code == 403


def test_the_schema_and_its_docs_are_served_offline(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
