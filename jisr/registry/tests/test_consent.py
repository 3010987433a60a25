"""Consent per purpose: recorded with its means, checked by services, withdrawable."""

import pytest
from django.utils import translation

from jisr.core.exceptions import NotFound, ValidationFailed
from jisr.core.models import AuditEntry
from jisr.registry import services
from jisr.registry.models import Consent


def test_a_consent_is_recorded_checked_and_withdrawn(world):
    person = world.persons["marrakech"]
    with pytest.raises(services.ConsentMissing) as error:
        services.consent_check(person, Consent.Purpose.SMS_CONTACT)
    assert error.value.status == 409 and "Contact by SMS" in str(error.value.message)
    consent = services.consent_record(actor=world.amina, person=person,
                                      purpose=Consent.Purpose.SMS_CONTACT,
                                      method=Consent.Method.THUMBPRINT)
    assert services.consent_check(person, "sms_contact") == consent
    assert consent.recorded_by == world.amina and consent.centre == world.centre_marrakech
    services.consent_withdraw(actor=world.youssef, consent=consent, reason="asked by phone")
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.youssef and consent.withdrawn_at is not None
    with pytest.raises(services.ConsentMissing):
        services.consent_check(person, "sms_contact")
    entry = AuditEntry.objects.get(action="registry.consent.withdraw")
    assert entry.reason == "asked by phone" and "withdrawn_at" in entry.after
    # Given again later: a new row, the withdrawn one stays as evidence
    services.consent_record(actor=world.amina, person=person, purpose="sms_contact",
                            method="signature")
    assert Consent.objects.filter(person=person, purpose="sms_contact").count() == 2


def test_an_oral_consent_needs_a_witness(world):
    with pytest.raises(ValidationFailed) as error:
        services.consent_record(actor=world.amina, person=world.persons["marrakech"],
                                purpose="statistics", method="oral_with_witness")
    assert "witness_name" in error.value.fields
    consent = services.consent_record(actor=world.amina, person=world.persons["marrakech"],
                                      purpose="statistics", method="oral_with_witness",
                                      witness_name="Zineb, neighbour")
    assert consent.witness_name == "Zineb, neighbour"


def test_a_purpose_is_consented_once_at_a_time_and_withdrawn_once(world):
    person = world.persons["marrakech"]
    with pytest.raises(ValidationFailed):
        services.consent_record(actor=world.amina, person=person, purpose="case_follow_up",
                                method="signature")
    consent = world.consents["marrakech"]
    services.consent_withdraw(actor=world.amina, consent=consent)
    with pytest.raises(services.DomainError, match="already withdrawn"):
        services.consent_withdraw(actor=world.amina, consent=consent)


def test_the_outsider_neither_records_nor_withdraws(world):
    with pytest.raises(NotFound):
        services.consent_record(actor=world.karim, person=world.persons["marrakech"],
                                purpose="statistics", method="signature")
    with pytest.raises(NotFound):
        services.consent_withdraw(actor=world.karim, consent=world.consents["marrakech"])


def test_the_missing_consent_message_is_lazily_translated(world):
    with translation.override("fr"), pytest.raises(services.ConsentMissing) as error:
        services.consent_check(world.persons["oujda"], "partner_sharing")
    assert error.value.code == "consent_missing"
