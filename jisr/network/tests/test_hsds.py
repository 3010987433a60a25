"""The HSDS 3.0 export validates against Open Referral's schema (copied into the repo)."""

import json

import jsonschema
from django.test import Client

from jisr.network import hsds
from jisr.network.models import Centre, Service, ServiceOffering
from jisr.testing.factories import OfferingFactory


def _validator():
    schema = json.loads(hsds.SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_every_exported_service_validates_against_hsds_3(world):
    # Given offerings at centres (one temporarily closed, one suspended) and by a partner
    Centre.objects.filter(pk=world.centre_safi.pk).update(
        status=Centre.Status.TEMPORARILY_CLOSED, latitude="32.29939", longitude="-9.23718",
        phone="+212 524 46 00 00", opening_hours=[
            {"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"}])
    OfferingFactory(centre=world.centre_marrakech, minimum_age=18,
                    schedule=[{"days": [6], "opens": "09:00", "closes": "12:00"}])
    OfferingFactory(centre=world.centre_safi, status=ServiceOffering.Status.SUSPENDED)
    world.partner_marrakech.commune = world.centre_marrakech.commune
    world.partner_marrakech.website = "https://solidarite.example"
    world.partner_marrakech.email = "contact@solidarite.example"
    world.partner_marrakech.save()
    OfferingFactory(centre=None, partner=world.partner_marrakech,
                    service=Service.objects.get(code="violence-support"))

    # when the export is read through the HSDS API
    page = Client().get("/api/v1/hsds/services/").json()

    # then it is an HSDS page of these three (and the world's own) services, each valid
    expected = 3 + len(world.offerings)
    assert page["total_items"] == expected and page["size"] == expected and page["last_page"]
    validator = _validator()
    for service in page["contents"]:
        errors = sorted(validator.iter_errors(service), key=str)
        assert not errors, [e.message for e in errors]
    statuses = {s["status"] for s in page["contents"]}
    assert statuses == {"active", "inactive"}
    by_partner = next(s for s in page["contents"] if s["organization"]["id"]
                      == world.partner_marrakech.hsds_id)
    assert by_partner["service_areas"][0]["extent"] == "07"
    at_centre = next(s for s in page["contents"] if s.get("minimum_age") == 18)
    location = at_centre["service_at_locations"][0]["location"]
    assert location["external_identifier"] == world.centre_marrakech.code
    assert at_centre["attributes"][0]["taxonomy_term"]["code"] == "listening-interview"


def test_a_service_is_found_by_its_id_and_an_unknown_id_is_not(world):
    offering = OfferingFactory(centre=world.centre_marrakech)
    client = Client()
    one = client.get(f"/api/v1/hsds/services/{offering.uuid}/")
    assert one.status_code == 200 and one.json()["id"] == str(offering.uuid)
    assert _validator().is_valid(one.json())
    assert client.get("/api/v1/hsds/services/not-a-uuid/").status_code == 404
    assert client.get(f"/api/v1/hsds/services/{world.centre_marrakech.hsds_id}/") \
        .status_code == 404
    assert client.get("/api/v1/hsds/").json()["version"] == "3.0"


def test_ids_stay_the_same_from_one_export_to_the_next(world):
    OfferingFactory(centre=world.centre_marrakech)
    first = [hsds.service_record(o) for o in hsds.exported_offerings()]
    second = [hsds.service_record(o) for o in hsds.exported_offerings()]
    assert first == second


def test_the_export_command_writes_a_valid_file(world, tmp_path):
    from django.core.management import call_command

    OfferingFactory(centre=world.centre_marrakech)
    target = tmp_path / "hsds.json"
    call_command("export_hsds", str(target))
    services = json.loads(target.read_text(encoding="utf-8"))
    assert len(services) == 1 + len(world.offerings)
    assert all(_validator().is_valid(service) for service in services)


def test_the_export_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for centre in (world.centre_marrakech, world.centre_safi, world.centre_oujda):
        OfferingFactory(centre=centre)
    with django_assert_max_num_queries(2):
        Client().get("/api/v1/hsds/services/")
