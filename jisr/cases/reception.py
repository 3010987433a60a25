"""Reception in one step once the person is found or registered: the consents, the case,
the listening appointment and the confirmation, saved together or not at all."""

from __future__ import annotations

from django.db import transaction

from jisr.cases import services
from jisr.cases.models import Case
from jisr.registry.models import Consent, Person
from jisr.registry.services import consent_record


@transaction.atomic
def reception_record(*, actor, person: Person, case: dict, consent_method: str = "",
                     witness_name: str = "", sms_consent: bool = False,
                     appointment: dict | None = None, send_sms: bool = False) -> Case:
    """Record the consent to the follow-up (when not given yet) and to SMS contact (when
    asked), open the case, book the listening interview (``{"worker", "start"}``) and queue
    the SMS confirmation. A refusal of any step (a slot taken meanwhile, a consent
    missing…) leaves nothing saved."""
    active = set(Consent.objects.filter(person=person, withdrawn_at=None).values_list(
        "purpose", flat=True))
    if consent_method and Consent.Purpose.CASE_FOLLOW_UP not in active:
        consent_record(actor=actor, person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
                       method=consent_method, witness_name=witness_name)
    if sms_consent and Consent.Purpose.SMS_CONTACT not in active:
        consent_record(actor=actor, person=person, purpose=Consent.Purpose.SMS_CONTACT,
                       method=consent_method or Consent.Method.SIGNATURE,
                       witness_name=witness_name)
    opened = services.case_open(actor=actor, person=person, **case)
    booked = None
    if appointment:
        booked = services.appointment_book(actor=actor, case=opened, **appointment)
    if send_sms:
        services.confirmation_queue_sms(actor=actor, case=opened, appointment=booked)
    return opened
