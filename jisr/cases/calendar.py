"""The appointments calendar: rescheduling, no-shows, cancelling, the day-before SMS
reminders, and the calendar grid's reads (docs/appointments.md).

Booking is services.appointment_book (any purpose). Every write here locks the appointment
row, checks the case through the access policy (``cases.book``), writes one line of the
case's timeline and one audit entry. A worker is never booked twice at the same time:
rescheduling goes through the same check as booking (services.check_appointment_slot).

Reminders: a periodic job (tasks.send_appointment_reminders) finds the booked appointments
starting *tomorrow* — the Africa/Casablanca day, the calendar's — and sends the person one
SMS each through notifications.notify, which checks their consent to SMS contact. The key of
the notification is the appointment and its start time, so running the job twice sends
nothing more, while a rescheduled appointment is reminded of its new time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.cases.casework import AppointmentChange
from jisr.cases.models import Appointment, CaseEvent, Stage
from jisr.cases.services import _event, check_appointment_slot
from jisr.core import audit
from jisr.core.exceptions import Conflict, ValidationFailed

REMINDER_EVENT = "cases.appointment_reminder"
# Hours shown by the calendar grid (a slot outside them is shown in the first or last row).
FIRST_HOUR, LAST_HOUR = 8, 18


def _locked(actor, appointment: Appointment) -> Appointment:
    policy.check_case_perm(actor, "cases.book", appointment.case)
    locked = Appointment.objects.select_for_update().select_related(
        "case", "worker", "centre").get(pk=appointment.pk)
    if locked.status != Appointment.Status.BOOKED:
        raise Conflict(_("This appointment is no longer booked."), code="already_done")
    return locked


@transaction.atomic
def appointment_reschedule(*, actor, appointment: Appointment, start, worker=None,
                           duration_minutes: int | None = None,
                           reason: str = "") -> Appointment:
    """Move a booked appointment to another time and/or worker of the centre; the former
    time and worker stay in its history (AppointmentChange)."""
    appointment = _locked(actor, appointment)
    worker = worker or appointment.worker
    duration = int(duration_minutes or appointment.duration_minutes)
    if start == appointment.start and worker.pk == appointment.worker_id \
            and duration == appointment.duration_minutes:
        raise ValidationFailed(fields={"start": [_(
            "Choose another time or another worker.")]})
    check_appointment_slot(case=appointment.case, worker=worker, start=start,
                           duration_minutes=duration, exclude_pk=appointment.pk)
    before = audit.snapshot(appointment, ("worker", "start", "duration_minutes"))
    change = AppointmentChange(appointment=appointment, from_start=appointment.start,
                               to_start=start, from_worker=appointment.worker,
                               to_worker=worker, reason=(reason or "")[:2000],
                               changed_by=actor)
    change.full_clean()
    change.save()
    appointment.start, appointment.worker, appointment.duration_minutes = start, worker, \
        duration
    appointment.save(update_fields=["start", "worker", "duration_minutes"])
    _event(appointment.case, actor=actor, kind=CaseEvent.Kind.APPOINTMENT_RESCHEDULED,
           note=f"{timezone.localtime(change.from_start):%Y-%m-%d %H:%M} → "
                f"{timezone.localtime(start):%Y-%m-%d %H:%M} — {worker.display_name}"
                + (f" ({reason})" if reason else ""))
    audit.record(actor=actor, action="cases.appointment.reschedule", obj=appointment,
                 before=before, after=audit.snapshot(appointment, (
                     "worker", "start", "duration_minutes")), reason=reason)
    return appointment


@transaction.atomic
def appointment_mark_no_show(*, actor, appointment: Appointment, note: str = ""
                             ) -> Appointment:
    """The person did not come: only once the appointment's time has begun."""
    appointment = _locked(actor, appointment)
    if appointment.start > timezone.now():
        raise ValidationFailed(_("The appointment has not begun yet."), fields={
            "appointment": [_("A person can be marked absent only once the time has come.")]})
    before = audit.snapshot(appointment, ("status",))
    appointment.status = Appointment.Status.NO_SHOW
    appointment.save(update_fields=["status"])
    _event(appointment.case, actor=actor, kind=CaseEvent.Kind.APPOINTMENT_NO_SHOW,
           note=f"{timezone.localtime(appointment.start):%Y-%m-%d %H:%M} — "
                f"{appointment.worker.display_name}" + (f" ({note})" if note else ""))
    audit.record(actor=actor, action="cases.appointment.no_show", obj=appointment,
                 before=before, after=audit.snapshot(appointment, ("status",)), reason=note)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel a booked appointment (services.appointment_cancel) with its timeline line."""
    from jisr.cases import services

    appointment = services.appointment_cancel(actor=actor, appointment=appointment,
                                              reason=reason)
    _event(appointment.case, actor=actor, kind=CaseEvent.Kind.APPOINTMENT_CANCELLED,
           note=f"{timezone.localtime(appointment.start):%Y-%m-%d %H:%M}"
                + (f" ({reason})" if reason else ""))
    return appointment


# --- reminders ---------------------------------------------------------------------------

def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def reminders_due(*, now: datetime | None = None):
    """Booked appointments of open cases starting tomorrow (the centre's day) not yet
    reminded of their current start time, of persons who can be reminded: with a phone and
    an active consent to SMS contact. The others are left out here rather than each asked
    (and refused) on every hourly run: a day's appointments of a national network are
    tens of thousands; a consent given during the day brings the appointment in at the
    next run."""
    from django.db.models import Exists, OuterRef

    from jisr.core.dbfunctions import not_reminded_of
    from jisr.registry.models import Consent, Phone

    tomorrow = timezone.localdate(now or timezone.now()) + timedelta(days=1)
    start, end = _day_bounds(tomorrow)
    person = OuterRef("case__person_id")
    return Appointment.objects.filter(
        status=Appointment.Status.BOOKED, start__gte=start, start__lt=end).exclude(
        case__stage=Stage.CLOSED).filter(
        not_reminded_of("reminded_for", "start")).filter(
        Exists(Phone.objects.filter(person_id=person)),
        Exists(Consent.objects.filter(person_id=person, purpose=Consent.Purpose.SMS_CONTACT,
                                      withdrawn_at=None))).select_related(
        "case__person", "centre", "worker").order_by("start", "pk")


def reminder_key(appointment: Appointment) -> str:
    return f"{appointment.pk}:{appointment.start.isoformat()}"


def appointment_remind(*, appointment: Appointment):
    """One reminder SMS for one appointment (none without the person's consent to SMS
    contact or a phone); safe to call twice. Returns the notification or None."""
    from jisr.notifications.models import Notification
    from jisr.notifications.services import notify

    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().select_related(
            "case__person", "centre", "worker").get(pk=appointment.pk)
        if appointment.status != Appointment.Status.BOOKED \
                or appointment.reminded_for == appointment.start:
            return None
        person = appointment.case.person
        if not person.phones.exists():
            return None
        notification = notify(
            event=REMINDER_EVENT, key=reminder_key(appointment),
            channel=Notification.Channel.SMS,
            template="notifications/messages/appointment_reminder",
            context={"centre": appointment.centre, "reference": appointment.case.reference,
                     "starts_at": timezone.localtime(appointment.start)},
            person=person, related=appointment.case)
        if notification is None:  # no consent: asked again at the next run
            return None
        appointment.reminded_for = appointment.start
        appointment.save(update_fields=["reminded_for"])
        _event(appointment.case, actor=None, kind=CaseEvent.Kind.APPOINTMENT_REMINDER,
               note=f"{timezone.localtime(appointment.start):%Y-%m-%d %H:%M} — "
                    f"{_('SMS')} {notification.address}")
        return notification


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every person of tomorrow's appointment (the periodic job); returns how many
    reminders were queued. One audit entry with the count."""
    sent = 0
    for appointment in list(reminders_due(now=now)):
        if appointment_remind(appointment=appointment) is not None:
            sent += 1
    if sent:
        audit.record_bulk(actor=None, action="cases.appointment.remind",
                          object_type="cases.appointment", count=sent)
    return sent


# --- the calendar grid -------------------------------------------------------------------

@dataclass
class CalendarDay:
    day: date
    rows: list = field(default_factory=list)  # [(hour, [appointments])]
    count: int = 0


@dataclass
class Calendar:
    view: str
    day: date
    start: date
    days: list[CalendarDay]
    hours: list[int]
    workers: list
    worker: object | None
    appointments: list
    rows: list = field(default_factory=list)  # [(hour, [[appointments] per day])]

    @property
    def end(self) -> date:
        return self.days[-1].day

    @property
    def previous(self) -> date:
        return self.day - timedelta(days=7 if self.view == "week" else 1)

    @property
    def next(self) -> date:
        return self.day + timedelta(days=7 if self.view == "week" else 1)


def calendar_for(*, user, view: str = "week", day: date | None = None, worker_id=None
                 ) -> Calendar:
    """The user's centre's calendar for a day or the week (Monday to Sunday) holding it,
    optionally one worker's: the booked, held and missed appointments (not the cancelled),
    each marked ``visible`` when the user sees its case (otherwise shown only as taken)."""
    from jisr.cases.selectors import listening_workers

    view = view if view in ("day", "week") else "week"
    day = day or timezone.localdate()
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    count = 7 if view == "week" else 1
    start, _end = _day_bounds(first)
    end = _day_bounds(first + timedelta(days=count - 1))[1]
    workers = list(listening_workers(centre_id=user.centre_id)) if user.centre_id else []
    worker = next((w for w in workers if str(w.pk) == str(worker_id)), None)
    qs = policy.appointments_for(user).filter(start__gte=start, start__lt=end).exclude(
        status=Appointment.Status.CANCELLED)
    if worker is not None:
        qs = qs.filter(worker=worker)
    appointments = list(qs.order_by("start", "pk"))
    visible = set(policy.cases_for(user).filter(
        pk__in={a.case_id for a in appointments}).values_list("pk", flat=True)) \
        if appointments else set()
    hours = list(range(FIRST_HOUR, LAST_HOUR + 1))
    days = [CalendarDay(first + timedelta(days=i)) for i in range(count)]
    by_day = {d.day: {h: [] for h in hours} for d in days}
    for a in appointments:
        a.visible = a.case_id in visible
        local = timezone.localtime(a.start)
        hour = min(max(local.hour, FIRST_HOUR), LAST_HOUR)
        by_day[local.date()][hour].append(a)
    for d in days:
        d.rows = list(by_day[d.day].items())
        d.count = sum(len(x) for x in by_day[d.day].values())
    rows = [(h, [by_day[d.day][h] for d in days]) for h in hours]
    return Calendar(view=view, day=day, start=first, days=days, hours=hours,
                    workers=workers, worker=worker, appointments=appointments, rows=rows)


def appointment_get_for_user(*, user, appointment_id) -> Appointment:
    """An appointment of a case the user sees (to act on it or print its card)."""
    return policy.get_or_404(policy.of_cases_for(policy.appointments_for(user), user),
                             pk=appointment_id)
