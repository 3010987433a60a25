"""Writes on the network, with the access policy and the audit trail."""

import pytest

from jisr.core.exceptions import AccessDenied, NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.network import services
from jisr.network.models import Centre, Service, ServiceOffering
from jisr.testing.factories import OfferingFactory

HOURS = [{"days": [1, 2, 3, 4, 5], "opens": "08:30", "closes": "16:30"}]


def test_a_regional_coordinator_edits_the_centres_of_the_region_only(world):
    # Given omar, coordinator of Marrakech-Safi
    # when he changes a centre in Safi, then it is saved and audited with before/after
    services.centre_update(actor=world.omar, centre=world.centre_safi, capacity=80,
                           opening_hours=HOURS, reason="new wing")
    world.centre_safi.refresh_from_db()
    assert world.centre_safi.capacity == 80 and world.centre_safi.opening_hours == HOURS
    entry = AuditEntry.objects.get(action="network.centre.update")
    assert entry.actor == world.omar and entry.reason == "new wing"
    assert entry.before["capacity"] is None and entry.after["capacity"] == 80
    # and a centre of Oriental does not even exist for him
    with pytest.raises(NotFound):
        services.centre_update(actor=world.omar, centre=world.centre_oujda, capacity=1)


def test_a_centre_manager_edits_only_their_centre_and_only_its_running(world):
    services.centre_update(actor=world.khadija, centre=world.centre_marrakech,
                           phone="+212 524 00 00 00", status=Centre.Status.TEMPORARILY_CLOSED)
    assert Centre.objects.get(pk=world.centre_marrakech.pk).phone == "+212 524 00 00 00"
    with pytest.raises(NotFound):
        services.centre_update(actor=world.khadija, centre=world.samu_marrakech, capacity=3)
    # renaming or re-typing the centre is the territory's decision
    with pytest.raises(ValidationFailed) as refused:
        services.centre_update(actor=world.khadija, centre=world.centre_marrakech,
                               name_fr="Autre nom")
    assert "name_fr" in refused.value.fields


def test_workers_and_the_outsider_cannot_edit_centres(world):
    with pytest.raises(AccessDenied):
        services.centre_update(actor=world.youssef, centre=world.centre_marrakech, capacity=2)
    with pytest.raises(NotFound):
        services.centre_update(actor=world.karim, centre=world.centre_marrakech, capacity=2)
    assert not AuditEntry.objects.filter(action="network.centre.update").exists()


def test_bad_hours_are_refused_with_a_clear_error_and_change_nothing(world):
    with pytest.raises(ValidationFailed) as refused:
        services.centre_update(actor=world.omar, centre=world.centre_safi, opening_hours=[
            {"days": [1], "opens": "17:00", "closes": "08:00"}])
    assert "opening_hours" in refused.value.fields
    assert Centre.objects.get(pk=world.centre_safi.pk).opening_hours == []


def test_a_phone_that_cannot_be_dialled_is_refused(world):
    for bad in ("<script>alert('x')</script>", "٣٤٥٦", "12"):
        with pytest.raises(ValidationFailed) as refused:
            services.centre_update(actor=world.omar, centre=world.centre_safi, phone=bad)
        assert "phone" in refused.value.fields
    services.centre_update(actor=world.omar, centre=world.centre_safi, phone="0524 46 00 00")


def test_a_coordinator_opens_centres_only_in_the_territory(world):
    centre = services.centre_create(actor=world.laila, code="EPS-07.351.01.0",
                                    commune=world.centre_marrakech.commune,
                                    name_ar="مؤسسة", name_fr="EPS Marrakech", kind="eps")
    assert centre.pk and AuditEntry.objects.filter(action="network.centre.create").exists()
    with pytest.raises(AccessDenied):
        services.centre_create(actor=world.laila, code="X-1", commune=world.centre_safi.commune,
                               name_ar="س", name_fr="X")
    with pytest.raises(AccessDenied):
        services.centre_create(actor=world.khadija, code="X-2",
                               commune=world.centre_marrakech.commune, name_ar="س", name_fr="X")


def test_offerings_are_managed_by_the_centre_manager_and_the_partner(world):
    literacy = Service.objects.get(code="literacy")
    # the manager adds a service at her centre
    offering = services.offering_create(actor=world.khadija, service=literacy,
                                        centre=world.centre_marrakech, capacity=25,
                                        languages=["ar", "shi"], response_days=5)
    assert offering.centre == world.centre_marrakech
    # the partner's agent adds one for his association
    services.offering_create(actor=world.rachid, service=literacy,
                             partner=world.partner_marrakech)
    # the same service twice at one place is refused
    with pytest.raises(ValidationFailed):
        services.offering_create(actor=world.khadija, service=literacy,
                                 centre=world.centre_marrakech)
    # a social worker may not, the outsider does not see the centre
    with pytest.raises(AccessDenied):
        services.offering_update(actor=world.youssef, offering=offering, waiting_list=9)
    with pytest.raises(NotFound):
        services.offering_update(actor=world.karim, offering=offering, waiting_list=9)
    # and the waiting list update is audited
    services.offering_update(actor=world.khadija, offering=offering, waiting_list=9)
    entry = AuditEntry.objects.get(action="network.offering.update")
    assert (entry.before, entry.after) == ({"waiting_list": 0}, {"waiting_list": 9})


def test_an_offering_validates_its_languages_and_ages(world):
    offering = OfferingFactory(centre=world.centre_marrakech)
    with pytest.raises(ValidationFailed):
        services.offering_update(actor=world.khadija, offering=offering, languages=["xx"])
    with pytest.raises(ValidationFailed):
        services.offering_update(actor=world.khadija, offering=offering, minimum_age=18,
                                 maximum_age=6)
    assert ServiceOffering.objects.get(pk=offering.pk).languages == ["ar", "ary", "fr"]


def test_partners_are_edited_by_their_agents_and_their_coordinators(world):
    services.partner_update(actor=world.rachid, partner=world.partner_marrakech,
                            phone="+212 524 11 11 11", contact_name="Hind")
    services.partner_update(actor=world.omar, partner=world.partner_marrakech,
                            website="https://solidarite.example")
    # a provincial coordinator answers only for partners of the province
    with pytest.raises(AccessDenied):
        services.partner_update(actor=world.laila, partner=world.partner_marrakech, phone="1")
    with pytest.raises(NotFound):
        services.partner_update(actor=world.karim, partner=world.partner_marrakech, phone="1")
    with pytest.raises(NotFound):
        services.partner_update(actor=world.rachid, partner=world.partner_oriental, phone="1")
    entry = AuditEntry.objects.filter(action="network.partner.update").order_by("pk").first()
    # the contact person is personal data: its name is recorded as changed, not its value
    assert "contact_name" in entry.fields and "contact_name" not in entry.after
