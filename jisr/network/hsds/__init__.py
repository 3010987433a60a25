"""Export of the network as Open Referral HSDS 3.0 (Human Services Data Specification).

Mapping (docs/network.md explains it):

- the network operator (the organisation running the centres) and each partner organisation
  are HSDS *organizations*;
- a centre is a *location* of the operator; a partner with a seat has one location there;
- the catalogue is a *taxonomy*: its domains and services are *taxonomy terms*;
- each active or suspended offering is a *service* (its catalogue entry attached as
  *attributes*), with one *service_at_location* at its centre or partner's seat.

Identifiers are UUIDs derived from our codes (``hsds_id`` on the models), stable across
exports. Only public data goes out: no manager, no partner contact person.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from jisr.network.models import (
    HSDS_NAMESPACE,
    LANGUAGES,
    Centre,
    PartnerOrganisation,
    Service,
    ServiceOffering,
)

HSDS_VERSION = "3.0"
SCHEMA_PATH = Path(__file__).with_name("compiled_service_with_definitions.json")
TAXONOMY_NAME = "Jisr service catalogue"
# The operator of the centres, as Morocco's deployment has it; another country's deployment
# changes these two lines with its reference data.
OPERATOR_NAME = ("Entraide Nationale", "التعاون الوطني")
OPERATOR_DESCRIPTION = ("Public establishment running the network of social centres "
                        "(Ministry of Solidarity, Social Inclusion and the Family).")
_DAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def _uuid(*parts) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(p) for p in parts)))


OPERATOR_ID = _uuid("organization", "operator")
TAXONOMY_ID = _uuid("taxonomy", "catalogue")


def _offset() -> tuple[str, float]:
    """Morocco's current UTC offset, from tzdata (it changes during Ramadan)."""
    delta = timezone.localtime().utcoffset() or timezone.timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}", minutes / 60


def _schedules(hours: list, owner: str, **links) -> list[dict]:
    suffix, offset = _offset()
    out = []
    for i, slot in enumerate(hours or []):
        out.append({"id": _uuid("schedule", owner, i), **links, "freq": "WEEKLY",
                    "wkst": "MO", "byday": ",".join(_DAYS[d] for d in slot["days"]),
                    "opens_at": f"{slot['opens']}{suffix}",
                    "closes_at": f"{slot['closes']}{suffix}", "timezone": offset})
    return out


def _phones(number: str, owner: str, **links) -> list[dict]:
    return [{"id": _uuid("phone", owner), **links, "number": number, "type": "voice"}] \
        if number else []


def _term(service: Service) -> dict:
    domain = service.domain
    return {"id": service.hsds_id, "code": service.code, "name": service.name_fr,
            "description": service.description_fr or service.name_fr,
            "parent_id": domain.hsds_id, "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID, "language": "fr"}


def _domain_term(service: Service) -> dict:
    domain = service.domain
    return {"id": domain.hsds_id, "code": domain.code, "name": domain.name_fr,
            "description": domain.name_fr, "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID, "language": "fr"}


def _address(owner_id: str, address: str, commune) -> dict:
    province = commune.province
    return {"id": _uuid("address", owner_id), "location_id": owner_id,
            "address_1": address or commune.name_fr, "city": commune.name_fr,
            "region": province.region.name_fr, "state_province": province.name_fr,
            "postal_code": "", "country": "MA", "address_type": "physical"}


def centre_location(centre: Centre) -> dict:
    location = {
        "id": centre.hsds_id, "location_type": "physical", "organization_id": OPERATOR_ID,
        "name": centre.name_fr, "alternate_name": centre.name_ar,
        "description": centre.description or centre.get_kind_display(),
        "external_identifier": centre.code, "external_identifier_type": "jisr-centre-code",
        "addresses": [_address(centre.hsds_id, centre.address, centre.commune)],
        "phones": _phones(centre.phone, centre.hsds_id, location_id=centre.hsds_id),
        "schedules": _schedules(centre.opening_hours, centre.hsds_id,
                                location_id=centre.hsds_id),
    }
    if centre.latitude is not None:
        location["latitude"] = float(centre.latitude)
        location["longitude"] = float(centre.longitude)
    return location


def partner_location(partner: PartnerOrganisation) -> dict | None:
    if partner.commune_id is None:
        return None
    location_id = _uuid("location", "partner", partner.code)
    return {"id": location_id, "location_type": "physical",
            "organization_id": partner.hsds_id, "name": partner.name_fr,
            "alternate_name": partner.name_ar,
            "addresses": [_address(location_id, partner.address, partner.commune)],
            "phones": _phones(partner.phone, location_id, location_id=location_id)}


def operator_organization() -> dict:
    return {"id": OPERATOR_ID, "name": OPERATOR_NAME[0], "alternate_name": OPERATOR_NAME[1],
            "description": OPERATOR_DESCRIPTION}


def partner_organization(partner: PartnerOrganisation) -> dict:
    org = {"id": partner.hsds_id, "name": partner.name_fr, "alternate_name": partner.name_ar,
           "description": partner.description or partner.get_kind_display(),
           "legal_status": partner.get_kind_display(),
           "phones": _phones(partner.phone, partner.hsds_id, organization_id=partner.hsds_id)}
    if partner.email:
        org["email"] = partner.email
    if partner.website:
        org["website"] = partner.website
    return org


def _status(offering: ServiceOffering) -> str:
    if offering.status != ServiceOffering.Status.ACTIVE:
        return "inactive"
    if offering.centre_id and offering.centre.status == Centre.Status.TEMPORARILY_CLOSED:
        return "temporarily closed"
    if offering.centre_id and offering.centre.status == Centre.Status.CLOSED:
        return "defunct"
    return "active"


def service_record(offering: ServiceOffering) -> dict:
    """One offering as a fully nested HSDS 3.0 service."""
    service = offering.service
    sid = offering.hsds_id
    centre, partner = offering.centre, offering.partner
    organization = operator_organization() if centre else partner_organization(partner)
    record = {
        "id": sid, "organization_id": organization["id"],
        "name": service.name_fr, "alternate_name": service.name_ar,
        "description": service.description_fr or service.name_fr,
        "status": _status(offering),
        "eligibility_description": offering.eligibility,
        "wait_time": (f"{offering.waiting_list} on the waiting list; referrals answered "
                      f"within {offering.response_days} days"),
        "last_modified": offering.updated_at.isoformat(),
        "organization": organization,
        "languages": [{"id": _uuid("language", sid, code), "service_id": sid,
                       "code": code, "name": str(LANGUAGES[code])}
                      for code in offering.languages],
        "schedules": _schedules(offering.schedule, sid, service_id=sid),
        "attributes": [
            {"id": _uuid("attribute", sid, "service"), "link_id": sid,
             "link_type": "service_type", "link_entity": "service",
             "taxonomy_term_id": service.hsds_id, "taxonomy_term": _term(service)},
            {"id": _uuid("attribute", sid, "domain"), "link_id": sid,
             "link_type": "service_domain", "link_entity": "service",
             "taxonomy_term_id": service.domain.hsds_id,
             "taxonomy_term": _domain_term(service)},
        ],
    }
    for bound in ("minimum_age", "maximum_age"):
        if getattr(offering, bound) is not None:
            record[bound] = getattr(offering, bound)
    location = centre_location(centre) if centre else partner_location(partner)
    if location is not None:
        sal_id = _uuid("service_at_location", sid)
        record["service_at_locations"] = [{
            "id": sal_id, "service_id": sid, "location_id": location["id"],
            "location": location}]
    if partner is not None:
        area = partner.province or partner.region
        record["service_areas"] = [{"id": _uuid("service_area", sid), "service_id": sid,
                                    "name": area.name_fr, "extent_type": "hcp_code",
                                    "extent": area.code}]
    return record


def exported_offerings() -> QuerySet[ServiceOffering]:
    """Every offering of a centre that is not closed or of a partner, in a stable order,
    with what the records need (one query whatever the count)."""
    return (ServiceOffering.objects.exclude(centre__status=Centre.Status.CLOSED)
            .select_related("service__domain", "centre__commune__province__region",
                            "partner__region", "partner__province",
                            "partner__commune__province__region")
            .order_by("pk"))


def service_get(hsds_id: str) -> ServiceOffering | None:
    try:
        wanted = uuid.UUID(str(hsds_id))
    except ValueError:
        return None
    return exported_offerings().filter(uuid=wanted).first()
