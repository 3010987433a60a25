"""The network API: the public directory, and the scoped staff endpoints."""

import json

import pytest
from django.test import Client

from jisr.network.models import Centre, Service
from jisr.testing.factories import OfferingFactory, UserFactory
from jisr.testing.personas import CANARIES


def _patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_a_regional_coordinator_edits_the_regions_centres_through_the_api(world, client_for):
    omar = client_for("omar")
    ok = _patch(omar, f"/api/v1/network/centres/{world.centre_safi.pk}/", {"capacity": 40})
    assert ok.status_code == 200 and ok.json()["capacity"] == 40
    refused = _patch(omar, f"/api/v1/network/centres/{world.centre_oujda.pk}/", {"capacity": 4})
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"


def test_a_centre_manager_edits_only_their_centre_through_the_api(world, client_for):
    khadija = client_for("khadija")
    url = f"/api/v1/network/centres/{world.centre_marrakech.pk}/"
    assert _patch(khadija, url, {"description": "Accueil"}).status_code == 200
    assert _patch(khadija, f"/api/v1/network/centres/{world.samu_marrakech.pk}/",
                  {"description": "x"}).status_code == 404
    renamed = _patch(khadija, url, {"name_fr": "Autre"})
    assert renamed.status_code == 400 and "name_fr" in renamed.json()["error"]["fields"]


def test_bad_input_gets_the_error_format_and_changes_nothing(world, client_for):
    response = _patch(client_for("omar"), f"/api/v1/network/centres/{world.centre_safi.pk}/",
                      {"opening_hours": [{"days": [9], "opens": "8", "closes": "x"}]})
    assert response.status_code == 400
    assert "opening_hours" in response.json()["error"]["fields"]
    assert Centre.objects.get(pk=world.centre_safi.pk).opening_hours == []


def test_the_outsider_gets_nothing_beyond_public_data(world, client_for):
    karim = client_for("karim")
    centres = karim.get("/api/v1/network/centres/").json()
    assert [c["code"] for c in centres["results"]] == [world.centre_oujda.code]
    assert karim.get(f"/api/v1/network/centres/{world.centre_marrakech.pk}/").status_code == 404
    partners = karim.get("/api/v1/network/partners/").json()
    assert [p["code"] for p in partners["results"]] == [world.partner_oriental.code]
    offering = OfferingFactory(centre=world.centre_marrakech)
    assert karim.get(f"/api/v1/network/offerings/{offering.pk}/").status_code == 404
    assert karim.post("/api/v1/network/offerings/", {
        "service": "literacy", "centre": world.centre_marrakech.pk}).status_code == 404


def test_offerings_are_created_in_scope(world, client_for):
    response = client_for("khadija").post("/api/v1/network/offerings/", {
        "service": "literacy", "centre": world.centre_marrakech.pk, "response_days": 3},
        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["centre"] == world.centre_marrakech.code
    assert response.json()["response_days"] == 3


def test_anonymous_visitors_cannot_use_the_staff_endpoints(world):
    assert Client().get("/api/v1/network/centres/").status_code in (401, 403)
    assert Client().patch(f"/api/v1/network/centres/{world.centre_safi.pk}/",
                          "{}", content_type="application/json").status_code in (401, 403)


@pytest.mark.parametrize("persona", [None, "karim"])
def test_the_public_directory_shows_no_staff_data(world, client_for, persona):
    # Given a centre whose manager is a named member of staff
    manager = UserFactory(username="manager1", role="centre_manager",
                          last_name=CANARIES[0], centre=world.centre_marrakech)
    Centre.objects.filter(pk=world.centre_marrakech.pk).update(manager=manager)
    OfferingFactory(centre=world.centre_marrakech)
    world.partner_marrakech.contact_name = CANARIES[0]
    world.partner_marrakech.save()
    client = client_for(persona) if persona else Client()
    # when anyone reads the directory
    for url in ("/api/v1/directory/centres/", "/api/v1/directory/centres/JIS-07.351.01.0/",
                "/api/v1/directory/partners/", "/api/v1/directory/partners/P-ASS-07/",
                "/api/v1/directory/offerings/", "/api/v1/hsds/services/"):
        response = client.get(url)
        # then it answers without the manager or the partner's contact person
        assert response.status_code == 200, url
        body = response.content.decode()
        assert CANARIES[0] not in body and "manager" not in body and "contact_name" not in body


def test_the_directory_filters_by_territory_type_and_service(world):
    OfferingFactory(centre=world.centre_safi, service=Service.objects.get(code="literacy"))
    client = Client()

    def codes(**params):
        return [c["code"] for c in client.get("/api/v1/directory/centres/",
                                              params).json()["results"]]

    assert codes(region="02") == [world.centre_oujda.code]
    assert codes(province="07.441") == [world.centre_safi.code]
    assert codes(kind="mobile") == [world.samu_marrakech.code]
    assert codes(service="literacy") == [world.centre_safi.code]
    assert codes(domain="education") == [world.centre_safi.code]
    assert codes(q="وجدة") == [world.centre_oujda.code]


def test_directory_lists_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for centre in (world.centre_marrakech, world.centre_safi, world.centre_oujda):
        OfferingFactory(centre=centre)
    client = Client()
    with django_assert_max_num_queries(2):
        client.get("/api/v1/directory/centres/")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/directory/offerings/")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/directory/services/")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/directory/centres/JIS-07.351.01.0/")


def test_staff_lists_take_a_fixed_number_of_queries(world, client_for,
                                                    django_assert_max_num_queries):
    omar = client_for("omar")
    with django_assert_max_num_queries(8):
        assert omar.get("/api/v1/network/centres/").json()["count"] == 3


def test_the_schema_names_every_network_and_territory_operation(world):
    schema = Client().get("/api/v1/schema/?format=json").json()
    operations = {op["operationId"] for path in schema["paths"].values()
                  for op in path.values() if isinstance(op, dict) and "operationId" in op}
    assert {"regions_list", "communes_list", "communes_retrieve", "directory_centres_list",
            "directory_centres_retrieve", "services_list", "hsds_services_list",
            "centres_partial_update", "offerings_create", "partners_partial_update"} <= operations
