"""Writes on cases: opening, each stage transition, closing and reopening, assignment and
restriction, transfers between centres, appointments and confirmations.

Every service locks the case row (``select_for_update``) before reading its stage, so two
clicks, two tabs or two colleagues cannot move it twice; a request that finds the case no
longer where it expected is refused with a Conflict and changes nothing. Each change is one
line of the case's timeline (CaseEvent) and one audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.roles import Role, ScopeKind
from jisr.cases.models import (
    Appointment,
    Case,
    CaseEvent,
    CloseReason,
    RestrictionCategory,
    Satisfaction,
    Stage,
    Transfer,
    Urgency,
)
from jisr.core import audit
from jisr.core.exceptions import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from jisr.registry.models import Consent, HouseholdMembership, Person, Phone
from jisr.registry.services import consent_check, full_clean, person_follow_start

CASE_FIELDS = ("person", "household", "lead_centre", "channel", "request", "urgency",
               "assigned_to", "restricted", "restriction_category", "stage",
               "close_reason", "close_note", "closed_at")
MIN_NOTE_LENGTH = 10
LISTENING_ROLES = (Role.SOCIAL_WORKER, Role.CENTRE_MANAGER)
MAX_APPOINTMENT_MINUTES = 240

# The stages a case may come from to reach each stage (closing is possible from any open
# stage). Orientation straight from reception is allowed for urgent cases only.
ALLOWED_FROM = {
    Stage.LISTENED: {Stage.RECEIVED},
    Stage.ORIENTED: {Stage.LISTENED},
    Stage.IN_PATHWAY: {Stage.ORIENTED},
    Stage.FOLLOW_UP: {Stage.IN_PATHWAY},
}


class TransitionRefused(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("The case cannot go to this stage from where it is.")


# --- open referrals: the hook the referrals module fills ---------------------------------

_OPEN_REFERRAL_SOURCES: list[Callable[[Case], list]] = []


def register_open_referrals(source: Callable[[Case], list]) -> None:
    """The referrals module (a later issue) registers a function listing a case's referrals
    still open (sent or accepted, not yet delivered); closing such a case needs a stated
    reason. Until then no source is registered and no case has open referrals."""
    if source not in _OPEN_REFERRAL_SOURCES:
        _OPEN_REFERRAL_SOURCES.append(source)


def open_referrals(case: Case) -> list:
    return [item for source in _OPEN_REFERRAL_SOURCES for item in source(case)]


# --- helpers -----------------------------------------------------------------------------

def _centre_of(actor):
    if actor.scope_kind != ScopeKind.CENTRE or actor.centre_id is None:
        raise AccessDenied(_("Only staff of a centre work on cases."))
    return actor.centre


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _expect(case: Case, expected_stage: str | None) -> None:
    """Refuse a request made from a page showing an older state of the case (a double
    submission, or a colleague's change in the meantime)."""
    if expected_stage and case.stage != expected_stage:
        raise Conflict(_("The case changed in the meantime: it is now at the stage "
                         "“%(stage)s”. Reload the page.") % {"stage": case.get_stage_display()},
                       code="stage_changed")


def _event(case: Case, *, actor, kind: str, from_stage: str = "", to_stage: str = "",
           note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, from_stage=from_stage,
                                    to_stage=to_stage, centre_id=case.lead_centre_id,
                                    note=note)


def _check_worker(worker, centre_id, *, field: str = "assigned_to") -> None:
    if worker is None:
        return
    if not (worker.is_active and worker.centre_id == centre_id
            and worker.role in LISTENING_ROLES):
        raise ValidationFailed(fields={field: [_(
            "Choose a social worker or the manager of the case's centre.")]})


def _check_restriction(restricted: bool, category: str) -> str:
    if restricted and category not in RestrictionCategory.values:
        raise ValidationFailed(fields={"restriction_category": [_(
            "Say why the case is restricted (violence, child protection or health).")]})
    return category if restricted else ""


# --- opening -----------------------------------------------------------------------------

@transaction.atomic
def case_open(*, actor, person: Person, request: str, channel: str,
              urgency: str = Urgency.NORMAL, assigned_to=None, household=None,
              restricted: bool = False, restriction_category: str = "") -> Case:
    """Open a case at the actor's centre for a person they see. The person must have
    consented to the follow-up of their case (law 09-08); their current household is
    attached unless another is given."""
    policy.check_person_perm(actor, "cases.open", person)
    centre = _centre_of(actor)
    consent_check(person, Consent.Purpose.CASE_FOLLOW_UP)
    _check_worker(assigned_to, centre.pk)
    if household is None:
        membership = HouseholdMembership.objects.filter(person=person, end=None).first()
        household = membership.household if membership else None
    case = Case(person=person, household=household, lead_centre=centre, channel=channel,
                request=(request or "").strip(), urgency=urgency, assigned_to=assigned_to,
                restricted=restricted,
                restriction_category=_check_restriction(restricted, restriction_category),
                opened_by=actor)
    full_clean(case)
    case.save()
    person_follow_start(actor=actor, person=person, centre=centre)
    _event(case, actor=actor, kind=CaseEvent.Kind.OPENED, to_stage=Stage.RECEIVED)
    audit.record(actor=actor, action="cases.case.open", obj=case,
                 after=audit.snapshot(case, CASE_FIELDS))
    return case


# --- stages ------------------------------------------------------------------------------

def _transition(*, actor, case: Case, to: str, note: str = "", expected_stage=None,
                perm: str = "cases.transition") -> Case:
    policy.check_case_perm(actor, perm, case)
    case = _locked(case)
    _expect(case, expected_stage)
    if case.stage == to:
        raise Conflict(_("The case is already at this stage."), code="already_done")
    if case.is_closed:
        raise TransitionRefused(_("The case is closed: reopen it first."))
    allowed = set(ALLOWED_FROM[to])
    if to == Stage.ORIENTED and case.urgency == Urgency.URGENT:
        allowed.add(Stage.RECEIVED)
    if case.stage not in allowed:
        if to == Stage.ORIENTED and case.stage == Stage.RECEIVED:
            raise TransitionRefused(_("Listen to the person before orienting them (only an "
                                      "urgent case may be oriented straight away)."))
        raise TransitionRefused(_("The case is at the stage “%(stage)s”: it cannot go to "
                                  "“%(target)s” from there.") % {
            "stage": case.get_stage_display(), "target": Stage(to).label})
    before = audit.snapshot(case, ("stage",))
    from_stage = case.stage
    case.stage = to
    case.stage_changed_at = timezone.now()
    case.save(update_fields=["stage", "stage_changed_at"])
    _event(case, actor=actor, kind=CaseEvent.Kind.STAGE, from_stage=from_stage, to_stage=to,
           note=note)
    audit.record(actor=actor, action=f"cases.case.{to}", obj=case, before=before,
                 after=audit.snapshot(case, ("stage",)))
    return case


@transaction.atomic
def case_mark_listened(*, actor, case: Case, note: str = "", expected_stage=None) -> Case:
    """Received → listened; needs a completed listening interview."""
    if not case.listenings.filter(status="completed").exists():
        policy.check_case_perm(actor, "cases.listen", case)
        raise TransitionRefused(_("Complete the listening interview first."))
    return _transition(actor=actor, case=case, to=Stage.LISTENED, note=note,
                       expected_stage=expected_stage, perm="cases.listen")


@transaction.atomic
def case_orient(*, actor, case: Case, note: str = "", expected_stage=None) -> Case:
    """Listened → oriented (received → oriented for an urgent case)."""
    return _transition(actor=actor, case=case, to=Stage.ORIENTED, note=note,
                       expected_stage=expected_stage)


@transaction.atomic
def case_start_pathway(*, actor, case: Case, note: str = "", expected_stage=None) -> Case:
    """Oriented → in a pathway."""
    return _transition(actor=actor, case=case, to=Stage.IN_PATHWAY, note=note,
                       expected_stage=expected_stage)


@transaction.atomic
def case_start_follow_up(*, actor, case: Case, note: str = "", expected_stage=None) -> Case:
    """In a pathway → follow-up."""
    return _transition(actor=actor, case=case, to=Stage.FOLLOW_UP, note=note,
                       expected_stage=expected_stage)


TRANSITIONS = {Stage.LISTENED: case_mark_listened, Stage.ORIENTED: case_orient,
               Stage.IN_PATHWAY: case_start_pathway, Stage.FOLLOW_UP: case_start_follow_up}


@transaction.atomic
def case_close(*, actor, case: Case, reason: str, note: str = "",
               expected_stage=None, satisfaction: int | None = None) -> Case:
    """Close from any open stage, with a reason. A case with open referrals closes only
    when the worker writes why (``note``). ``satisfaction`` (1 to 5) is the person's answer
    when asked, optional."""
    policy.check_case_perm(actor, "cases.transition", case)
    case = _locked(case)
    _expect(case, expected_stage)
    if case.is_closed:
        raise Conflict(_("The case is already closed."), code="already_done")
    if reason not in CloseReason.values:
        raise ValidationFailed(fields={"reason": [_("Choose the reason for closing.")]})
    if satisfaction is not None and satisfaction not in Satisfaction.values:
        raise ValidationFailed(fields={"satisfaction": [_(
            "Choose how satisfied the person is, or leave it empty.")]})
    note = (note or "").strip()
    if reason == CloseReason.OTHER and len(note) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_("Describe the reason in a sentence.")]})
    pending = open_referrals(case)
    if pending and len(note) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_(
            "%(count)s referral(s) of this case are still open: write why the case closes "
            "anyway.") % {"count": len(pending)}]})
    before = audit.snapshot(case, ("stage", "close_reason", "closed_at"))
    from_stage = case.stage
    now = timezone.now()
    case.stage_before_close = case.stage
    case.stage, case.close_reason, case.close_note = Stage.CLOSED, reason, note
    case.satisfaction = satisfaction
    case.closed_at = case.stage_changed_at = now
    case.save(update_fields=["stage", "stage_before_close", "close_reason", "close_note",
                             "closed_at", "stage_changed_at", "satisfaction"])
    _event(case, actor=actor, kind=CaseEvent.Kind.CLOSED, from_stage=from_stage,
           to_stage=Stage.CLOSED, note=" — ".join(
               str(p) for p in (CloseReason(reason).label, note) if p))
    audit.record(actor=actor, action="cases.case.close", obj=case, before=before,
                 after=audit.snapshot(case, ("stage", "close_reason", "closed_at")),
                 reason=note)
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """Reopen a closed case at the stage it was closed from, with the reason (audited)."""
    policy.check_case_perm(actor, "cases.transition", case)
    case = _locked(case)
    if not case.is_closed:
        raise Conflict(_("The case is open."), code="already_done")
    reason = (reason or "").strip()
    if len(reason) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"reason": [_("Write why the case is reopened.")]})
    before = audit.snapshot(case, ("stage", "close_reason", "closed_at"))
    case.stage = case.stage_before_close or Stage.RECEIVED
    case.close_reason, case.close_note, case.closed_at = "", "", None
    case.stage_changed_at = timezone.now()
    case.save(update_fields=["stage", "close_reason", "close_note", "closed_at",
                             "stage_changed_at"])
    _event(case, actor=actor, kind=CaseEvent.Kind.REOPENED, from_stage=Stage.CLOSED,
           to_stage=case.stage, note=reason)
    audit.record(actor=actor, action="cases.case.reopen", obj=case, before=before,
                 after=audit.snapshot(case, ("stage", "close_reason", "closed_at")),
                 reason=reason)
    return case


@transaction.atomic
def case_assign(*, actor, case: Case, worker) -> Case:
    policy.check_case_perm(actor, "cases.assign", case)
    case = _locked(case)
    _check_worker(worker, case.lead_centre_id)
    if case.assigned_to_id == getattr(worker, "pk", None):
        return case
    before = audit.snapshot(case, ("assigned_to",))
    case.assigned_to = worker
    case.save(update_fields=["assigned_to"])
    _event(case, actor=actor, kind=CaseEvent.Kind.ASSIGNED,
           note=worker.display_name if worker else "")
    audit.record(actor=actor, action="cases.case.assign", obj=case, before=before,
                 after=audit.snapshot(case, ("assigned_to",)))
    return case


@transaction.atomic
def case_restrict(*, actor, case: Case, restricted: bool, category: str = "",
                  reason: str = "") -> Case:
    """Restrict a case to its assigned worker and the manager, or lift the restriction
    (the manager only: lifting widens who reads it)."""
    policy.check_case_perm(actor, "cases.restrict", case)
    if not restricted:
        policy.check_perm(actor, "cases.assign")
    case = _locked(case)
    category = _check_restriction(restricted, category)
    before = audit.snapshot(case, ("restricted", "restriction_category"))
    case.restricted, case.restriction_category = restricted, category
    case.save(update_fields=["restricted", "restriction_category"])
    after = audit.snapshot(case, ("restricted", "restriction_category"))
    if before != after:
        _event(case, actor=actor, kind=CaseEvent.Kind.RESTRICTED,
               note=str(RestrictionCategory(category).label) if category else "")
        audit.record(actor=actor, action="cases.case.restrict", obj=case, before=before,
                     after=after, reason=reason)
    return case


# --- transfers ---------------------------------------------------------------------------

@transaction.atomic
def transfer_propose(*, actor, case: Case, to_centre, reason: str) -> Transfer:
    policy.check_case_perm(actor, "cases.transfer", case)
    case = _locked(case)
    if case.is_closed:
        raise TransitionRefused(_("A closed case is not transferred: reopen it first."))
    reason = (reason or "").strip()
    if len(reason) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"reason": [_("Write why the case should move.")]})
    if to_centre is None or to_centre.pk == case.lead_centre_id or \
            to_centre.status == to_centre.Status.CLOSED:
        raise ValidationFailed(fields={"to_centre": [_("Choose another active centre.")]})
    if case.transfers.filter(status=Transfer.Status.PROPOSED).exists():
        raise Conflict(_("A transfer of this case is already waiting for an answer."),
                       code="transfer_pending")
    transfer = Transfer(case=case, from_centre_id=case.lead_centre_id, to_centre=to_centre,
                        reason=reason, proposed_by=actor)
    full_clean(transfer, constraints=False)
    transfer.save()
    _event(case, actor=actor, kind=CaseEvent.Kind.TRANSFER_PROPOSED,
           note=f"{to_centre} — {reason}")
    audit.record(actor=actor, action="cases.transfer.propose", obj=transfer,
                 after=audit.snapshot(transfer, ("case", "from_centre", "to_centre",
                                                 "status")), reason=reason)
    return transfer


def _locked_transfer(actor, transfer: Transfer, *, side: str) -> tuple[Case, Transfer]:
    """Lock the case then the transfer (always in this order), and check the actor answers
    for the right side of it."""
    policy.check_perm(actor, "cases.transfer")
    if not policy.transfers_for(actor).filter(pk=transfer.pk).exists():
        raise NotFound()
    centre_id = transfer.to_centre_id if side == "to" else transfer.from_centre_id
    if actor.centre_id != centre_id:
        raise AccessDenied(_("Only the receiving centre answers a transfer, and only the "
                             "proposing centre withdraws it."))
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != Transfer.Status.PROPOSED:
        raise Conflict(_("This transfer was already answered (%(status)s).") % {
            "status": transfer.get_status_display()}, code="already_answered")
    return case, transfer


def _decide(actor, transfer: Transfer, status: str, note: str) -> None:
    before = audit.snapshot(transfer, ("status", "decided_at"))
    transfer.status, transfer.decided_by, transfer.decision_note = status, actor, note
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(actor=actor, action=f"cases.transfer.{status}", obj=transfer, before=before,
                 after=audit.snapshot(transfer, ("status", "decided_at")), reason=note)


@transaction.atomic
def transfer_accept(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """The receiving centre takes the case over: it keeps its stage and its whole history;
    it is unassigned until the new centre assigns someone (the accepting worker, if they
    can listen). Of two people accepting at once, the second waits for the first's lock and
    is then told it was already answered."""
    case, transfer = _locked_transfer(actor, transfer, side="to")
    if case.lead_centre_id != transfer.from_centre_id:
        raise Conflict(_("The case is no longer led by the proposing centre."),
                       code="already_answered")
    _decide(actor, transfer, Transfer.Status.ACCEPTED, (note or "").strip())
    before = audit.snapshot(case, ("lead_centre", "assigned_to"))
    case.lead_centre_id = transfer.to_centre_id
    case.assigned_to = actor if actor.role in LISTENING_ROLES else None
    case.save(update_fields=["lead_centre", "assigned_to"])
    person_follow_start(actor=actor, person=case.person, centre=transfer.to_centre)
    _event(case, actor=actor, kind=CaseEvent.Kind.TRANSFER_ACCEPTED,
           note=f"{transfer.from_centre} → {transfer.to_centre}")
    audit.record(actor=actor, action="cases.case.transfer", obj=case, before=before,
                 after=audit.snapshot(case, ("lead_centre", "assigned_to")))
    return transfer


@transaction.atomic
def transfer_decline(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    note = (note or "").strip()
    if len(note) < MIN_NOTE_LENGTH:
        raise ValidationFailed(fields={"note": [_("Tell the proposing centre why.")]})
    case, transfer = _locked_transfer(actor, transfer, side="to")
    _decide(actor, transfer, Transfer.Status.DECLINED, note)
    _event(case, actor=actor, kind=CaseEvent.Kind.TRANSFER_DECLINED,
           note=f"{transfer.to_centre} — {note}")
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    case, transfer = _locked_transfer(actor, transfer, side="from")
    _decide(actor, transfer, Transfer.Status.CANCELLED, "")
    _event(case, actor=actor, kind=CaseEvent.Kind.TRANSFER_CANCELLED,
           note=str(transfer.to_centre))
    return transfer


# --- appointments and confirmations ------------------------------------------------------

def check_appointment_slot(*, case: Case, worker, start, duration_minutes,
                           exclude_pk=None) -> None:
    """Refuse a slot the worker cannot take: not a worker of the case's centre, a duration
    out of bounds, a time in the past, or another booked appointment overlapping it. The
    worker's row is locked while their calendar is checked, so two receptions booking the
    same worker at once cannot both take the same time (call inside a transaction)."""
    from jisr.accounts.models import User

    if worker is None:
        raise ValidationFailed(fields={"worker": [_("Choose who will receive the person.")]})
    _check_worker(worker, case.lead_centre_id, field="worker")
    if not 10 <= int(duration_minutes) <= MAX_APPOINTMENT_MINUTES:
        raise ValidationFailed(fields={"duration_minutes": [_(
            "Between 10 minutes and 4 hours.")]})
    if start is None or timezone.is_naive(start) or start < timezone.now() - timedelta(
            minutes=5):
        raise ValidationFailed(fields={"start": [_("Choose a time to come.")]})
    User.objects.select_for_update().filter(pk=worker.pk).first()
    end = start + timedelta(minutes=int(duration_minutes))
    nearby = Appointment.objects.filter(
        worker=worker, status=Appointment.Status.BOOKED, start__lt=end,
        start__gt=start - timedelta(minutes=MAX_APPOINTMENT_MINUTES)).exclude(pk=exclude_pk)
    if any(a.end > start for a in nearby):
        raise Conflict(_("%(worker)s already has an appointment at this time: choose another "
                         "slot.") % {"worker": worker.display_name}, code="slot_taken")


@transaction.atomic
def appointment_book(*, actor, case: Case, worker, start, duration_minutes: int = 45,
                     purpose: str = Appointment.Purpose.LISTENING) -> Appointment:
    """Book an appointment (the listening interview, a follow-up…) in the centre's
    calendar (check_appointment_slot: never twice the same worker at the same time)."""
    policy.check_case_perm(actor, "cases.book", case)
    if case.is_closed:
        raise TransitionRefused(_("The case is closed."))
    if purpose not in Appointment.Purpose.values:
        raise ValidationFailed(fields={"purpose": [_("Choose a purpose from the list.")]})
    check_appointment_slot(case=case, worker=worker, start=start,
                           duration_minutes=duration_minutes)
    appointment = Appointment(case=case, centre_id=case.lead_centre_id, worker=worker,
                              start=start, duration_minutes=int(duration_minutes),
                              booked_by=actor, purpose=purpose)
    full_clean(appointment)
    appointment.save()
    listening = purpose == Appointment.Purpose.LISTENING
    when = f"{timezone.localtime(start):%Y-%m-%d %H:%M} — {worker.display_name}"
    _event(case, actor=actor, kind=CaseEvent.Kind.APPOINTMENT if listening
           else CaseEvent.Kind.APPOINTMENT_BOOKED,
           note=when if listening else f"{appointment.get_purpose_display()}: {when}")
    audit.record(actor=actor, action="cases.appointment.book", obj=appointment,
                 after=audit.snapshot(appointment, ("case", "centre", "worker", "start",
                                                    "duration_minutes", "purpose")))
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, reason: str = "") -> Appointment:
    policy.check_case_perm(actor, "cases.book", appointment.case)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise Conflict(_("This appointment is no longer booked."), code="already_done")
    before = audit.snapshot(appointment, ("status",))
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status"])
    audit.record(actor=actor, action="cases.appointment.cancel", obj=appointment,
                 before=before, after=audit.snapshot(appointment, ("status",)), reason=reason)
    return appointment


def confirmation_text(case: Case, appointment: Appointment | None) -> str:
    centre = case.lead_centre
    if appointment is None:
        return str(_("Jisr: your request is recorded at %(centre)s under the number "
                     "%(reference)s.") % {"centre": centre.name, "reference": case.reference})
    return str(_("Jisr: listening interview at %(centre)s on %(when)s. File %(reference)s.")
               % {"centre": centre.name, "reference": case.reference,
                  "when": f"{timezone.localtime(appointment.start):%Y-%m-%d %H:%M}"})


@transaction.atomic
def confirmation_queue_sms(*, actor, case: Case, appointment: Appointment | None = None):
    """Send the person an SMS confirmation (through the notifications app, once the
    transaction commits), in their language. It needs their consent to be contacted by
    SMS and a mobile phone."""
    from jisr.notifications.messages import language_for_person
    from jisr.notifications.models import Notification
    from jisr.notifications.services import notify

    policy.check_case_perm(actor, "cases.book", case)
    consent_check(case.person, Consent.Purpose.SMS_CONTACT)
    if not Phone.objects.filter(person=case.person, kind=Phone.Kind.MOBILE).exists():
        raise ValidationFailed(fields={"sms": [_("The person has no mobile phone recorded.")]})
    language = language_for_person(case.person)
    with translation.override(language):
        text = confirmation_text(case, appointment)
    notification = notify(
        event="cases.confirmation", key=f"{case.pk}:{appointment.pk if appointment else 0}",
        channel=Notification.Channel.SMS, template="notifications/messages/notice",
        context={"title": "", "text": text}, person=case.person, language=language,
        related=case, actor=actor)
    _event(case, actor=actor, kind=CaseEvent.Kind.CONFIRMATION, note=str(_("SMS sent")))
    return notification
