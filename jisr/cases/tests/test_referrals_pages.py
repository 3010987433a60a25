"""Referral pages and API: the case page's panel and "Refer" form, the partner's inbox, one
referral's page with the answers; each persona sees its side only, the outsider (karim),
another partner and another centre's staff nothing; a receiver reads only what is shared."""

import pytest

from jisr.cases import referral_services as rs
from jisr.cases.referrals import Referral
from jisr.registry.models import Consent
from jisr.testing.factories import OfferingFactory

SECRET_REQUEST = "Zorglub demande privée"


@pytest.fixture
def referred(world, open_case):
    """An urgent case of the Marrakech person referred to rachid's association, sharing the
    identity card only (its request must not reach the partner)."""
    case = open_case(urgency="urgent", request=SECRET_REQUEST, assigned_to=world.youssef)
    return rs.referral_send(actor=world.youssef, case=case,
                            offering=world.offerings["partner_marrakech"])


def _body(response) -> str:
    return response.content.decode()


def test_the_partner_inbox_shows_the_identity_not_the_case(world, client_for, referred):
    response = client_for("rachid").get("/cases/referrals/")
    assert response.status_code == 200
    body = _body(response)
    assert referred.reference in body and "العلوي" in body
    assert SECRET_REQUEST not in body
    page = _body(client_for("rachid").get(f"/cases/referrals/{referred.pk}/"))
    assert "El Canarypersonmarrakech" in page and "BE123456" not in page
    assert SECRET_REQUEST not in page and "Only the identity card is shared." in page
    assert 'value="accept"' in page and 'value="decline"' in page
    assert f"/cases/{referred.case_id}/" not in page


@pytest.mark.parametrize("persona", ["karim", "oriental_partner", "said", "safi"])
def test_others_see_nothing_of_the_referral(world, client_for, referred, persona):
    client = client_for(persona)
    for url in (f"/cases/referrals/{referred.pk}/", f"/cases/referrals/{referred.pk}/slip.pdf"):
        assert client.get(url).status_code == 404, url
    inbox = client.get("/cases/referrals/?status=sent")
    assert referred.reference not in _body(inbox)
    response = client.post(f"/cases/referrals/{referred.pk}/answer/", {"step": "accept"})
    assert response.status_code in (403, 404)
    referred.refresh_from_db()
    assert referred.status == "sent"


def test_roles_without_an_inbox_are_refused_it(world, client_for):
    assert client_for("nadia").get("/cases/referrals/").status_code == 403
    assert client_for("amina").get("/cases/referrals/").status_code == 403


def test_shared_content_reaches_the_partner_while_consent_lasts(world, client_for, open_case):
    consent = Consent.objects.create(person=world.persons["marrakech"],
                                     purpose=Consent.Purpose.PARTNER_SHARING,
                                     method=Consent.Method.SIGNATURE, recorded_by=world.youssef,
                                     centre=world.centre_marrakech)
    case = open_case(urgency="urgent", request=SECRET_REQUEST)
    referral = rs.referral_send(actor=world.youssef, case=case,
                                offering=world.offerings["partner_marrakech"],
                                shared=["request", "note"], note="Préfère l'après-midi")
    page = _body(client_for("rachid").get(f"/cases/referrals/{referral.pk}/"))
    assert SECRET_REQUEST in page and "Préfère l&#x27;après-midi" in page
    from django.utils import timezone

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    page = _body(client_for("rachid").get(f"/cases/referrals/{referral.pk}/"))
    assert SECRET_REQUEST not in page and "withdrew their consent" in page


def test_the_partner_answers_from_the_page_and_bad_input_changes_nothing(
        world, client_for, referred):
    client = client_for("rachid")
    url = f"/cases/referrals/{referred.pk}/answer/"
    response = client.post(url, {"step": "decline", "text": "non"}, follow=True)
    assert "Tell the referring worker why" in _body(response)
    referred.refresh_from_db()
    assert referred.status == "sent"
    response = client.post(url, {"step": "deliver"}, follow=True)
    assert "it cannot be reported delivered now" in _body(response)
    client.post(url, {"step": "accept"})
    client.post(url, {"step": "deliver", "text": "Rendez-vous tenu"})
    referred.refresh_from_db()
    assert referred.status == "delivered" and referred.outcome_note == "Rendez-vous tenu"
    timeline = _body(client_for("youssef").get(f"/cases/{referred.case_id}/"))
    assert "Referred service delivered" in timeline


def test_the_case_page_lists_referrals_and_refers_with_the_waiting_state(
        world, client_for, open_case):
    case = open_case(urgency="urgent")
    offering = world.offerings["marrakech"]
    offering.capacity = 0
    offering.save()
    client = client_for("youssef")
    page = _body(client.get(f"/cases/{case.pk}/"))
    # The form is drawn when the worker opens "Refer to a service" (at once with no referral
    # yet), the services labelled with their places and queue
    assert 'id="referrals"' in page and f'hx-get="/cases/{case.pk}/referrals/new/"' in page
    assert 'hx-trigger="load"' in page and "0 of 0 places taken" not in page
    form = _body(client.get(f"/cases/{case.pk}/referrals/new/", HTTP_HX_REQUEST="true"))
    assert 'class="referral-form"' in form and "<html" not in form
    assert "0 of 0 places taken, 0 waiting" in form
    response = client.post(f"/cases/{case.pk}/referrals/", {
        "offering": offering.pk, "note": ""}, follow=True)
    body = _body(response)
    assert "waiting list, position 1" in body
    referral = case.referrals.get()
    assert referral.status == "waiting"
    assert "position 1 on the waiting list" in body
    # reception reads the list but does not refer
    reception = _body(client_for("amina").get(f"/cases/{case.pk}/"))
    assert referral.reference in reception and "referral-form" not in reception
    assert client_for("amina").get(f"/cases/{case.pk}/referrals/new/").status_code == 403
    # once referred, the form waits for the worker to open it
    page = _body(client.get(f"/cases/{case.pk}/"))
    assert 'hx-trigger="toggle once from:closest details"' in page
    # a service the case is already referred to (on its waiting list) is not offered again
    form = _body(client.get(f"/cases/{case.pk}/referrals/new/", HTTP_HX_REQUEST="true"))
    assert 'class="referral-form"' in form and f'<option value="{offering.pk}"' not in form
    assert f'<option value="{world.offerings["partner_marrakech"].pk}"' in form
    # no consent: sharing the request with the partner is refused, nothing is created
    response = client.post(f"/cases/{case.pk}/referrals/", {
        "offering": world.offerings["partner_marrakech"].pk, "shared": ["request"]},
        follow=True)
    assert "has not consented to sharing with a partner" in _body(response)
    assert case.referrals.count() == 1


def test_a_case_not_yet_listened_says_why_instead_of_offering_the_refer_form(
        world, client_for, open_case):
    case = open_case()
    for language, words in (("en", "Listen to the person before orienting them"),
                            ("fr", "Écoutez la personne avant de l"),
                            ("ar", "استمع إلى الشخص قبل توجيهه")):
        page = _body(client_for("youssef", language).get(f"/cases/{case.pk}/"))
        assert "referral-form" not in page and "refer-not-yet" in page
        assert words in page
        form = _body(client_for("youssef", language).get(f"/cases/{case.pk}/referrals/new/"))
        assert "referral-form" not in form and words in form
    assert "refer-not-yet" not in _body(client_for("amina").get(f"/cases/{case.pk}/"))


def test_the_referral_pages_answer_in_arabic_and_french(world, client_for, referred):
    for language, words in (("ar", "التوجيهات الواردة"), ("fr", "Orientations reçues")):
        body = _body(client_for("rachid", language).get("/cases/referrals/?status=sent"))
        assert words in body


def test_the_inbox_costs_the_same_queries_for_many_referrals(
        world, client_for, open_case, django_assert_max_num_queries):
    offering = world.offerings["partner_marrakech"]
    for i in range(6):
        rs.referral_send(actor=world.youssef, case=open_case(urgency="urgent"),
                         offering=offering)
    client = client_for("rachid")
    client.get("/cases/referrals/")
    with django_assert_max_num_queries(16):
        response = client.get("/cases/referrals/")
    assert _body(response).count("referral-row") == 6


# --- API -----------------------------------------------------------------------------------

def test_the_api_sends_lists_and_answers_a_referral(world, api_for, open_case):
    case = open_case(urgency="urgent", request=SECRET_REQUEST)
    response = api_for("youssef").post(f"/api/v1/cases/{case.pk}/referrals/", {
        "offering": world.offerings["partner_marrakech"].pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "sent" and data["case"] == case.pk and data["due_at"]
    rid = data["id"]
    partner = api_for("rachid")
    seen = partner.get(f"/api/v1/referrals/{rid}/").json()
    assert seen["case"] is None and seen["request"] == "" and seen["note"] == ""
    assert seen["person"]["name_ar"] == "فاطمة العلوي"
    assert SECRET_REQUEST not in partner.get("/api/v1/referrals/").content.decode()
    response = partner.post(f"/api/v1/referrals/{rid}/deliver/", {}, format="json")
    assert response.status_code == 409
    assert partner.post(f"/api/v1/referrals/{rid}/decline/", {}, format="json"
                        ).status_code == 400
    assert partner.post(f"/api/v1/referrals/{rid}/accept/").json()["status"] == "accepted"
    response = partner.post(f"/api/v1/referrals/{rid}/not-delivered/",
                            {"reason": "La personne a déménagé"}, format="json")
    assert response.json()["status"] == "not_delivered"
    listed = api_for("youssef").get(f"/api/v1/cases/{case.pk}/referrals/").json()
    assert [r["status"] for r in listed] == ["not_delivered"]


def test_the_api_refuses_sharing_without_consent_and_changes_nothing(world, api_for,
                                                                      open_case):
    case = open_case(urgency="urgent")
    response = api_for("youssef").post(f"/api/v1/cases/{case.pk}/referrals/", {
        "offering": world.offerings["partner_marrakech"].pk, "shared": ["request"]},
        format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "consent_missing"
    case.refresh_from_db()
    assert case.stage == "received" and not case.referrals.exists()


@pytest.mark.parametrize("persona", ["karim", "oriental_partner", "safi", "nadia"])
def test_the_api_shows_others_nothing(world, api_for, referred, persona):
    client = api_for(persona)
    assert client.get("/api/v1/referrals/").json()["count"] == 0
    for suffix in ("", "slip.pdf"):
        assert client.get(f"/api/v1/referrals/{referred.pk}/{suffix}").status_code == 404
    assert client.post(f"/api/v1/referrals/{referred.pk}/accept/").status_code in (403, 404)
    assert client.post(f"/api/v1/cases/{referred.case_id}/referrals/", {
        "offering": world.offerings["oujda"].pk}, format="json").status_code in (403, 404)
    referred.refresh_from_db()
    assert referred.status == "sent"


def test_the_api_list_is_scoped_by_side(world, api_for, referred):
    sent = api_for("youssef").get("/api/v1/referrals/?box=sent").json()
    assert {r["id"] for r in sent["results"]} == {referred.pk, world.referrals["marrakech"].pk}
    assert api_for("youssef").get("/api/v1/referrals/?box=received").json()["count"] == 0
    received = api_for("rachid").get("/api/v1/referrals/?status=sent").json()
    assert [r["id"] for r in received["results"]] == [referred.pk]
    assert received["results"][0]["case"] is None


def test_the_api_list_costs_the_same_queries_for_many(world, api_for, open_case,
                                                      django_assert_max_num_queries):
    offering = OfferingFactory(centre=world.centre_marrakech, capacity=None)
    for _ in range(6):
        rs.referral_send(actor=world.youssef, case=open_case(urgency="urgent"),
                         offering=offering)
    client = api_for("khadija")
    client.get("/api/v1/referrals/")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/referrals/")
    assert response.json()["count"] == 7


def test_a_cases_referrals_cost_the_same_queries_for_many(world, api_for, open_case,
                                                          django_assert_num_queries):
    """The case's list names each line's service, provider and sending centre by their
    codes too: read with the lines, not one query per line (the API's ``ReferralOutput``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jisr.network.models import Service

    case = open_case(urgency="urgent")
    rs.referral_send(actor=world.youssef, case=case,
                     offering=world.offerings["partner_marrakech"])
    client = api_for("youssef")
    url = f"/api/v1/cases/{case.pk}/referrals/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    offered = world.centre_marrakech.offerings.values("service")
    for service in Service.objects.exclude(pk__in=offered).order_by("code")[:3]:
        rs.referral_send(actor=world.youssef, case=case, offering=OfferingFactory(
            service=service, centre=world.centre_marrakech, capacity=None))
    with django_assert_num_queries(len(one.captured_queries)):
        listed = client.get(url).json()
    assert len(listed) == 4
    assert world.offerings["partner_marrakech"].partner.code in {
        r["provider_partner"] for r in listed}
    assert {r["from_centre"] for r in listed} == {world.centre_marrakech.code}
    assert api_for("karim").get(url).status_code == 404  # the outsider


def test_the_schema_documents_the_referral_operations(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
                        ).json()
    operations = {op["operationId"] for path in schema["paths"].values()
                  for op in path.values()}
    assert {"cases_referrals_send", "referrals_list", "referrals_retrieve",
            "referrals_accept", "referrals_decline", "referrals_deliver",
            "referrals_not_deliver", "referrals_slip"} <= operations


def test_a_waiting_referral_says_its_position(world, api_for, open_case):
    offering = world.offerings["partner_marrakech"]
    offering.capacity = 0
    offering.save()
    case = open_case(urgency="urgent")
    data = api_for("youssef").post(f"/api/v1/cases/{case.pk}/referrals/", {
        "offering": offering.pk}, format="json").json()
    assert data["status"] == Referral.Status.WAITING and data["queue_position"] == 1


def test_the_partner_home_counts_its_open_referrals(world, client_for, referred):
    body = _body(client_for("rachid").get("/"))
    assert "panel-referrals_received" in body and "/cases/referrals/?status=sent" in body
    assert "panel-referrals_received" not in _body(client_for("nadia").get("/"))


def test_the_case_page_costs_the_same_queries_with_more_referrals(world, client_for,
                                                                  open_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = open_case(urgency="urgent")
    client = client_for("youssef")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        return len(ctx.captured_queries)

    rs.referral_send(actor=world.youssef, case=case, offering=world.offerings["marrakech"])
    queries()  # the first view fills the process's caches (content types…)
    one = queries()
    from jisr.network.models import Service

    for service in Service.objects.exclude(code="legal-aid")[:4]:
        rs.referral_send(actor=world.youssef, case=case, offering=OfferingFactory(
            centre=world.centre_marrakech, service=service))
    assert queries() == one


def test_lists_give_the_partner_identity_and_status_and_the_detail_the_shared_content(
        world, api_for, open_case):
    Consent.objects.create(person=world.persons["marrakech"],
                           purpose=Consent.Purpose.PARTNER_SHARING,
                           method=Consent.Method.SIGNATURE, recorded_by=world.youssef,
                           centre=world.centre_marrakech)
    case = open_case(urgency="urgent", request=SECRET_REQUEST)
    referral = rs.referral_send(actor=world.youssef, case=case,
                                offering=world.offerings["partner_marrakech"],
                                shared=["request"])
    listed = api_for("rachid").get("/api/v1/referrals/?status=sent").json()["results"][0]
    assert listed["request"] == "" and listed["consent_withdrawn"] is False
    assert listed["shared"] == ["request"]
    detail = api_for("rachid").get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["request"] == SECRET_REQUEST


def test_the_refer_form_and_the_places_work_as_pages_without_javascript(
        world, client_for, open_case):
    case = open_case(urgency="urgent")
    offering = world.offerings["marrakech"]
    client = client_for("youssef", "fr")
    form = _body(client.get(f"/cases/{case.pk}/referrals/new/"))
    assert "<html" in form and 'dir="ltr"' in form and 'class="referral-form"' in form
    assert f'<option value="{offering.pk}"' in form
    places = client.get(f"/cases/{case.pk}/referrals/places/")
    assert places.status_code == 200 and "<html" in _body(places)
    assert offering.service.name_fr in _body(places)
    fragment = _body(client.get(f"/cases/{case.pk}/referrals/places/", HTTP_HX_REQUEST="true"))
    assert 'class="offering-places"' in fragment and "<html" not in fragment
    arabic = _body(client_for("youssef", "ar").get(f"/cases/{case.pk}/referrals/places/"))
    assert 'dir="rtl"' in arabic and offering.service.name_ar in arabic


@pytest.mark.parametrize("persona", ["karim", "oriental_partner", "said", "safi"])
def test_others_get_neither_the_refer_form_nor_the_places(world, client_for, open_case,
                                                          persona):
    case = open_case(urgency="urgent")
    for url in (f"/cases/{case.pk}/referrals/new/", f"/cases/{case.pk}/referrals/places/"):
        response = client_for(persona).get(url)
        assert response.status_code in (403, 404), (persona, url)
        assert world.offerings["marrakech"].service.name_fr not in _body(response)
