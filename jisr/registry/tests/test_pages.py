"""The registry's pages, as reception, a social worker and the outsider use them."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisr.core.models import AuditEntry
from jisr.registry.models import Consent, HouseholdMembership, Person
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA, CANARY_SENSITIVE

FORM = {"first_name_lat": "Hassan", "family_name_lat": "Amrani", "first_name_ar": "حسن",
        "family_name_ar": "العمراني", "sex": "male", "birth_year": "1975",
        "document_kind": "cin", "document_number": "bj 44 55 66", "phone": "0661234567",
        "phone_kind": "mobile"}


def test_reception_finds_its_person_by_a_name_alone(world, client_for):
    page = client_for("amina").get("/registry/", {"name": "fat"}).content.decode()
    assert CANARY_PERSON_MARRAKECH in page
    assert f'/registry/persons/{world.persons["marrakech"].pk}/' in page
    assert CANARY_PERSON_OUJDA not in page


def test_the_outsider_finds_nothing_by_name_and_a_card_by_cin(world, client_for):
    karim = client_for("karim")
    for query in ({"name": "fatima"}, {"name": "fat can", "birth_year": 1984},
                  {"birth_year": 1984}, {"commune": world.centre_marrakech.commune_id}):
        page = karim.get("/registry/", query).content.decode()
        assert CANARY_PERSON_MARRAKECH not in page, query
    page = karim.get("/registry/", {"name": "fatima canarypersonmarrakech",
                                    "birth_year": "1984"}).content.decode()
    assert CANARY_PERSON_MARRAKECH in page and "BE****56" in page
    page = karim.get("/registry/", {"phone": "0612345678"}).content.decode()
    assert CANARY_PERSON_MARRAKECH in page and "BE****56" in page
    assert "BE123456" not in page and "+212612345678" not in page
    assert world.centre_marrakech.name_fr in page
    assert f'/registry/persons/{world.persons["marrakech"].pk}/emergency-access/' in page
    assert f'href="/registry/persons/{world.persons["marrakech"].pk}/"' not in page


def test_the_search_answers_htmx_with_the_results_only(world, client_for):
    response = client_for("amina").get("/registry/", {"name": "fatima"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert CANARY_PERSON_MARRAKECH in body and "<html" not in body


def test_register_carries_the_typed_values_into_the_form(world, client_for):
    amina = client_for("amina")
    page = amina.get("/registry/", {"name": "Hassan Amrani", "identifier": "bj445566",
                                    "birth_year": "1975"}).content.decode()
    assert "/registry/persons/new/?name=Hassan+Amrani" in page
    form = amina.get("/registry/persons/new/", {"name": "حسن العمراني", "identifier": "bj445566",
                                                "birth_year": "1975"}).content.decode()
    assert 'value="حسن"' in form and 'value="العمراني"' in form and 'value="bj445566"' in form
    assert 'dir="rtl"' in form and 'dir="ltr"' in form


def test_reception_registers_a_person_from_the_form(world, client_for):
    response = client_for("amina").post("/registry/persons/new/", FORM)
    person = Person.objects.get(family_name_lat="Amrani")
    assert response.url == f"/registry/persons/{person.pk}/"
    assert person.documents.get().number == "BJ445566"
    assert person.phones.get().number == "+212661234567"


@pytest.mark.parametrize("bad", [{"document_number": "12345"}, {"phone": "12"},
                                 {"birth_year": ""}, {"document_number": "BE123456"}])
def test_a_wrong_value_is_shown_in_the_chosen_language_and_nothing_is_saved(
        world, client_for, bad):
    count = Person.objects.count()
    response = client_for("amina", language="fr").post("/registry/persons/new/",
                                                        {**FORM, **bad})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert Person.objects.count() == count


def test_the_person_page_shows_the_record_but_not_the_sensitive_details(world, client_for):
    page = client_for("youssef").get(
        f'/registry/persons/{world.persons["marrakech"].pk}/').content.decode()
    assert CANARY_PERSON_MARRAKECH in page and "BE123456" in page and "+212612345678" in page
    assert "Follow-up of the case" in page and "Head of household" in page
    assert CANARY_SENSITIVE not in page


def test_sensitive_details_are_shown_on_request_and_audited(world, client_for):
    url = f'/registry/persons/{world.persons["marrakech"].pk}/sensitive/'
    youssef = client_for("youssef")
    assert CANARY_SENSITIVE not in youssef.get(url).content.decode()
    assert not AuditEntry.objects.filter(action="registry.person.sensitive.read").exists()
    page = youssef.post(url).content.decode()
    assert CANARY_SENSITIVE in page and "Victim of domestic violence" in page
    assert AuditEntry.objects.filter(action="registry.person.sensitive.read",
                                     actor=world.youssef).count() == 1
    saved = youssef.post(url, {"save": "1", "health_details": "Hypertension",
                               "protection_categories": ["child_protection"]})
    assert saved.status_code == 302
    assert CANARY_SENSITIVE not in youssef.post(url).content.decode()
    assert client_for("amina").post(url).status_code == 403


def test_consents_are_recorded_and_withdrawn_from_the_person_page(world, client_for):
    person = world.persons["marrakech"]
    amina = client_for("amina")
    response = amina.post(f"/registry/persons/{person.pk}/consents/",
                          {"purpose": "sms_contact", "method": "oral_with_witness"})
    assert response.status_code == 200 and "witness" in response.content.decode()
    response = amina.post(f"/registry/persons/{person.pk}/consents/",
                          {"purpose": "sms_contact", "method": "oral_with_witness",
                           "witness_name": "Zineb"})
    assert response.status_code == 302
    consent = Consent.objects.get(purpose="sms_contact")
    assert amina.post(f"/registry/consents/{consent.pk}/withdraw/", {"reason": "changed mind"}
                      ).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.amina


def test_documents_and_phones_are_added_from_the_person_page(world, client_for):
    person = world.persons["marrakech"]
    youssef = client_for("youssef")
    assert youssef.post(f"/registry/persons/{person.pk}/phones/",
                        {"number": "0522 12 34 56", "kind": "landline"}).status_code == 302
    assert person.phones.filter(number="+212522123456").exists()
    refused = youssef.post(f"/registry/persons/{person.pk}/documents/",
                           {"kind": "rnp", "number": "abc"})
    assert refused.status_code == 200 and "digits only" in refused.content.decode()


def test_households_are_created_and_joined_from_the_pages(world, client_for):
    amina = client_for("amina")
    child = PersonFactory(registered_at=world.centre_marrakech, first_name_lat="Yassine")
    household = world.households["marrakech"]
    response = amina.post(f"/registry/persons/{child.pk}/household/",
                          {"household": household.pk, "relationship": "child"})
    assert response.status_code == 302
    assert HouseholdMembership.objects.get(person=child, end=None).household == household
    other = PersonFactory(registered_at=world.centre_marrakech)
    response = amina.post(f"/registry/persons/{other.pk}/household/new/", {})
    assert response.url.startswith("/registry/households/")
    page = amina.get(f"/registry/households/{household.pk}/").content.decode()
    assert "Yassine" in page and CANARY_PERSON_MARRAKECH not in page.split("<main")[0]
    assert amina.get(f"/registry/persons/{other.pk}/household/new/").status_code == 405


def test_a_household_member_followed_elsewhere_is_listed_without_a_name(world, client_for):
    HouseholdMembership.objects.create(person=world.persons["oujda"], household=world.households[
        "marrakech"], relationship="sibling", start="2000-01-01", end="2010-01-01")
    page = client_for("youssef").get(
        f'/registry/households/{world.households["marrakech"].pk}/').content.decode()
    assert CANARY_PERSON_OUJDA not in page and "followed by another centre" in page


def test_breaking_the_glass_from_the_page(world, client_for, django_capture_on_commit_callbacks):
    person = world.persons["marrakech"]
    karim = client_for("karim")
    url = f"/registry/persons/{person.pk}/emergency-access/"
    form = karim.get(url).content.decode()
    assert CANARY_PERSON_MARRAKECH not in form and "24 hours" in form
    assert karim.post(url, {"reason": "short"}).status_code == 200
    assert karim.get(f"/registry/persons/{person.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = karim.post(url, {"reason": "Found at the station, needs her medication."})
    assert response.url == f"/registry/persons/{person.pk}/"
    assert CANARY_PERSON_MARRAKECH in karim.get(response.url).content.decode()
    assert [m.to for m in mail.outbox] == [[world.khadija.email]]


def test_the_outsider_gets_not_found_on_every_page_of_another_centre(world, client_for):
    karim = client_for("karim")
    person, household = world.persons["marrakech"].pk, world.households["marrakech"].pk
    for url in (f"/registry/persons/{person}/", f"/registry/persons/{person}/edit/",
                f"/registry/persons/{person}/documents/", f"/registry/persons/{person}/phones/",
                f"/registry/persons/{person}/consents/", f"/registry/persons/{person}/sensitive/",
                f"/registry/persons/{person}/household/",
                f"/registry/consents/{world.consents['marrakech'].pk}/withdraw/",
                f"/registry/households/{household}/"):
        for method in ("get", "post"):
            response = getattr(karim, method)(url)
            assert response.status_code == 404, f"{method} {url}"
            assert CANARY_PERSON_MARRAKECH not in response.content.decode()
    assert karim.post(f"/registry/persons/{person}/household/new/").status_code == 404


@pytest.mark.parametrize("persona", ["nadia", "admin", "rachid"])
def test_roles_without_person_access_are_refused(world, client_for, persona):
    client = client_for(persona)
    assert client.get("/registry/").status_code == 403
    assert client.get(f'/registry/persons/{world.persons["marrakech"].pk}/').status_code == 403


def test_the_search_page_runs_a_fixed_number_of_queries(world, client_for):
    amina = client_for("amina")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert amina.get("/registry/", {"name": "khadija"}).status_code == 200
        return len(queries)

    PersonFactory(registered_at=world.centre_marrakech, cin="K100")
    few = count()
    for n in range(8):
        PersonFactory(registered_at=world.centre_marrakech, cin=f"K{200 + n}",
                      phone=f"06610000{n:02d}")
    assert count() == few


def test_a_narrow_search_finds_its_persons_once_and_pages_them(world, client_for):
    """Two names: a few hundred persons at most, found by one search whose keys are counted
    and paged (core.pagination.KeyedPaginator), not by a second search to count them."""
    mine = [PersonFactory(registered_at=world.centre_marrakech, first_name_lat="Zineb",
                          family_name_lat=f"Tazi{n:02d}", cin=None) for n in range(30)]
    PersonFactory(registered_at=world.centre_oujda, first_name_lat="Zineb",
                  family_name_lat="Tazi99", cin=None)  # another centre's: not listed
    amina = client_for("amina")
    with CaptureQueriesContext(connection) as queries:
        first = amina.get("/registry/", {"name": "zineb tazi"})
    searches = [q for q in queries if "name_key" in q["sql"]]
    assert len(searches) == 2  # the keys, then the page's rows by key (no second count)
    assert "\"registry_person\".\"id\" IN" in searches[1]["sql"]
    listed = [p.pk for p in first.context["page"]]
    assert len(listed) == 25 and first.context["page"].paginator.count == 30
    second = [p.pk for p in amina.get("/registry/", {"name": "zineb tazi", "page": 2})
              .context["page"]]
    assert sorted(listed + second) == sorted(p.pk for p in mine)
    # the outsider (another centre) finds none of them
    page = client_for("karim").get("/registry/", {"name": "zineb tazi"}).content.decode()
    assert "Tazi0" not in page


def test_the_person_page_runs_a_fixed_number_of_queries(world, client_for):
    youssef = client_for("youssef")
    url = f'/registry/persons/{world.persons["marrakech"].pk}/'

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert youssef.get(url).status_code == 200
        return len(queries)

    few = count()
    person = world.persons["marrakech"]
    for n in range(5):
        person.phones.create(number=f"+2126610000{n:02d}")
        person.documents.create(kind="passport", number=f"P00{n}1234")
    Consent.objects.create(person=person, purpose="statistics", method="signature",
                           recorded_by=world.amina, centre=world.centre_marrakech)
    assert count() == few
