"""Writes on the network: centres, partner organisations, service offerings.

Each is atomic, validated (``full_clean``), checked against the access policy and audited
with before/after values of the non-personal fields.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import ValidationFailed
from jisr.network.models import Centre, PartnerOrganisation, Service, ServiceOffering

CENTRE_FIELDS = ("name_ar", "name_fr", "kind", "arrondissement", "status", "address",
                 "latitude", "longitude", "capacity", "opening_hours", "phone", "email",
                 "description", "manager")
# A centre manager runs the centre but does not rename, retype or move it (its arrondissement
# decides which coordinator supervises it), nor appoint its manager: that is the territory's
# decision.
CENTRE_MANAGER_FIELDS = ("status", "address", "latitude", "longitude", "capacity",
                         "opening_hours", "phone", "email", "description")
PARTNER_FIELDS = ("name_ar", "name_fr", "kind", "province", "commune", "address",
                  "description", "phone", "email", "website", "contact_name",
                  "contact_phone", "contact_email")
OFFERING_FIELDS = ("status", "eligibility", "minimum_age", "maximum_age", "languages",
                   "schedule", "capacity", "waiting_list", "response_days", "delivery_days")


def _validate(obj, *, exclude: tuple[str, ...] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict if hasattr(exc, "error_dict") else {
            "non_field_errors": exc.messages})


def _check_known(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(fields={name: [_("This field cannot be changed.")]
                                       for name in sorted(unknown)})


def _snapshot(obj, fields) -> dict:
    return audit.snapshot(obj, fields)


@transaction.atomic
def centre_create(*, actor, code: str, commune, name_ar: str, name_fr: str,
                  kind: str = Centre.Kind.JISR, **fields) -> Centre:
    """Open a centre in a commune of the actor's territory (in a city divided into
    arrondissements, optionally in one of them; for a coordinator of a prefecture of
    arrondissements, necessarily in one of its own)."""
    policy.check_create_centre(actor, commune, fields.get("arrondissement"))
    _check_known(fields, CENTRE_FIELDS)
    if Centre.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(fields={"code": [_("This code is already used.")]})
    centre = Centre(code=code, commune=commune, name_ar=name_ar, name_fr=name_fr, kind=kind,
                    **fields)
    _validate(centre)
    centre.save()
    audit.record(actor=actor, action="network.centre.create", obj=centre,
                 after=_snapshot(centre, ("code", "commune", *CENTRE_FIELDS)))
    return centre


@transaction.atomic
def centre_update(*, actor, centre: Centre, reason: str = "", **changes) -> Centre:
    """Change a centre's description, hours, capacity, contacts, status (or, for its
    territory's coordinators, its names, type and manager)."""
    policy.check_edit_centre(actor, centre)
    from jisr.accounts.roles import Role

    allowed = CENTRE_MANAGER_FIELDS if actor.role == Role.CENTRE_MANAGER else CENTRE_FIELDS
    _check_known(changes, allowed)
    # Locked so two editors' changes are applied one after the other, not lost.
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    before = _snapshot(centre, CENTRE_FIELDS)
    for name, value in changes.items():
        setattr(centre, name, value)
    _validate(centre)
    if "arrondissement" in changes:
        # Moved to another arrondissement, it must stay in the actor's territory.
        policy.check_centre_location(actor, commune=centre.commune,
                                     arrondissement=centre.arrondissement)
    centre.save()
    after = _snapshot(centre, CENTRE_FIELDS)
    if before != after:
        audit.record(actor=actor, action="network.centre.update", obj=centre, before=before,
                     after=after, reason=reason)
    return centre


@transaction.atomic
def partner_create(*, actor, code: str, region, name_ar: str, name_fr: str,
                   kind: str = PartnerOrganisation.Kind.ASSOCIATION,
                   **fields) -> PartnerOrganisation:
    """Register a partner organisation serving the actor's territory."""
    policy.check_create_partner(actor, region, fields.get("province"))
    _check_known(fields, PARTNER_FIELDS)
    if PartnerOrganisation.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(fields={"code": [_("This code is already used.")]})
    partner = PartnerOrganisation(code=code, region=region, name_ar=name_ar, name_fr=name_fr,
                                  kind=kind, **fields)
    _validate(partner)
    partner.save()
    audit.record(actor=actor, action="network.partner.create", obj=partner,
                 after=_snapshot(partner, ("code", "region", *PARTNER_FIELDS)))
    return partner


@transaction.atomic
def partner_update(*, actor, partner: PartnerOrganisation, reason: str = "",
                   **changes) -> PartnerOrganisation:
    policy.check_edit_partner(actor, partner)
    _check_known(changes, PARTNER_FIELDS)
    partner = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
    before = _snapshot(partner, PARTNER_FIELDS)
    for name, value in changes.items():
        setattr(partner, name, value)
    _validate(partner)
    partner.save()
    after = _snapshot(partner, PARTNER_FIELDS)
    if before != after:
        audit.record(actor=actor, action="network.partner.update", obj=partner,
                     before=before, after=after, reason=reason)
    return partner


@transaction.atomic
def offering_create(*, actor, service: Service, centre: Centre | None = None,
                    partner: PartnerOrganisation | None = None, **fields) -> ServiceOffering:
    """Offer a catalogue service at a centre or by a partner."""
    if (centre is None) == (partner is None):
        raise ValidationFailed(_("An offering is delivered either at a centre or by a "
                                 "partner organisation."))
    policy.check_manage_offerings(actor, centre=centre, partner=partner)
    _check_known(fields, OFFERING_FIELDS)
    duplicate = ServiceOffering.objects.filter(service=service, centre=centre,
                                               partner=partner)
    if duplicate.exists():
        raise ValidationFailed(fields={"service": [_("This service is already offered "
                                                     "here.")]})
    offering = ServiceOffering(service=service, centre=centre, partner=partner, **fields)
    _validate(offering)
    offering.save()
    audit.record(actor=actor, action="network.offering.create", obj=offering,
                 after=_snapshot(offering, ("service", "centre", "partner",
                                            *OFFERING_FIELDS)))
    return offering


@transaction.atomic
def offering_update(*, actor, offering: ServiceOffering, reason: str = "",
                    **changes) -> ServiceOffering:
    """Change an offering's conditions, capacity, waiting list, response or delivery time
    (referrals already accepted keep the deadline they were given)."""
    policy.check_manage_offerings(actor, centre=offering.centre, partner=offering.partner)
    _check_known(changes, OFFERING_FIELDS)
    offering = ServiceOffering.objects.select_for_update().get(pk=offering.pk)
    before = _snapshot(offering, OFFERING_FIELDS)
    for name, value in changes.items():
        setattr(offering, name, value)
    _validate(offering)
    offering.save()
    after = _snapshot(offering, OFFERING_FIELDS)
    if before != after:
        audit.record(actor=actor, action="network.offering.update", obj=offering,
                     before=before, after=after, reason=reason)
    return offering
