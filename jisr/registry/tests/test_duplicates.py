"""Search before create: the live duplicate check of a registration being typed."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from jisr.core.models import AuditEntry
from jisr.matching import score as engine_score
from jisr.registry import duplicates, services
from jisr.registry.models import PersonMatchKey
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH

FATIMA = {"first_name_lat": "Fatima", "family_name_lat": f"El {CANARY_PERSON_MARRAKECH}",
          "sex": "female", "birth_year": 1984, "document_kind": "cin",
          "document_number": "BE123456"}


def _latin_only(world, **extra):
    return PersonFactory(first_name_ar="", family_name_ar="", first_name_lat="Youssef",
                         family_name_lat="Bennani", sex="male",
                         birth_date=date(1990, 3, 12), birth_year=1990,
                         registered_at=world.centre_marrakech, **extra)


def test_an_arabic_only_draft_finds_the_latin_only_person_with_reasons(world):
    person = _latin_only(world)
    draft = {"first_name_ar": "يوسف", "family_name_ar": "بناني", "sex": "male",
             "birth_date": date(1990, 3, 12)}
    found = duplicates.duplicate_candidates(user=world.amina, draft=draft)
    assert [c.person for c in found] == [person]
    codes = [r.code for r in found[0].reasons]
    assert "same_birth_date" in codes
    assert any(c.endswith("_transliterated") for c in codes), codes
    assert found[0].decision in ("match", "review") and found[0].card is None
    assert all(found[0].reason_texts)


def test_a_draft_with_the_same_cin_is_a_match(world):
    found = duplicates.duplicate_candidates(user=world.amina, draft=FATIMA)
    assert len(found) == 1
    assert found[0].decision == "match" and found[0].person == world.persons["marrakech"]
    assert "same_cin" in [r.code for r in found[0].reasons]
    assert found[0].decision_label == "Probable same person"


def test_a_person_of_another_centre_appears_only_as_an_audited_identity_card(world):
    found = duplicates.duplicate_candidates(user=world.karim, draft=FATIMA)
    assert len(found) == 1 and found[0].person is None
    card = found[0].card
    assert card.person_id == world.persons["marrakech"].pk and card.masked_cin == "BE****56"
    assert not hasattr(card, "address") and not hasattr(card, "phones")
    entry = AuditEntry.objects.get(action="registry.person.identity_card")
    assert entry.actor == world.karim and entry.kind == "read"
    assert entry.object_id == str(world.persons["marrakech"].pk)


def test_the_outsider_gets_no_card_for_a_draft_that_names_no_one(world):
    # Names alone (no date, no identifier) would let anyone browse the network by name.
    draft = {"first_name_lat": "Fatima", "family_name_lat": f"El {CANARY_PERSON_MARRAKECH}"}
    assert duplicates.duplicate_candidates(user=world.amina, draft=draft)
    assert duplicates.duplicate_candidates(user=world.karim, draft=draft) == []
    assert not AuditEntry.objects.filter(action="registry.person.identity_card").exists()


@pytest.mark.parametrize("persona", ["nadia", "rachid", "laila", "omar", "admin"])
def test_roles_that_do_not_register_get_nothing(world, persona, client):
    assert duplicates.duplicate_candidates(user=world.users[persona], draft=FATIMA) == []
    client.force_login(world.users[persona])
    response = client.post(reverse("registry:duplicate_candidates"), FATIMA)
    # 403, or first the second factor the coordinators and the administrator must give.
    assert response.status_code in (302, 403)
    assert CANARY_PERSON_MARRAKECH not in response.content.decode()


def test_the_query_count_does_not_grow_with_the_candidates(world):
    def queries(n):
        for _i in range(n):
            PersonFactory(first_name_lat="Zineb", family_name_lat="Tazi", first_name_ar="",
                          family_name_ar="", birth_date=date(1970, 5, 6), birth_year=1970,
                          registered_at=world.centre_marrakech, phone="0612000111")
        draft = {"first_name_lat": "Zineb", "family_name_lat": "Tazi", "sex": "female",
                 "birth_date": date(1970, 5, 6)}
        with CaptureQueriesContext(connection) as ctx:
            found = duplicates.duplicate_candidates(user=world.amina, draft=draft)
        return len(found), len(ctx.captured_queries)

    one, few = queries(1), queries(4)
    assert (one[0], few[0]) == (1, 5)
    assert one[1] == few[1]


def test_keys_are_refreshed_when_a_document_is_added(world):
    person = _latin_only(world)
    assert not PersonMatchKey.objects.filter(person=person, key__startswith="cin:").exists()
    draft = {"first_name_lat": "Yusuf", "family_name_lat": "Bnani", "sex": "male",
             "birth_year": 1991, "document_kind": "cin", "document_number": "JK998877"}
    assert duplicates.duplicate_candidates(user=world.amina, draft=draft) == []
    services.identity_document_add(actor=world.youssef, person=person, kind="cin",
                                   number="JK998877")
    assert PersonMatchKey.objects.filter(person=person, key="cin:JK998877").exists()
    assert [c.person for c in duplicates.duplicate_candidates(
        user=world.amina, draft=draft)] == [person]


def test_every_reason_code_of_the_engine_has_a_translation():
    codes = {"names_equal"}
    for level in engine_score._NAME_REASONS:
        for fname in ("first_name", "last_name"):
            codes.add(engine_score._name_reason(fname, level)[0])
    codes |= {code for levels in engine_score._FIELD_REASONS.values()
              for code, _text in levels.values()}
    codes |= {code for code, _text in engine_score._FLAG_REASONS.values()}
    assert codes - set(duplicates.REASON_TEXTS) == set()
    assert set(duplicates.REASON_TEXTS) - codes == set()


def test_the_registration_page_checks_live_and_the_panel_lists_candidates(world, client):
    client.force_login(world.amina)
    page = client.get(reverse("registry:person_create")).content.decode()
    assert f'hx-post="{reverse("registry:duplicate_candidates")}"' in page
    assert 'id="duplicate-candidates"' in page
    panel = client.post(reverse("registry:duplicate_candidates"), FATIMA,
                        HTTP_HX_REQUEST="true")
    body = panel.content.decode()
    assert panel.status_code == 200
    assert reverse("registry:person_detail", args=[world.persons["marrakech"].pk]) in body
    assert "Same CIN" in body and "Probable same person" in body


def test_the_panel_shows_the_outsider_the_identity_card_only(world, client):
    client.force_login(world.karim)
    body = client.post(reverse("registry:duplicate_candidates"), FATIMA).content.decode()
    assert "BE****56" in body and "BE123456" not in body
    assert reverse("registry:person_detail", args=[world.persons["marrakech"].pk]) \
        not in body


def test_the_api_returns_candidates_with_reasons(world, client):
    def call(name):
        token, _ = Token.objects.get_or_create(user=world.users[name])
        return client.post("/api/v1/persons/duplicates/", FATIMA,
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")

    body = call("amina").json()
    assert body[0]["decision"] == "match" and body[0]["identity_card"] is None
    assert body[0]["person"]["id"] == world.persons["marrakech"].pk
    assert {"code": "same_cin", "text": "Same CIN"} in body[0]["reasons"]
    body = call("karim").json()
    assert body[0]["person"] is None and body[0]["identity_card"]["masked_cin"] == "BE****56"
    assert call("nadia").status_code == 403
