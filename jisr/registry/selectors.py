"""Reads of the registry. Each takes the user and starts from the access policy's querysets
(jisr.accounts.policy.persons_for, person_identity_search, households_for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from jisr.accounts import policy
from jisr.core import audit
from jisr.core.exceptions import NotFound
from jisr.registry.models import (
    Consent,
    DuplicatePair,
    DuplicateScan,
    Household,
    HouseholdMembership,
    IdentityDocument,
    Person,
    PersonFollow,
    PersonMerge,
    SensitiveDetails,
)
from jisr.registry.search import PersonQuery, match

# At most this many identity cards answer one search: a specific search names one person
# (or a few namesakes); more would be browsing, which the design refuses.
MAX_CARDS = 10


def person_list(*, user, query: PersonQuery | None = None) -> QuerySet[Person]:
    """Persons in the user's scope matching the query (all of them for an empty query)."""
    qs = policy.persons_for(user, few=query is not None and query.is_narrow)
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
    # The ids first, unordered: ``ORDER BY id LIMIT 10`` tempted PostgreSQL to walk the
    # registry in id order instead of reading the few persons the names and birth year
    # index (1.8 s at a million persons, against 20 ms).
    found = policy.person_identity_search(user, query).values_list("pk", flat=True)
    ids = sorted(found[:MAX_CARDS * 20])[:MAX_CARDS]
    persons = list(Person.objects.filter(pk__in=ids).select_related("commune")
                   .prefetch_related(
        Prefetch("documents", queryset=IdentityDocument.objects.filter(
            kind=IdentityDocument.Kind.CIN), to_attr="cins"),
        Prefetch("follows", queryset=PersonFollow.objects.select_related("centre"))
    ).order_by("pk"))
    # One INSERT for the cards shown (a commit each was most of the search's time)
    audit.record_reads(actor=user, objs=persons, action="registry.person.identity_card")
    return [identity_card_of(person) for person in persons]


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


# --- duplicate review and merges ---------------------------------------------------------

def duplicate_pair_list(*, user, status: str = DuplicatePair.Status.OPEN) \
        -> QuerySet[DuplicatePair]:
    """The review queue (or one of its other tabs), most probable first. Open pairs of a
    record merged in the meantime are stale and left out."""
    qs = policy.duplicate_pairs_for(user).filter(status=status).select_related(
        "person_a__commune", "person_b__commune", "decided_by")
    if status == DuplicatePair.Status.OPEN:
        qs = qs.filter(person_a__merged_into=None, person_b__merged_into=None)
    return qs.order_by("-score", "pk")


def duplicate_pair_counts(*, user) -> dict[str, int]:
    from django.db.models import Count

    rows = policy.duplicate_pairs_for(user).exclude(
        Q(status=DuplicatePair.Status.OPEN)
        & (~Q(person_a__merged_into=None) | ~Q(person_b__merged_into=None))
    ).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass
class PairSide:
    """One record of a pair as the reviewer may see it: the person, or their card."""

    person_id: int
    person: Person | None = None
    card: IdentityCard | None = None

    @property
    def visible(self) -> bool:
        return self.person is not None


def duplicate_pair_sides(*, user, pair: DuplicatePair) -> tuple[PairSide, PairSide]:
    """Both records of a pair: in full where the reviewer's scope holds them, otherwise
    as an identity card (an audited read)."""
    ids = [pair.person_a_id, pair.person_b_id]
    visible = set(policy.persons_for(user).filter(pk__in=ids).values_list("pk", flat=True))
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related(
        "commune", "registered_at").prefetch_related(
        "documents", "phones", "consents",
        Prefetch("follows", queryset=PersonFollow.objects.select_related("centre")),
        Prefetch("memberships", queryset=HouseholdMembership.objects.select_related(
            "household")))}
    sides = []
    for pk in ids:
        person = persons[pk]
        if pk in visible:
            sides.append(PairSide(pk, person=person))
        else:
            audit.record_read(actor=user, obj=person, action="registry.person.identity_card")
            sides.append(PairSide(pk, card=identity_card_of(person)))
    return sides[0], sides[1]


def duplicate_pair_get_for_user(*, user, pair_id) -> DuplicatePair:
    return policy.get_or_404(policy.duplicate_pairs_for(user).select_related(
        "decided_by"), pk=pair_id)


def duplicate_scan_latest(*, user) -> DuplicateScan | None:
    """The latest scan (counts only, no person) for those who may start or review one."""
    if not (policy.has_perm(user, "registry.detect_duplicates")
            or policy.has_perm(user, "registry.review_duplicates")):
        return None
    return DuplicateScan.objects.order_by("-pk").first()


def duplicate_scan_get_for_user(*, user, scan_id) -> DuplicateScan:
    if not (policy.has_perm(user, "registry.detect_duplicates")
            or policy.has_perm(user, "registry.review_duplicates")):
        raise NotFound()
    return policy.get_or_404(DuplicateScan.objects.all(), pk=scan_id)


def merge_get_for_user(*, user, merge_id) -> PersonMerge:
    return policy.get_or_404(policy.merges_for(user).select_related(
        "survivor", "absorbed", "merged_by", "undone_by"), pk=merge_id)


def person_merges(*, user, person: Person) -> list[PersonMerge]:
    """The records merged into a person (for the person's page), latest first."""
    return list(policy.merges_for(user).filter(survivor=person).select_related(
        "merged_by", "undone_by").order_by("-pk"))


def pair_merge(*, user, pair: DuplicatePair) -> PersonMerge | None:
    """The merge made from a pair, if the user may open it."""
    return policy.merges_for(user).filter(pair=pair).order_by("-pk").first()


def person_survivor_for(*, user, person_id) -> int | None:
    """Where a merged record went: the id of the record it was merged into, when the user
    may open that one (None otherwise, or if the record was not merged)."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        return None
    for _hop in range(10):  # a chain of merges, never a loop: bounded anyway
        target = Person.objects.filter(pk=pk).values_list("merged_into", flat=True).first()
        if target is None:
            break
        pk = target
    if pk == int(person_id):
        return None
    return pk if policy.persons_for(user).filter(pk=pk).exists() else None
