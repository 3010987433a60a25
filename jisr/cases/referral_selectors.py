"""Reads of referrals, always through the access policy (referrals_sent_for,
referrals_received_for), and what each side may read of one referral.

The referring side (staff reading the case) reads everything. The receiving side reads the
person's identity card (names, sex, birth, commune, masked CIN: nothing else of the registry)
and what the referral shares, copied when it was sent; when the referral went to a partner
and the person has since withdrawn their consent to sharing with a partner, the shared
content is no longer shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jisr.accounts import policy
from jisr.cases.questionnaires import NeedDomain
from jisr.cases.referrals import Referral
from jisr.core import audit
from jisr.core.queries import named
from jisr.network.models import Centre, ServiceOffering
from jisr.registry.models import Consent, IdentityDocument
from jisr.territory.models import BilingualName

Status = Referral.Status
_RELATED = ("case__person__commune", "offering__service", "offering__centre",
            "offering__partner", "from_centre", "referred_by", "answered_by", "outcome_by")


# A case's referral lines (the case page's and the API's): the referral whole, of the
# offering, its provider and the sending centre only what names them (the four tables'
# every column took longer to write into the SQL, and to read back, than the query took to
# run).
_OWN_FIELDS = tuple(f.name for f in Referral._meta.concrete_fields)
_NAMED = tuple(f"{relation}__{name}" for relation in (
    "offering__service", "offering__centre", "offering__partner", "from_centre")
    for name in ("code", "name_ar", "name_fr"))


def _queue_position() -> Subquery:
    ahead = Referral.objects.filter(offering=OuterRef("offering"), status=Status.WAITING,
                                    pk__lte=OuterRef("pk")).order_by().values(
        "offering").annotate(n=Count("*")).values("n")
    return Subquery(ahead[:1])


def _with_related(qs: QuerySet) -> QuerySet:
    return qs.select_related(*_RELATED).prefetch_related(Prefetch(
        "case__person__documents", queryset=IdentityDocument.objects.filter(
            kind=IdentityDocument.Kind.CIN), to_attr="cins")).annotate(
        waiting_position=_queue_position())


def referral_list(*, user, box: str = "", status: str = "") -> QuerySet:
    """Referrals the user may open: ``box`` "sent" (from the cases they read), "received"
    (their organisation's inbox), or both."""
    qs = {"sent": policy.referrals_sent_for, "received": policy.referrals_received_for}.get(
        box, policy.referrals_for)(user)
    if status in Status.values:
        qs = qs.filter(status=status)
    return _with_related(qs).order_by("-created_at", "-pk")


def referral_inbox(*, user, status: str = "") -> QuerySet:
    """The receiving side's list, by status, the soonest due first (to answer, or once
    accepted to deliver)."""
    qs = policy.referrals_received_for(user)
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=Referral.OPEN)
    return _with_related(qs).order_by("status", Coalesce("delivery_due_at", "due_at"), "pk")


def referrals_of_case(*, user, case) -> list[Referral]:
    """The referrals of a case the user reads (``case`` from ``cases_for``), with what a line
    shows: the case and its person are the caller's, not joined again (the full join of
    ``_with_related`` cost the case page more to plan than to run)."""
    referrals = list(policy.of_case(Referral.objects.all(), user, case).select_related(
        "offering__service", "offering__centre", "offering__partner", "from_centre")
        .only(*_OWN_FIELDS, *_NAMED))
    for referral in referrals:
        referral.case = case
    _place_in_queues(user, referrals)
    return referrals


def _place_in_queues(user, referrals: list[Referral]) -> None:
    """Each waiting referral's place on its service's waiting list (``waiting_position``),
    asked only when one waits: most cases' referrals do not, and writing the counting
    subquery into every case page's query made reading them half as dear again in CPU."""
    waiting = {r.pk: r for r in referrals if r.status == Status.WAITING}
    if not waiting:
        return
    for pk, position in policy.referrals_sent_for(user).filter(pk__in=waiting).annotate(
            position=_queue_position()).values_list("pk", "position"):
        waiting[pk].waiting_position = position


def case_referral_cards(*, user, case) -> list[ReferralCard]:
    """The referrals of a case as its own centre reads them (the API's list)."""
    referrals = referrals_of_case(user=user, case=case)
    if referrals:
        case.person.cins = list(case.person.documents.filter(kind=IdentityDocument.Kind.CIN))
    return [card_of(r, sender=True, receiver=False) for r in referrals]


def position_of(referral: Referral) -> int | None:
    """Its place on the service's waiting list (1: next), while it waits."""
    return getattr(referral, "waiting_position", None) \
        if referral.status == Status.WAITING else None


def referral_get_for_user(*, user, referral_id) -> Referral:
    return policy.get_or_404(_with_related(policy.referrals_for(user)), pk=referral_id)


def is_receiver(user, referral: Referral) -> bool:
    return policy.referrals_received_for(user).filter(pk=referral.pk).exists()


def is_sender(user, referral: Referral) -> bool:
    return policy.referrals_sent_for(user).filter(pk=referral.pk).exists()


@dataclass
class ReferralCard:
    """A referral as one reader may see it."""

    referral: Referral
    sender: bool
    receiver: bool
    name_ar: str
    name_lat: str
    sex: str
    birth: str
    commune: object
    masked_cin: str
    position: int | None
    request: str = ""
    needs: list = field(default_factory=list)
    note: str = ""
    consent_withdrawn: bool = False


def card_of(referral: Referral, *, sender: bool, receiver: bool,
            consent_active: bool = True, with_content: bool = True) -> ReferralCard:
    """``with_content=False`` (a receiver's list): identity and status only; the shared
    content is read on the referral's own page, which checks the consent then."""
    person = referral.case.person
    cins = getattr(person, "cins", None)
    if cins is None:
        cins = [d for d in person.documents.all() if d.kind == IdentityDocument.Kind.CIN]
    shared = set(referral.shared)
    # The sender reads the case anyway; a receiver reads what is shared, and nothing of it
    # once a partner's sharing consent is withdrawn.
    readable = sender or (consent_active or not referral.offering.partner_id)
    labels = dict(NeedDomain.choices)
    card = ReferralCard(
        referral=referral, sender=sender, receiver=receiver,
        name_ar=" ".join(n for n in (person.first_name_ar, person.family_name_ar) if n),
        name_lat=" ".join(n for n in (person.first_name_lat, person.family_name_lat) if n),
        sex=person.get_sex_display(), birth=person.birth_display, commune=person.commune,
        masked_cin=cins[0].masked if cins else "",
        position=position_of(referral),
        consent_withdrawn=not readable and bool(shared))
    if readable and (with_content or sender):
        if Referral.Share.REQUEST in shared:
            card.request = referral.shared_request
        if Referral.Share.NEEDS in shared:
            card.needs = [labels.get(code, code) for code in referral.shared_needs]
        if sender or Referral.Share.NOTE in shared:
            card.note = referral.note
    return card


def referral_card(*, user, referral: Referral, audit_read: bool = True) -> ReferralCard:
    """One referral as the user may read it; a receiver's reading is audited (it shows a
    person's identity outside the receiver's own records)."""
    sender, receiver = is_sender(user, referral), is_receiver(user, referral)
    consent_active = True
    if not sender and referral.offering.partner_id:
        consent_active = Consent.objects.filter(
            person_id=referral.case.person_id, purpose=Consent.Purpose.PARTNER_SHARING,
            withdrawn_at=None).exists()
    if receiver and not sender and audit_read:
        audit.record_read(actor=user, obj=referral, action="cases.referral.read")
    return card_of(referral, sender=sender, receiver=receiver, consent_active=consent_active)


def inbox_cards(*, user, referrals) -> list[ReferralCard]:
    """Cards of an inbox page (identity and status only: shared content is on the referral's
    own page); one audit INSERT for the identities shown."""
    referrals = list(referrals)
    if referrals:
        audit.record_reads(actor=user, objs=referrals, action="cases.referral.read")
    return [card_of(r, sender=False, receiver=True, with_content=False) for r in referrals]


def offering_choices(*, case) -> QuerySet:
    """Active services a case may be referred to: at the open centres and by the partners of
    the lead centre's region (the catalogue is public)."""
    region_id = Centre.objects.filter(pk=case.lead_centre_id).values(
        "commune__province__region_id")[:1]
    return ServiceOffering.objects.filter(
        Q(centre__commune__province__region_id=Subquery(region_id),
          centre__status=Centre.Status.OPEN)
        | Q(partner__region_id=Subquery(region_id)),
        status=ServiceOffering.Status.ACTIVE).select_related(
        "service", "centre", "partner").order_by("service__domain__position",
                                                 "service__code", "pk")


def named_offerings(qs: QuerySet[ServiceOffering]) -> QuerySet[ServiceOffering]:
    """Offerings with what a line or a label names of them: their service and provider
    (centre or partner), by name only (a region offers a hundred)."""
    return named(qs, {relation: BilingualName.NAME_FIELDS
                      for relation in ("service", "centre", "partner")})


def with_places(offerings) -> list[ServiceOffering]:
    """The offerings, each with ``held`` (places held) and ``waiting`` (its waiting list).

    One grouped query over the *open* referrals of these offerings, read from the
    ``(offering, status)`` index: a join of every referral ever made (finished ones are most
    of them) cost a second per case page at two million cases. ``COUNT(*)``, not of the
    ids: the index alone answers it (a region's 19,451 open referrals: 24 -> 12 ms in
    PostgreSQL, 25 -> 8 ms as the referral form waited for it)."""
    offerings = list(offerings)
    counts: dict[tuple[int, str], int] = {}
    for offering_id, status, n in (
            Referral.objects.filter(offering__in=[o.pk for o in offerings],
                                    status__in=Referral.OPEN)
            .values_list("offering_id", "status").annotate(n=Count("*")).order_by()):
        counts[offering_id, status] = n
    for offering in offerings:
        offering.held = sum(counts.get((offering.pk, s), 0) for s in Referral.HOLDS_PLACE)
        offering.waiting = counts.get((offering.pk, Status.WAITING), 0)
    return offerings
