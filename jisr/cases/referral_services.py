"""Writes on referrals: sending (or queueing) a case to a service offering, the receiver's
answers, and the deadline job (reminders and overdue flags of the answer and, once accepted,
of the delivery; promotion from the waiting list).

Locks: the offering row first (its places are counted under that lock, so two workers
sending the last place at once cannot both get it), then the referral row; the case is
locked only by the case services called from here (orientation). Each step is one line of
the case's timeline, one audit entry, and notifications (in-app and e-mail) to the other
side, made inside the transaction (nothing is sent if it rolls back).

E-mails and in-app messages name the referral's reference and the service, never the
person: the receiver reads who it is in the platform, after logging in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.cases import services as case_services
from jisr.cases.models import Case, CaseEvent, Stage, Urgency
from jisr.cases.referrals import Referral
from jisr.core import audit
from jisr.core.exceptions import AccessDenied, Conflict, NotFound, ValidationFailed
from jisr.network.models import Centre, ServiceOffering
from jisr.registry.models import Consent
from jisr.registry.services import ConsentMissing, full_clean

Status = Referral.Status
MIN_REASON_LENGTH = 10
# Reminders go out this long before the answer is due.
REMIND_BEFORE = timedelta(days=1)
# Need domains never copied into a summary shared with the receiver: they belong to the
# restricted sections (violence, health) of the listening; the worker writes in the note
# what the service needs to know, if anything.
NEVER_SHARED_NEEDS = {"protection_violence", "health_disability"}
SNAPSHOT = ("status", "sent_at", "due_at", "answered_at", "delivery_due_at", "outcome_at",
            "overdue_at", "delivery_overdue_at")
# The longest delivery delay a receiver may agree when accepting (as an offering's).
MAX_DELIVERY_DAYS = 365
RECEIVING_CENTRE_ROLES = (Role.SOCIAL_WORKER, Role.CENTRE_MANAGER)


# --- the open referrals of a case (closing it needs a reason) ---------------------------

def open_referrals_of(case: Case) -> list[Referral]:
    return list(Referral.objects.filter(case=case, status__in=Referral.OPEN))


case_services.register_open_referrals(open_referrals_of)


# --- places and the waiting list --------------------------------------------------------

def places_held(offering: ServiceOffering) -> int:
    return Referral.objects.filter(offering=offering, status__in=Referral.HOLDS_PLACE).count()


def has_free_place(offering: ServiceOffering) -> bool:
    return offering.capacity is None or places_held(offering) < offering.capacity


def queue_position(referral: Referral) -> int | None:
    """1 for the next person to move up; None when not waiting."""
    if referral.status != Status.WAITING:
        return None
    return Referral.objects.filter(offering_id=referral.offering_id, status=Status.WAITING,
                                   pk__lte=referral.pk).count()


# --- notifications ------------------------------------------------------------------------

def receivers_of(referral: Referral) -> list:
    """Who answers a referral: the partner's agents, or the receiving centre's social
    workers and manager."""
    offering = referral.offering
    users = User.objects.filter(is_active=True)
    if offering.partner_id:
        users = users.filter(role=Role.PARTNER_AGENT, partner_id=offering.partner_id)
    else:
        users = users.filter(role__in=RECEIVING_CENTRE_ROLES, centre_id=offering.centre_id)
        if referral.case.restricted:
            users = users.filter(role=Role.CENTRE_MANAGER)
    return list(users.order_by("pk"))


def notified_of(referral: Referral) -> list:
    """Who is told of a referral and its deadlines: the partner's agents; at a receiving
    centre its manager, who dispatches the work (telling every social worker of a large
    centre was five hundred e-mails for one person), or its social workers when it has no
    manager. Every receiver still finds it in the inbox and may answer."""
    receivers = receivers_of(referral)
    if referral.offering.partner_id:
        return receivers
    return [u for u in receivers if u.role == Role.CENTRE_MANAGER] or receivers


def _context(referral: Referral) -> dict:
    offering = referral.offering
    return {"reference": referral.reference, "service": offering.service,
            "provider": offering.provider, "from_centre": referral.from_centre,
            "due_at": referral.due_at and timezone.localtime(referral.due_at),
            "delivery_due_at": referral.delivery_due_at and timezone.localtime(
                referral.delivery_due_at),
            "status": Status(referral.status).label, "referral": referral,
            "position": queue_position(referral)}


def _notify(users, *, event: str, key: str, template: str, referral: Referral, actor) -> None:
    from jisr.notifications.services import notify_staff

    notify_staff(users, event=event, key=key, template=f"notifications/messages/{template}",
                 context=_context(referral), related=referral, actor=actor)


def _event(referral: Referral, *, actor, kind: str, note: str = "") -> CaseEvent:
    case = referral.case
    label = f"{referral.reference} · {referral.offering.service} — {referral.offering.provider}"
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind,
                                    centre_id=case.lead_centre_id,
                                    note=" — ".join(p for p in (label, note) if p))


# --- sending ------------------------------------------------------------------------------

def _check_offering(offering) -> None:
    if offering is None or offering.status != ServiceOffering.Status.ACTIVE or (
            offering.centre_id and offering.centre.status != Centre.Status.OPEN):
        raise ValidationFailed(fields={"offering": [_("Choose an active service.")]})


def check_case_referrable(case: Case) -> None:
    """Raise unless the case may be referred now (the case page asks it before showing the
    form, the service before sending)."""
    if case.is_closed:
        raise case_services.TransitionRefused(_("The case is closed: reopen it first."))
    if case.stage == Stage.RECEIVED and case.urgency != Urgency.URGENT:
        raise case_services.TransitionRefused(_(
            "Listen to the person before orienting them (only an urgent case may be oriented "
            "straight away)."))


def _shared_needs(case: Case) -> list[str]:
    listening = case.listenings.filter(status="completed").order_by("-completed_at").first()
    if listening is None:
        raise ValidationFailed(fields={"shared": [_(
            "The case has no completed listening interview: its needs cannot be shared.")]})
    return [d["domain"] for d in (listening.result or {}).get("domains", [])
            if d.get("domain") not in NEVER_SHARED_NEEDS and d.get("points", 0) > 0]


def _check_shared(shared, note: str) -> list[str]:
    shared = list(dict.fromkeys(shared or []))
    unknown = [s for s in shared if s not in Referral.Share.values]
    if unknown:
        raise ValidationFailed(fields={"shared": [_("Choose what to share from the list.")]})
    if Referral.Share.NOTE in shared and not note:
        raise ValidationFailed(fields={"note": [_("Write the note you share.")]})
    return [s for s in Referral.Share.values if s in shared]


@transaction.atomic
def referral_send(*, actor, case: Case, offering: ServiceOffering, shared=(),
                  note: str = "") -> Referral:
    """Refer a listened (or urgent) case to a service. Beyond the identity card, sharing
    with a partner needs the person's active consent to sharing with a partner. A service at
    capacity queues the person (status *waiting*). The first referral of a listened case
    orients it."""
    policy.check_case_perm(actor, "cases.refer", case)
    _check_offering(offering)
    note = (note or "").strip()
    shared = _check_shared(shared, note)
    if shared and offering.partner_id and not Consent.objects.filter(
            person_id=case.person_id, purpose=Consent.Purpose.PARTNER_SHARING,
            withdrawn_at=None).exists():
        message = _("The person has not consented to sharing with a partner: share the "
                    "identity card only, or record their consent first.")
        raise ConsentMissing(message, fields={"shared": [message]})
    offering = ServiceOffering.objects.select_for_update(of=("self",)).select_related(
        "service", "centre", "partner").get(pk=offering.pk)
    # Always the offering first, then the case (the answers lock offering then referral).
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_case_referrable(case)
    if Referral.objects.filter(case=case, offering=offering,
                               status__in=Referral.OPEN).exists():
        raise Conflict(_("This case is already referred to this service."),
                       code="already_referred")
    now = timezone.now()
    referral = Referral(case=case, offering=offering, from_centre_id=case.lead_centre_id,
                        shared=shared, note=note, referred_by=actor, created_at=now,
                        shared_request=case.request if Referral.Share.REQUEST in shared
                        else "",
                        shared_needs=_shared_needs(case) if Referral.Share.NEEDS in shared
                        else [])
    if has_free_place(offering):
        referral.status = Status.SENT
        referral.sent_at, referral.due_at = now, now + timedelta(days=offering.response_days)
    else:
        referral.status = Status.WAITING
    full_clean(referral)
    referral.save()
    if case.stage in (Stage.LISTENED, Stage.RECEIVED):
        case_services.case_orient(actor=actor, case=case, note=str(referral))
    if referral.status == Status.SENT:
        _event(referral, actor=actor, kind=CaseEvent.Kind.REFERRAL_SENT)
        _notify(notified_of(referral), event="cases.referral.new", key=str(referral.pk),
                template="referral_new", referral=referral, actor=actor)
    else:
        _event(referral, actor=actor, kind=CaseEvent.Kind.REFERRAL_QUEUED, note=str(_(
            "position %(position)s") % {"position": queue_position(referral)}))
    audit.record(actor=actor, action=f"cases.referral.{referral.status}", obj=referral,
                 after=audit.snapshot(referral, Referral.AUDIT_VALUE_FIELDS))
    return referral


# --- the receiver's answers ---------------------------------------------------------------

# Whole sentences: the participle agrees with "referral" differently in Arabic and French.
REFUSED = {
    "accept": _("The referral is “%(status)s”: it cannot be accepted now."),
    "decline": _("The referral is “%(status)s”: it cannot be declined now."),
    "deliver": _("The referral is “%(status)s”: it cannot be reported delivered now."),
    "not_deliver": _("The referral is “%(status)s”: it cannot be reported not delivered "
                     "now."),
}


def _locked_for_receiver(actor, referral: Referral, *, allowed: tuple, action: str
                         ) -> Referral:
    policy.check_perm(actor, "cases.answer_referrals")
    if not policy.referrals_received_for(actor).filter(pk=referral.pk).exists():
        if policy.referrals_sent_for(actor).filter(pk=referral.pk).exists():
            raise AccessDenied(_("Only the service the person is referred to answers the "
                                 "referral."))
        raise NotFound()
    ServiceOffering.objects.select_for_update().filter(pk=referral.offering_id).first()
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "case", "offering__service", "offering__centre", "offering__partner", "from_centre",
        "referred_by").get(pk=referral.pk)
    if referral.status not in allowed:
        raise Conflict(REFUSED[action] % {"status": referral.get_status_display()},
                       code="invalid_transition")
    return referral


def _save(actor, referral: Referral, before: dict, fields: list[str], *, reason: str = ""):
    referral.save(update_fields=fields)
    audit.record(actor=actor, action=f"cases.referral.{referral.status}", obj=referral,
                 before=before, after=audit.snapshot(referral, SNAPSHOT), reason=reason)


def _answered(actor, referral: Referral, kind: str, note: str = "") -> None:
    _event(referral, actor=actor, kind=kind, note=note)
    _notify([referral.referred_by], event="cases.referral.answer",
            key=f"{referral.pk}:{referral.status}", template="referral_answered",
            referral=referral, actor=actor)


def check_delivery_days(value) -> int | None:
    """The delay a receiver agrees when accepting: whole days, 1 to MAX_DELIVERY_DAYS, or
    None for the offering's own."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= MAX_DELIVERY_DAYS:
        raise ValidationFailed(fields={"delivery_days": [_(
            "Give the days to deliver the service as a whole number from 1 to "
            "%(most)s.") % {"most": MAX_DELIVERY_DAYS}]})
    return value


@transaction.atomic
def referral_accept(*, actor, referral: Referral, delivery_days=None) -> Referral:
    """Accept a sent referral, promising to deliver the service within ``delivery_days``
    (the offering's delivery time, JISR_REFERRAL_DELIVERY_DAYS if it has none): the
    deadline job watches it from then on, and the referring worker is told the date."""
    delivery_days = check_delivery_days(delivery_days)
    referral = _locked_for_receiver(actor, referral, allowed=(Status.SENT,),
                                    action="accept")
    before = audit.snapshot(referral, SNAPSHOT)
    now = timezone.now()
    referral.status, referral.answered_by, referral.answered_at = Status.ACCEPTED, actor, now
    referral.delivery_due_at = now + timedelta(
        days=delivery_days or referral.offering.delivery_days_or_default)
    _save(actor, referral, before, ["status", "answered_by", "answered_at", "delivery_due_at"])
    by = timezone.localtime(referral.delivery_due_at).date().isoformat()
    _answered(actor, referral, CaseEvent.Kind.REFERRAL_ACCEPTED,
              str(_("to deliver by %(date)s") % {"date": by}))
    return referral


@transaction.atomic
def referral_decline(*, actor, referral: Referral, reason: str) -> Referral:
    """Decline a referral sent or waiting, with the reason told to the referring worker;
    a place it held goes to the next person waiting."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(fields={"reason": [_(
            "Tell the referring worker why, in a sentence.")]})
    referral = _locked_for_receiver(actor, referral, allowed=(Status.SENT, Status.WAITING),
                                    action="decline")
    before = audit.snapshot(referral, SNAPSHOT)
    referral.status, referral.answered_by, referral.answered_at = (
        Status.DECLINED, actor, timezone.now())
    referral.decline_reason = reason
    _save(actor, referral, before, ["status", "answered_by", "answered_at",
                                    "decline_reason"], reason=reason)
    _answered(actor, referral, CaseEvent.Kind.REFERRAL_DECLINED, reason)
    promote_waiting(offering=referral.offering, actor=actor)
    return referral


def _outcome(actor, referral: Referral, status: str, note: str, kind: str) -> Referral:
    before = audit.snapshot(referral, SNAPSHOT)
    referral.status, referral.outcome_by, referral.outcome_at = status, actor, timezone.now()
    referral.outcome_note = note
    _save(actor, referral, before, ["status", "outcome_by", "outcome_at", "outcome_note"],
          reason=note)
    _answered(actor, referral, kind, note)
    promote_waiting(offering=referral.offering, actor=actor)
    return referral


@transaction.atomic
def referral_deliver(*, actor, referral: Referral, note: str = "") -> Referral:
    """The service was delivered: the case's timeline says so (its stage does not move:
    entering a pathway is the pathway plan's step), the referring worker is told, and the
    place goes to the next person waiting."""
    referral = _locked_for_receiver(actor, referral, allowed=(Status.ACCEPTED,),
                                    action="deliver")
    return _outcome(actor, referral, Status.DELIVERED, (note or "").strip(),
                    CaseEvent.Kind.REFERRAL_DELIVERED)


@transaction.atomic
def referral_not_deliver(*, actor, referral: Referral, reason: str) -> Referral:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(fields={"reason": [_(
            "Tell the referring worker why, in a sentence.")]})
    referral = _locked_for_receiver(actor, referral, allowed=(Status.ACCEPTED,),
                                    action="not_deliver")
    return _outcome(actor, referral, Status.NOT_DELIVERED, reason,
                    CaseEvent.Kind.REFERRAL_NOT_DELIVERED)


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str) -> Referral:
    """The referring side takes back a referral still open (the person found help
    elsewhere, moved, no longer wants it): the receiver is told, a place it held goes to the
    next person waiting, and the timeline keeps the reason."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(fields={"reason": [_(
            "Tell the service why, in a sentence.")]})
    policy.check_perm(actor, "cases.refer")
    if not policy.referrals_sent_for(actor).filter(pk=referral.pk).exists():
        raise NotFound()
    ServiceOffering.objects.select_for_update().filter(pk=referral.offering_id).first()
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "case", "offering__service", "offering__centre", "offering__partner", "from_centre",
        "referred_by").get(pk=referral.pk)
    if referral.status not in Referral.OPEN:
        raise Conflict(_("The referral is “%(status)s”: it cannot be withdrawn now.") % {
            "status": referral.get_status_display()}, code="invalid_transition")
    before = audit.snapshot(referral, SNAPSHOT)
    referral.status, referral.withdraw_reason = Status.WITHDRAWN, reason
    _save(actor, referral, before, ["status", "withdraw_reason"], reason=reason)
    _event(referral, actor=actor, kind=CaseEvent.Kind.REFERRAL_WITHDRAWN, note=reason)
    _notify(notified_of(referral), event="cases.referral.withdrawn",
            key=f"{referral.pk}:withdrawn", template="referral_answered", referral=referral,
            actor=actor)
    promote_waiting(offering=referral.offering, actor=actor)
    return referral


ANSWERS = {"accept": referral_accept, "decline": referral_decline,
           "deliver": referral_deliver, "not_deliver": referral_not_deliver}


# --- the waiting list and the deadlines ---------------------------------------------------

def promote_waiting(*, offering: ServiceOffering, actor=None) -> list[Referral]:
    """Send the oldest waiting referrals while the offering has free places. Call with the
    offering row locked (the answers do), or inside a transaction that locks it."""
    offering = ServiceOffering.objects.select_for_update().get(pk=offering.pk)
    promoted = []
    while has_free_place(offering):
        referral = Referral.objects.select_for_update(of=("self",)).select_related(
            "case", "offering__service", "offering__centre", "offering__partner",
            "from_centre", "referred_by").filter(
            offering=offering, status=Status.WAITING).order_by("pk").first()
        if referral is None:
            break
        before = audit.snapshot(referral, SNAPSHOT)
        now = timezone.now()
        referral.status, referral.sent_at = Status.SENT, now
        referral.due_at = now + timedelta(days=offering.response_days)
        referral.save(update_fields=["status", "sent_at", "due_at"])
        audit.record(actor=actor, action="cases.referral.promote", obj=referral,
                     before=before, after=audit.snapshot(referral, SNAPSHOT))
        _event(referral, actor=actor, kind=CaseEvent.Kind.REFERRAL_SENT,
               note=str(_("a place freed up: off the waiting list")))
        _notify(notified_of(referral), event="cases.referral.new", key=str(referral.pk),
                template="referral_new", referral=referral, actor=actor)
        _notify([referral.referred_by], event="cases.referral.answer",
                key=f"{referral.pk}:sent", template="referral_answered",
                referral=referral, actor=actor)
        promoted.append(referral)
    return promoted


def _due_rows(status: str, order: str, **filters):
    return Referral.objects.filter(status=status, **filters).select_related(
        "case", "offering__service", "offering__centre", "offering__partner", "from_centre",
        "referred_by").order_by(order, "pk")


@dataclass(frozen=True)
class _Deadline:
    """One of a referral's two deadlines, as the job watches it."""

    status: str  # the referral is watched while it has this status
    due: str  # the deadline's field, and those the job stamps once
    reminded: str
    overdue: str
    event: str  # notifications' event prefix
    template: str  # message templates' prefix
    kind: str  # the timeline's line when flagged
    counts: str  # prefix of the job's counts


DEADLINES = (
    _Deadline(Status.SENT, "due_at", "reminded_at", "overdue_at", "cases.referral",
              "referral", CaseEvent.Kind.REFERRAL_OVERDUE, ""),
    _Deadline(Status.ACCEPTED, "delivery_due_at", "delivery_reminded_at",
              "delivery_overdue_at", "cases.referral.delivery", "referral_delivery",
              CaseEvent.Kind.REFERRAL_DELIVERY_OVERDUE, "delivery_"),
)


def _check_deadline(deadline: _Deadline, now, counts: dict) -> None:
    for referral in _due_rows(deadline.status, deadline.due, **{
            deadline.reminded: None, deadline.overdue: None, f"{deadline.due}__gt": now,
            f"{deadline.due}__lte": now + REMIND_BEFORE}):
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, status=deadline.status, **{
                    deadline.reminded: None}).update(**{deadline.reminded: now}):
                continue
            due = getattr(referral, deadline.due)
            _notify([*notified_of(referral), referral.referred_by],
                    event=f"{deadline.event}.due_soon", key=f"{referral.pk}:{due.isoformat()}",
                    template=f"{deadline.template}_due_soon", referral=referral, actor=None)
            counts[f"{deadline.counts}reminded"] += 1
    for referral in _due_rows(deadline.status, deadline.due, **{
            deadline.overdue: None, f"{deadline.due}__lte": now}):
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, status=deadline.status, **{
                    deadline.overdue: None}).update(**{deadline.overdue: now}):
                continue
            due = getattr(referral, deadline.due)
            _event(referral, actor=None, kind=deadline.kind)
            _notify([*notified_of(referral), referral.referred_by],
                    event=f"{deadline.event}.overdue", key=f"{referral.pk}:{due.isoformat()}",
                    template=f"{deadline.template}_overdue", referral=referral, actor=None)
            counts[f"{deadline.counts}overdue"] += 1


def referrals_check_deadlines(*, now=None) -> dict[str, int]:
    """The periodic job's work, safe to run twice or in two workers at once: each referral
    is claimed by a conditional UPDATE before anyone is told, so a reminder and an overdue
    flag are sent once per deadline (the notifications' dedupe keys name the due date, and
    a referral promoted again gets a new one). Two deadlines are watched: the answer of a
    sent referral, then the delivery of an accepted one. Offerings whose capacity grew move
    their waiting list up."""
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0, "delivery_reminded": 0, "delivery_overdue": 0,
              "promoted": 0}
    for deadline in DEADLINES:
        _check_deadline(deadline, now, counts)
    waiting = ServiceOffering.objects.filter(referrals__status=Status.WAITING).distinct()
    for offering in waiting:
        with transaction.atomic():
            counts["promoted"] += len(promote_waiting(offering=offering))
    if any(counts.values()):
        audit.record_bulk(actor=None, action="cases.referral.deadlines",
                          object_type="cases.referral", count=sum(counts.values()),
                          reason=", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
