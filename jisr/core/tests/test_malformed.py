"""Bad input to every form and every API operation gets a clear, translated error and changes
nothing. Forms and operations are found from the URL resolver and the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from rest_framework.authtoken.models import Token

from jisr.core.models import AuditEntry
from jisr.core.tests.test_routes import _urls, iter_routes

HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE accounts_user; --",
    "A" * 20_000,
    "null\x00byte",
    "٣٤٥٦",
    "../../etc/passwd",
]
FIELD_NAMES = ["username", "password", "email", "role", "centre", "partner", "province",
               "region", "token", "reason", "q", "new_password1", "new_password2",
               "old_password", "first_name", "last_name", "full_name_ar", "phone", "language",
               "next", "otp"]
# Rows that a refused attempt legitimately leaves: throttling counters, sessions, security
# events (a failed login is itself worth recording).
IGNORED_TABLES = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
                  "axes_accessattemptexpiration", "django_session", "core_auditentry",
                  "otp_totp_totpdevice"}


def _state() -> dict:
    counts = {m._meta.db_table: m.objects.count() for m in apps.get_models()
              if m._meta.db_table not in IGNORED_TABLES and m._meta.managed}
    counts["audit writes"] = AuditEntry.objects.exclude(kind=AuditEntry.Kind.SECURITY).count()
    return counts


def _payloads():
    yield {}
    for value in HOSTILE:
        # A reason is free text: hostile text there is valid input (stored, shown escaped:
        # test_hostile_text_is_stored_as_text_and_shown_escaped), so it stays out here.
        yield {name: value for name in FIELD_NAMES if name != "reason"}


# Buttons that take no input at all (so no bad input either): logging out, starting a scan.
ACTIONS_WITHOUT_INPUT = {"accounts:logout", "registry:duplicate_scan_start"}


def _post_routes(world):
    for name, template in iter_routes():
        if template.startswith("api/") or name in ACTIONS_WITHOUT_INPUT:
            continue
        for url in _urls(template, world):
            yield name, url


@pytest.mark.parametrize("persona", ["admin", None])
def test_every_form_refuses_bad_input_in_the_chosen_language_and_changes_nothing(
        world, client_for, client, persona):
    http = client_for(persona, language="fr") if persona else client
    if not persona:
        http.cookies["jisr_language"] = "fr"
    before = _state()
    for name, url in _post_routes(world):
        for payload in _payloads():
            response = http.post(url, payload)
            assert response.status_code < 500, f"{url} {str(payload)[:60]}"
            body = response.content.decode(errors="replace")
            assert "<script>alert" not in body, f"{url} echoes markup unescaped"
            if response.status_code == 200 and "<form" in body and payload:
                assert "This field is required" not in body, f"{url} answers in English"
        assert _state() == before, f"{name} changed data on bad input"


def _operations(client):
    schema = client.get("/api/v1/schema/",
                        HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                body = operation.get("requestBody", {}).get("content", {}).get(
                    "application/json", {}).get("schema", {})
                ref = body.get("$ref", "").rsplit("/", 1)[-1]
                yield path, method, components.get(ref, {}).get("properties", {})


def _wrong(prop: dict):
    kind = prop.get("type")
    if kind in ("integer", "number"):
        return "not-a-number"
    if kind == "boolean":
        return {"nested": "object"}
    if kind == "array":
        return "not-a-list"
    return ["a", "list", "instead"]


def test_every_api_operation_refuses_bad_input_in_the_asked_language_and_changes_nothing(
        world, client):
    del client.cookies["jisr_language"]  # an API client: Accept-Language alone chooses
    token, _ = Token.objects.get_or_create(user=world.admin)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_ACCEPT_LANGUAGE": "fr"}
    with translation.override("fr"):
        unreadable = translation.gettext("The request body could not be read.")
        invalid = translation.gettext("Some values are not valid.")
    before = _state()
    for path, method, properties in _operations(client):
        url = _urls(path.lstrip("/").replace("{", "<").replace("}", ">"), world)[0]
        call = getattr(client, method)
        response = call(url, data="{not json", content_type="application/json", **headers)
        if "auth/token" not in url:
            assert response.status_code == 400, f"{method} {url}"
            assert response.json()["error"] == {"code": "malformed_request",
                                                "message": unreadable}, url
        wrong = {name: _wrong(prop) for name, prop in properties.items()}
        response = call(url, data=wrong, content_type="application/json", **headers)
        assert 400 <= response.status_code < 500, f"{method} {url}"
        error = response.json()["error"]
        if response.status_code == 400 and properties:
            assert error["code"] == "validation_failed" and error["message"] == invalid, url
            top_level = {name.split(".")[0] for name in error["fields"]}
            assert top_level <= set(properties) | {"non_field_errors"}, url
        for value in HOSTILE:
            response = call(url, data={n: value for n in properties if n != "reason"},
                            content_type="application/json", **headers)
            assert 400 <= response.status_code < 500, f"{method} {url} {value[:20]!r}"
    assert _state() == before


def test_hostile_text_is_stored_as_text_and_shown_escaped(world, client_for):
    client = client_for("admin")
    client.post(f"/accounts/staff/{world.youssef.pk}/deactivate/",
                {"reason": "<script>alert('x')</script>"})
    world.youssef.refresh_from_db()
    assert not world.youssef.is_active
    page = client.get("/audit/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
