"""Reads of the network.

Two families: the *directory* (public, for citizens: no user, no staff data, closed centres
left out) and the *staff* reads, which take the user and start from the access policy's
querysets (jisr.accounts.policy), so scope cannot be forgotten.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from jisr.accounts import policy
from jisr.network.models import (
    Centre,
    PartnerOrganisation,
    Service,
    ServiceDomain,
    ServiceOffering,
)

# What a public page or the public API may read of a centre: never the manager.
PUBLIC_CENTRE_FIELDS = ("id", "code", "name_ar", "name_fr", "kind", "status", "address",
                        "latitude", "longitude", "capacity", "opening_hours", "phone",
                        "email", "description", "updated_at", "commune__id", "commune__code",
                        "commune__name_ar", "commune__name_fr", "commune__province__id",
                        "commune__province__code", "commune__province__name_ar",
                        "commune__province__name_fr", "commune__province__region__id",
                        "commune__province__region__code",
                        "commune__province__region__name_ar",
                        "commune__province__region__name_fr", "arrondissement__id",
                        "arrondissement__code", "arrondissement__name_ar",
                        "arrondissement__name_fr")
PUBLIC_PARTNER_FIELDS = ("id", "code", "name_ar", "name_fr", "kind", "address", "description",
                         "phone", "email", "website", "updated_at", "region__id",
                         "region__code", "region__name_ar", "region__name_fr", "province__id",
                         "province__code", "province__name_ar", "province__name_fr",
                         "commune__id", "commune__code", "commune__name_ar",
                         "commune__name_fr")


def _text_q(term: str, *prefixes: str) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{prefix}name_fr__icontains": term}) | Q(
            **{f"{prefix}name_ar__icontains": term})
    return q


def _centre_territory_filters(qs: QuerySet, filters: dict) -> QuerySet:
    """Centres by région, province or prefecture, commune, arrondissement (HCP codes). A
    prefecture of arrondissements (Casablanca-Anfa…) has no commune: its centres are those of
    its arrondissements, as its coordinator sees them (policy.centres_for)."""
    if filters.get("region"):
        qs = qs.filter(commune__province__region__code=filters["region"])
    if filters.get("province"):
        qs = qs.filter(Q(commune__province__code=filters["province"])
                       | Q(arrondissement__prefecture__code=filters["province"]))
    if filters.get("commune"):
        qs = qs.filter(commune__code=filters["commune"])
    if filters.get("arrondissement"):
        qs = qs.filter(arrondissement__code=filters["arrondissement"])
    return qs


_OFFERING_FIELDS = (
    "id", "uuid", "service__id", "service__code", "service__name_ar", "service__name_fr",
    "service__domain__id", "service__domain__code", "service__domain__name_ar",
    "service__domain__name_fr", "service__domain__position", "centre_id", "partner_id",
    "eligibility", "minimum_age", "maximum_age", "languages", "schedule", "capacity",
    "waiting_list", "response_days", "delivery_days", "status", "updated_at")


def _public_offerings() -> QuerySet:
    return ServiceOffering.objects.filter(status=ServiceOffering.Status.ACTIVE).select_related(
        "service__domain").only(*_OFFERING_FIELDS)


# --- the public directory -------------------------------------------------------------

def directory_centres(*, filters: dict | None = None) -> QuerySet[Centre]:
    """Centres a citizen can find: open or temporarily closed, filtered by territory, type,
    service or domain, and a name in either script."""
    filters = filters or {}
    qs = Centre.objects.exclude(status=Centre.Status.CLOSED).select_related(
        "commune__province__region", "arrondissement").only(*PUBLIC_CENTRE_FIELDS)
    qs = _centre_territory_filters(qs, filters)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    offered = ServiceOffering.objects.filter(status=ServiceOffering.Status.ACTIVE)
    if filters.get("service"):
        qs = qs.filter(pk__in=offered.filter(service__code=filters["service"]).values(
            "centre_id"))
    if filters.get("domain"):
        qs = qs.filter(pk__in=offered.filter(service__domain__code=filters["domain"]).values(
            "centre_id"))
    if filters.get("q"):
        qs = qs.filter(_text_q(filters["q"].strip(), "", "commune__", "arrondissement__"))
    return qs.order_by("commune__province__region__code", "commune__code", "code")


def directory_centre_get(*, code: str) -> Centre:
    qs = directory_centres().prefetch_related(
        Prefetch("offerings", queryset=_public_offerings(), to_attr="public_offerings"))
    return policy.get_or_404(qs, code=code)


def directory_partners(*, filters: dict | None = None) -> QuerySet[PartnerOrganisation]:
    filters = filters or {}
    qs = PartnerOrganisation.objects.select_related("region", "province", "commune").only(
        *PUBLIC_PARTNER_FIELDS)
    if filters.get("region"):
        qs = qs.filter(region__code=filters["region"])
    if filters.get("province"):
        qs = qs.filter(Q(province__code=filters["province"]) | Q(
            province__isnull=True, region__provinces__code=filters["province"]))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("service"):
        qs = qs.filter(pk__in=ServiceOffering.objects.filter(
            status=ServiceOffering.Status.ACTIVE, service__code=filters["service"]).values(
            "partner_id"))
    if filters.get("q"):
        qs = qs.filter(_text_q(filters["q"].strip(), ""))
    return qs.order_by("region__code", "code")


def directory_partner_get(*, code: str) -> PartnerOrganisation:
    qs = directory_partners().prefetch_related(
        Prefetch("offerings", queryset=_public_offerings(), to_attr="public_offerings"))
    return policy.get_or_404(qs, code=code)


def catalogue() -> list[ServiceDomain]:
    """The service taxonomy: domains with their services and how many active offerings."""
    services = Service.objects.annotate(offering_count=Count(
        "offerings", filter=Q(offerings__status=ServiceOffering.Status.ACTIVE))).order_by(
        "code")
    return list(ServiceDomain.objects.prefetch_related(
        Prefetch("services", queryset=services)).order_by("position"))


def directory_offerings(*, filters: dict | None = None) -> QuerySet[ServiceOffering]:
    """Active offerings at centres that are not closed and by partners."""
    filters = filters or {}
    qs = _public_offerings().select_related(
        "centre__commune__province__region", "partner__region").only(
        *_OFFERING_FIELDS, "centre__id", "centre__code",
        "centre__name_ar", "centre__name_fr", "centre__status", "centre__commune__code",
        "centre__commune__province__code", "centre__commune__province__region__code",
        "partner__id", "partner__code", "partner__name_ar", "partner__name_fr",
        "partner__region__code").filter(
        Q(partner__isnull=False) | ~Q(centre__status=Centre.Status.CLOSED))
    if filters.get("region"):
        qs = qs.filter(Q(centre__commune__province__region__code=filters["region"])
                       | Q(partner__region__code=filters["region"]))
    if filters.get("province"):
        qs = qs.filter(Q(centre__commune__province__code=filters["province"])
                       | Q(centre__arrondissement__prefecture__code=filters["province"])
                       | Q(partner__province__code=filters["province"])
                       | Q(partner__province__isnull=True,
                           partner__region__provinces__code=filters["province"]))
    if filters.get("service"):
        qs = qs.filter(service__code=filters["service"])
    if filters.get("domain"):
        qs = qs.filter(service__domain__code=filters["domain"])
    return qs.order_by("service__domain__position", "service__code", "pk")


# --- staff reads ----------------------------------------------------------------------

def centre_list(*, user, filters: dict | None = None) -> QuerySet[Centre]:
    filters = filters or {}
    qs = policy.centres_for(user).select_related("manager")
    qs = _centre_territory_filters(qs, filters)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        qs = qs.filter(_text_q(filters["q"].strip(), "", "commune__", "arrondissement__") | Q(
            code__icontains=filters["q"].strip()))
    return qs.order_by("commune__province__region__code", "commune__code", "code")


def centre_get_for_user(*, user, centre_id) -> Centre:
    return policy.get_or_404(policy.centres_for(user).select_related("manager"), pk=centre_id)


def partner_list(*, user, filters: dict | None = None) -> QuerySet[PartnerOrganisation]:
    filters = filters or {}
    qs = policy.partners_for(user)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(_text_q(filters["q"].strip(), "") | Q(
            code__icontains=filters["q"].strip()))
    return qs.order_by("region__code", "code")


def partner_get_for_user(*, user, partner_id) -> PartnerOrganisation:
    return policy.get_or_404(policy.partners_for(user), pk=partner_id)


def offering_list(*, user, centre: Centre | None = None,
                  partner: PartnerOrganisation | None = None,
                  filters: dict | None = None) -> QuerySet[ServiceOffering]:
    filters = filters or {}
    qs = policy.offerings_for(user)
    if centre is not None:
        qs = qs.filter(centre=centre)
    if partner is not None:
        qs = qs.filter(partner=partner)
    if filters.get("service"):
        qs = qs.filter(service__code=filters["service"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("service__domain__position", "service__code", "pk")


def offering_get_for_user(*, user, offering_id) -> ServiceOffering:
    return policy.get_or_404(policy.offerings_for(user), pk=offering_id)
