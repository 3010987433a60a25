"""Walks every URL route and every OpenAPI operation as every persona, the outsider and an
anonymous visitor.

Routes come from the URL resolver and operations from the generated schema, so a new page or
endpoint is walked without anyone adding it here. A route missing from jisr.core.routes, a
parameter with no sample values, a server error, a protected route open to anonymous
visitors, or a response containing a canary (a name planted in records outside the persona's
scope) fails the test.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.authtoken.models import Token

from jisr.core.routes import PROTECTED, PUBLIC, ROUTES
from jisr.testing.import_factories import import_world
from jisr.testing.personas import CANARIES, MAY_SEE, PERSONAS

# Sample values per URL parameter name: a function of the test world giving values inside
# and outside each persona's scope. A new parameter name needs an entry here.
SAMPLES = {
    "user_id": lambda w: [u.pk for u in w.users.values()],
    "uidb64": lambda w: ["MQ", "not-base64"],
    "token": lambda w: ["set-password", "bad-token"],
    "action": lambda w: ["deactivate", "unlock", "nonsense"],
    "code": lambda w: ["07", "02", "07.351", "02.411", "07.351.01.0", "02.411.01.23",
                       w.centre_marrakech.code, w.centre_oujda.code, w.partner_marrakech.code,
                       w.partner_oriental.code, "nope"],
    "centre_id": lambda w: [w.centre_marrakech.pk, w.samu_marrakech.pk, w.centre_safi.pk,
                            w.centre_oujda.pk],
    "partner_id": lambda w: [w.partner_marrakech.pk, w.partner_oriental.pk],
    "offering_id": lambda w: [w.offerings["marrakech"].pk, w.offerings["oujda"].pk, 0],
    "service_id": lambda w: ["00000000-0000-0000-0000-000000000000", "nope"],
    "person_id": lambda w: [w.persons["marrakech"].pk, w.persons["oujda"].pk, 999999],
    "household_id": lambda w: [w.households["marrakech"].pk, w.households["oujda"].pk],
    "consent_id": lambda w: [w.consents["marrakech"].pk, w.consents["oujda"].pk],
    "pair_id": lambda w: [w.pairs["marrakech"].pk, w.pairs["oujda"].pk, 0],
    "scan_id": lambda w: [w.scans["done"].pk, 0],
    "merge_id": lambda w: [w.merges["oujda"].pk, 0],
    "case_id": lambda w: [w.cases["marrakech"].pk, w.cases["restricted"].pk,
                          w.cases["oujda"].pk, 999999],
    "referral_id": lambda w: [w.referrals["marrakech"].pk, 999999],
    "transfer_id": lambda w: [w.transfers["marrakech"].pk, 999999],
    "appointment_id": lambda w: [w.appointments["marrakech"].pk, w.appointments["oujda"].pk],
    "version_id": lambda w: [_published_version().pk, 999999],
    "questionnaire_id": lambda w: [_published_version().questionnaire_id, 999999],
    "notification_id": lambda w: [w.notifications["youssef"].pk, 0],
    # The world has no interview (creating one here would change data mid-test): an interview
    # started while walking the routes, if any; cases/tests cover the pages themselves.
    "listening_id": lambda w: [*_listening_ids(), 999999],
    # Parts of the published version first: the builder refuses to change them (409), so
    # walking every operation with any input changes nothing.
    "section_id": lambda w: [_published_version().sections.first().pk, 999999],
    "question_id": lambda w: [_published_version().questions.filter(
        kind="choice").first().pk, 999999],
    "option_id": lambda w: [_published_version().questions.filter(
        kind="choice").first().options.first().pk, 999999],
    "rule_id": lambda w: [_published_version().questions.filter(
        kind="choice").first().rules.first().pk, 999999],
    "report_id": lambda w: [w.reports["khadija"].pk, 999999],
    "kind": lambda w: ["xlsx", "pdf", "nope"],
    "note_id": lambda w: [w.notes["plain"].pk, w.notes["sensitive"].pk, 999999],
    "document_id": lambda w: [w.documents["marrakech"].pk, 999999],
    # Pathways: a shipped (published, so frozen) template and its first step; the world's
    # plans with their done first steps (every change posted to them is refused).
    "template_id": lambda w: [_shipped_template().pk, 999999],
    "template_step_id": lambda w: [_shipped_template().steps.first().pk, 999999],
    "plan_id": lambda w: [w.plans["marrakech"].pk, w.plans["oujda"].pk, 999999],
    "plan_step_id": lambda w: [w.plan_steps["marrakech"].pk, w.plan_steps["oujda"].pk,
                               999999],
    "follow_up_id": lambda w: [w.follow_ups["marrakech"].pk, w.follow_ups["oujda"].pk,
                               999999],
    "run_id": lambda w: [*import_world(w)["runs"], 999999],
    "source_id": lambda w: [*import_world(w)["sources"], 999999],
}


def _listening_ids():
    from jisr.cases.questionnaires import Listening

    return list(Listening.objects.order_by("pk").values_list("pk", flat=True)[:1])


def _shipped_template():
    from jisr.cases.pathways import PathwayTemplate

    return PathwayTemplate.objects.get(code="women-economic-empowerment", status="published")


def _published_version():
    from jisr.cases.listening import published_version

    return published_version()
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def iter_routes(patterns=None, prefix="", namespace=""):
    """(qualified name, route template) of every route the resolver knows."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            qualified = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), qualified)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)


def _urls(template: str, world) -> list[str]:
    template = template.lstrip("^").rstrip("$")
    names = [m.group("name") for m in _PARAM.finditer(template)]
    missing = [n for n in names if n not in SAMPLES]
    assert not missing, f"add sample values for URL parameter(s) {missing} in SAMPLES"
    urls = []
    for combo in itertools.product(*(SAMPLES[n](world) for n in names)):
        values = iter(combo)
        urls.append("/" + _PARAM.sub(lambda _m: str(next(values)), template))
    return urls


def _assert_no_leak(body: str, persona: str, url: str) -> None:
    allowed = MAY_SEE.get(persona, set())
    leaked = [c for c in CANARIES if c in body and c not in allowed]
    assert not leaked, f"{persona} sees {leaked} at {url}"


def test_every_route_is_classified_public_or_protected():
    names = [name for name, _template in iter_routes()]
    unnamed = [t for n, t in iter_routes() if not n]
    assert not unnamed, f"routes without a name cannot be classified: {unnamed}"
    unclassified = sorted(set(names) - set(ROUTES))
    assert not unclassified, f"classify these routes in jisr/core/routes.py: {unclassified}"
    stale = sorted(set(ROUTES) - set(names))
    assert not stale, f"jisr/core/routes.py names routes that no longer exist: {stale}"
    assert set(ROUTES.values()) <= {PUBLIC, PROTECTED}


def test_anonymous_visitors_get_only_public_routes(world, client):
    for name, template in iter_routes():
        for url in _urls(template, world):
            response = client.get(url)
            assert response.status_code < 500, url
            body = response.content.decode(errors="replace")
            _assert_no_leak(body, "anonymous", url)
            if ROUTES[name] == PROTECTED:
                if url.startswith("/api/"):
                    assert response.status_code in (401, 403), url
                else:
                    assert response.status_code == 302, url
                    assert response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_shows_each_persona_only_its_scope(world, client_for, persona):
    client = client_for(persona)
    for _name, template in iter_routes():
        if template.startswith("api/"):
            continue
        for url in _urls(template, world):
            if "logout" in url:
                continue
            response = client.get(url)
            assert response.status_code < 500, url
            _assert_no_leak(response.content.decode(errors="replace"), persona, url)


def _schema(client) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_api_operation_is_a_classified_route(world, client):
    schema = _schema(client)
    assert schema["openapi"].startswith("3.")
    for path, operations in schema["paths"].items():
        sample = _urls(path.lstrip("/").replace("{", "<").replace("}", ">"), world)[0]
        match = resolve(sample)
        assert match.view_name in ROUTES, f"{path} resolves to unclassified {match.view_name}"
        for method, operation in operations.items():
            assert operation.get("operationId"), f"{method.upper()} {path} has no operationId"


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_every_api_operation_shows_each_persona_only_its_scope(world, client, persona):
    schema = _schema(client)
    headers = {}
    if persona:
        token, _ = Token.objects.get_or_create(user=world.users[persona])
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    for path, operations in schema["paths"].items():
        template = path.lstrip("/").replace("{", "<").replace("}", ">")
        name = resolve(_urls(template, world)[0]).view_name
        for url in _urls(template, world):
            for method in operations:
                if method != "get" and url.endswith("/auth/token/"):
                    continue
                response = getattr(client, method)(url, data={}, content_type="application/json",
                                                   **headers)
                assert response.status_code < 500, f"{method.upper()} {url}"
                _assert_no_leak(response.content.decode(errors="replace"), persona or "anonymous",
                                f"{method.upper()} {url}")
                if persona is None and ROUTES[name] == PROTECTED:
                    assert response.status_code in (401, 403), f"{method.upper()} {url}"


@pytest.mark.parametrize("name", ["cases:detail", "cases:referral_detail", "cases:plan",
                                  "registry:person_detail"])
def test_pk_url_is_what_reverse_gives(name):
    from django.urls import reverse, set_script_prefix

    from jisr.core.routes import pk_url

    assert pk_url(name, 7) == reverse(name, args=[7])
    assert pk_url(name, 1234567) == reverse(name, args=[1234567])
    set_script_prefix("/jisr/")  # served under a path: the prefix is part of the link
    try:
        assert pk_url(name, 7) == reverse(name, args=[7])
        assert pk_url(name, 7).startswith("/jisr/")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("name", ["core:home", "cases:work", "registry:search"])
def test_url_is_what_reverse_gives(name):
    from django.urls import reverse, set_script_prefix

    from jisr.core.routes import url

    assert url(name) == reverse(name)
    set_script_prefix("/jisr/")  # served under a path: the prefix is part of the link
    try:
        assert url(name) == reverse(name)
        assert url(name).startswith("/jisr/")
    finally:
        set_script_prefix("/")


def test_pk_url_refuses_a_route_without_one_id():
    from django.urls import NoReverseMatch

    from jisr.core.routes import pk_url

    with pytest.raises(NoReverseMatch):
        pk_url("cases:work", 7)
