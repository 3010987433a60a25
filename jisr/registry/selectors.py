"""Reads of the registry. Each takes the user and starts from the access policy's querysets
(jisr.accounts.policy.persons_for, person_identity_search, households_for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from jisr.accounts import policy
from jisr.core import audit
from jisr.registry.models import (
    Consent,
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    SensitiveDetails,
)
from jisr.registry.search import PersonQuery, match

# At most this many identity cards answer one search: a specific search names one person
# (or a few namesakes); more would be browsing, which the design refuses.
MAX_CARDS = 10


def person_list(*, user, query: PersonQuery | None = None) -> QuerySet[Person]:
    """Persons in the user's scope matching the query (all of them for an empty query)."""
    qs = policy.persons_for(user)
    if query is not None and not query.is_empty:
        qs = match(qs, query)
    return qs.prefetch_related(Prefetch(
        "documents", queryset=IdentityDocument.objects.filter(
            kind=IdentityDocument.Kind.CIN), to_attr="cins"))


def consent_get_for_user(*, user, consent_id) -> Consent:
    """A consent of a person the user sees (NotFound otherwise)."""
    return policy.get_or_404(Consent.objects.filter(
        person__in=policy.persons_for(user).values("pk")).select_related("person"),
        pk=consent_id)


def person_get_for_user(*, user, person_id) -> Person:
    return policy.get_or_404(policy.persons_for(user), pk=person_id)


@dataclass
class FollowLine:
    centre: object
    since: date
    until: date | None


@dataclass
class IdentityCard:
    """What a worker may see of a person followed elsewhere: no phone, no address, no
    household, no case content; the CIN masked."""

    person_id: int
    first_name_ar: str
    family_name_ar: str
    first_name_lat: str
    family_name_lat: str
    sex: str
    sex_label: str
    birth: str
    commune: object
    masked_cin: str
    followed: list[FollowLine] = field(default_factory=list)

    @property
    def name_ar(self) -> str:
        return " ".join(n for n in (self.first_name_ar, self.family_name_ar) if n)

    @property
    def name_lat(self) -> str:
        return " ".join(n for n in (self.first_name_lat, self.family_name_lat) if n)


def identity_card_of(person: Person) -> IdentityCard:
    """The identity card of a person (their ``follows`` with centres prefetched; the CIN
    from a ``cins`` prefetch or the prefetched documents). The caller audits the read."""
    cins = getattr(person, "cins", None)
    if cins is None:
        cins = [d for d in person.documents.all() if d.kind == IdentityDocument.Kind.CIN]
    return IdentityCard(
        person_id=person.pk, first_name_ar=person.first_name_ar,
        family_name_ar=person.family_name_ar, first_name_lat=person.first_name_lat,
        family_name_lat=person.family_name_lat, sex=person.sex,
        sex_label=person.get_sex_display(), birth=person.birth_display,
        commune=person.commune, masked_cin=cins[0].masked if cins else "",
        followed=[FollowLine(f.centre, f.since, f.until) for f in person.follows.all()])


def identity_cards(*, user, query: PersonQuery) -> list[IdentityCard]:
    """Identity cards of persons outside the user's scope matching a specific query; each
    card shown is an audited read (who looked up whom across the network)."""
    persons = list(policy.person_identity_search(user, query).prefetch_related(
        Prefetch("documents", queryset=IdentityDocument.objects.filter(
            kind=IdentityDocument.Kind.CIN), to_attr="cins"),
        Prefetch("follows", queryset=PersonFollow.objects.select_related("centre"))
    ).order_by("pk")[:MAX_CARDS])
    cards = []
    for person in persons:
        audit.record_read(actor=user, obj=person, action="registry.person.identity_card")
        cards.append(identity_card_of(person))
    return cards


def person_detail(*, user, person_id) -> Person:
    """One person with everything their page shows, in a fixed number of queries."""
    qs = policy.persons_for(user).select_related("registered_by").prefetch_related(
        "documents", "phones",
        Prefetch("follows", queryset=PersonFollow.objects.select_related("centre")),
        Prefetch("memberships", queryset=HouseholdMembership.objects.select_related(
            "household").order_by("-start", "-pk")),
        "consents__recorded_by", "consents__centre", "consents__withdrawn_by")
    return policy.get_or_404(qs, pk=person_id)


def person_sensitive_get(*, user, person: Person, reason: str = "") -> SensitiveDetails:
    """The person's sensitive details; every call is an audited read."""
    policy.check_person_perm(user, "registry.view_sensitive", person)
    details = SensitiveDetails.objects.filter(person=person).first() or SensitiveDetails(
        person=person)
    audit.record_read(actor=user, obj=person, action="registry.person.sensitive.read",
                      reason=reason)
    return details


def household_get_for_user(*, user, household_id) -> Household:
    return policy.get_or_404(policy.households_for(user), pk=household_id)


def household_members(*, user, household: Household) -> list[HouseholdMembership]:
    """The household's memberships, current first. Members outside the user's scope are
    listed without their names (``visible`` False): the household is shared, the persons
    are not."""
    visible = set(policy.persons_for(user).filter(
        memberships__household=household).values_list("pk", flat=True))
    rows = list(household.memberships.select_related("person").order_by("end", "-start"))
    for row in rows:
        row.visible = row.person_id in visible
    return rows
