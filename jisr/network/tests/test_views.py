"""Network pages: the public directory and the staff pages, for every kind of visitor."""

import pytest

from jisr.network.models import Centre, ServiceOffering
from jisr.testing.factories import OfferingFactory, UserFactory
from jisr.testing.personas import CANARY_MARRAKECH

HOURS_POST = {"opens_1": "08:30", "closes_1": "16:30", "opens_2": "08:30",
              "closes_2": "16:30"}


def _centre_post(centre, **extra):
    data = {"name_ar": centre.name_ar, "name_fr": centre.name_fr, "kind": centre.kind,
            "status": centre.status, "address": "12 Rue Al Amal", "capacity": "45",
            "phone": "", "email": "", "description": "", "latitude": "", "longitude": "",
            "manager": "", **HOURS_POST}
    data.update(extra)
    return data


def test_a_citizen_finds_centres_and_their_services_without_logging_in(world, client):
    # Given a centre with a service and a named manager (staff data)
    manager = UserFactory(username="mgr", role="centre_manager", last_name=CANARY_MARRAKECH,
                          centre=world.centre_marrakech)
    Centre.objects.filter(pk=world.centre_marrakech.pk).update(
        manager=manager, phone="+212 524 30 30 30", latitude="31.63", longitude="-8.0",
        opening_hours=[{"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"}])
    OfferingFactory(centre=world.centre_marrakech)
    # when a visitor searches the directory by service and opens the centre's page
    listing = client.get("/directory/", {"service": "listening-interview"}).content.decode()
    page = client.get(f"/directory/centres/{world.centre_marrakech.code}/").content.decode()
    # then they find it, its hours, phone and services, on a list and a map
    assert f'href="/directory/centres/{world.centre_marrakech.code}/"' in listing
    assert world.centre_safi.code not in listing
    assert "data-jisr-map" in listing and "&quot;lat&quot;: 31.63" in listing
    assert "08:30–16:30" in page and "+212 524 30 30 30" in page
    assert "Entretien d&#x27;écoute" in page or "Entretien d'écoute" in page
    # and never the manager
    assert CANARY_MARRAKECH not in listing + page
    # and the navigation offers the public pages
    assert 'href="/directory/"' in page and 'href="/territories/"' in page


def test_the_catalogue_and_partner_pages_are_public(world, client):
    world.partner_marrakech.contact_name = CANARY_MARRAKECH
    world.partner_marrakech.save()
    OfferingFactory(centre=None, partner=world.partner_marrakech)
    catalogue = client.get("/directory/services/").content.decode()
    partner = client.get(f"/directory/partners/{world.partner_marrakech.code}/")
    assert "Alphabétisation" in catalogue and "/directory/?service=literacy" in catalogue
    listing = client.get("/directory/", {"region": "07"}).content.decode()
    assert f'href="/directory/partners/{world.partner_marrakech.code}/"' in listing
    assert world.partner_oriental.code not in listing
    assert partner.status_code == 200 and CANARY_MARRAKECH not in partner.content.decode()
    assert client.get("/directory/partners/NOPE/").status_code == 404


def test_closed_centres_are_not_in_the_directory(world, client):
    Centre.objects.filter(pk=world.centre_safi.pk).update(status=Centre.Status.CLOSED)
    assert client.get(f"/directory/centres/{world.centre_safi.code}/").status_code == 404
    assert world.centre_safi.code not in client.get("/directory/").content.decode()


def test_a_regional_coordinator_edits_the_regions_centres_in_the_ui(world, client_for):
    omar = client_for("omar")
    url = f"/network/centres/{world.centre_safi.pk}/"
    assert omar.get(url).status_code == 200
    response = omar.post(url, _centre_post(world.centre_safi))
    assert response.status_code == 302
    centre = Centre.objects.get(pk=world.centre_safi.pk)
    assert centre.capacity == 45 and centre.opening_hours == [
        {"days": [1, 2], "opens": "08:30", "closes": "16:30"}]
    # and Oriental's centre does not exist for him
    assert omar.get(f"/network/centres/{world.centre_oujda.pk}/").status_code == 404
    assert omar.post(f"/network/centres/{world.centre_oujda.pk}/",
                     _centre_post(world.centre_oujda)).status_code == 404


def test_a_centre_manager_edits_only_their_centre_in_the_ui(world, client_for):
    khadija = client_for("khadija")
    page = khadija.get(f"/network/centres/{world.centre_marrakech.pk}/").content.decode()
    assert 'name="capacity"' in page and 'name="name_fr"' not in page
    response = khadija.post(f"/network/centres/{world.centre_marrakech.pk}/",
                            {"status": "open", "capacity": "30", "address": "", "phone": "",
                             "email": "", "description": "", "latitude": "",
                             "longitude": ""})
    assert response.status_code == 302
    assert Centre.objects.get(pk=world.centre_marrakech.pk).capacity == 30
    assert khadija.get(f"/network/centres/{world.samu_marrakech.pk}/").status_code == 404


def test_a_manager_adds_and_updates_a_service_in_the_ui(world, client_for):
    khadija = client_for("khadija")
    response = khadija.post(f"/network/centres/{world.centre_marrakech.pk}/offerings/new/", {
        "service": "", "status": "active", "eligibility": "Femmes", "languages": ["ar", "shi"],
        "waiting_list": "4", "response_days": "5"})
    assert response.status_code == 200  # no service chosen: the form says so
    from jisr.network.models import Service

    literacy = Service.objects.get(code="literacy")
    response = khadija.post(f"/network/centres/{world.centre_marrakech.pk}/offerings/new/", {
        "service": literacy.pk, "status": "active", "eligibility": "Femmes",
        "languages": ["ar", "shi"], "waiting_list": "4", "response_days": "5"})
    assert response.status_code == 302
    offering = ServiceOffering.objects.get(centre=world.centre_marrakech, service=literacy)
    assert offering.languages == ["ar", "shi"] and offering.schedule == []
    response = khadija.post(f"/network/offerings/{offering.pk}/", {
        "status": "suspended", "eligibility": "", "waiting_list": "0", "response_days": "5",
        "languages": ["ar"]})
    assert response.status_code == 302
    assert ServiceOffering.objects.get(pk=offering.pk).status == "suspended"


@pytest.mark.parametrize("url", ["/network/centres/{marrakech}/",
                                 "/network/centres/{marrakech}/offerings/new/",
                                 "/network/partners/{partner}/"])
def test_the_outsider_cannot_open_another_scopes_staff_pages(world, client_for, url):
    url = url.format(marrakech=world.centre_marrakech.pk, partner=world.partner_marrakech.pk)
    assert client_for("karim").get(url).status_code in (403, 404)


def test_the_outsider_lists_only_his_centre_and_his_regions_partners(world, client_for):
    karim = client_for("karim")
    centres = karim.get("/network/centres/").content.decode()
    partners = karim.get("/network/partners/").content.decode()
    assert world.centre_oujda.code in centres and world.centre_marrakech.code not in centres
    assert world.partner_oriental.code in partners
    assert world.partner_marrakech.code not in partners


def test_partner_agents_edit_their_organisation(world, client_for):
    rachid = client_for("rachid")
    url = f"/network/partners/{world.partner_marrakech.pk}/"
    assert rachid.get(url).status_code == 200
    response = rachid.post(url, {"name_ar": "جمعية", "name_fr": "Association", "kind":
                                 "association", "phone": "+212 524 11 22 33",
                                 "contact_name": "Hind"})
    assert response.status_code == 302
    assert rachid.get(f"/network/partners/{world.partner_oriental.pk}/").status_code == 404


def test_staff_pages_need_a_login(world, client):
    response = client.get("/network/centres/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_take_a_fixed_number_of_queries(world, client, client_for,
                                              django_assert_max_num_queries):
    for centre in (world.centre_marrakech, world.centre_safi, world.centre_oujda):
        OfferingFactory(centre=centre)
    with django_assert_max_num_queries(7):
        client.get("/directory/")
    with django_assert_max_num_queries(4):
        client.get(f"/directory/centres/{world.centre_marrakech.code}/")
    admin = client_for("admin")
    with django_assert_max_num_queries(12):
        admin.get("/network/centres/")
