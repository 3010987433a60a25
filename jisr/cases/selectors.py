"""Reads of cases. Each takes the user and starts from the access policy (cases_for,
transfers_for, case_aggregate_centres_for); reading a restricted case is audited."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.accounts.roles import ScopeKind
from jisr.cases.models import Appointment, Case, CaseEvent, Stage, Transfer
from jisr.cases.questionnaires import Listening, Questionnaire, QuestionnaireVersion
from jisr.cases.services import LISTENING_ROLES
from jisr.core import audit
from jisr.core.dbfunctions import EpochSeconds
from jisr.core.queries import named
from jisr.notifications.models import Notification
from jisr.registry.models import Person
from jisr.territory.models import BilingualName

USER_NAME = User.DISPLAY_NAME_FIELDS
NAMES = BilingualName.NAME_FIELDS

# Aggregates below this count are shown as "fewer than" (small-cell suppression).
SMALL_CELL = 5


def case_list(*, user, stage: str = "", mine: bool = False, person=None) -> QuerySet[Case]:
    qs = policy.cases_for(user)
    if stage:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(assigned_to=user)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("-opened_at", "-pk")


def case_lines(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases as a list shows them: of the person and the assigned worker, their names."""
    return named(qs.select_related(None), {"person": Person.DISPLAY_NAME_FIELDS,
                                           "assigned_to": USER_NAME})


def _read(user, case: Case) -> Case:
    if case.restricted:
        audit.record_read(actor=user, obj=case, action="cases.case.read_restricted")
    return case


def case_get_for_user(*, user, case_id) -> Case:
    return _read(user, policy.get_or_404(policy.cases_for(user), pk=case_id))


def _sms_sent() -> Prefetch:
    """The SMS sent to the person about the case (``case.notifications``): the case's
    other notifications, a worker's in-app reminder of a follow-up, are not the person's."""
    return Prefetch("notifications", queryset=Notification.objects.filter(
        channel=Notification.Channel.SMS))


def case_detail(*, user, case_id) -> Case:
    """One case with what its page shows, in a fixed number of queries: of the workers
    and centres it names, the names only (``core.queries.named``)."""
    qs = named(policy.cases_for(user), {
        "household": (), "opened_by": USER_NAME, "assigned_to": USER_NAME,
        "lead_centre": (*NAMES, "code"), "person": Person.DISPLAY_NAME_FIELDS}).prefetch_related(
        Prefetch("events", queryset=named(CaseEvent.objects.all(), {
            "actor": USER_NAME, "centre": (*NAMES, "code")})),
        Prefetch("appointments", queryset=named(Appointment.objects.all(), {
            "worker": USER_NAME, "centre": ("code",)})),
        _sms_sent())
    return _read(user, policy.get_or_404(qs, pk=case_id))


def case_confirmation(*, user, case_id) -> Case:
    """One case with what the paper the person takes home shows: its centre's address and
    phone, the appointments with their workers, the SMS sent."""
    qs = policy.cases_for(user).select_related("lead_centre__commune").prefetch_related(
        Prefetch("appointments", queryset=named(Appointment.objects.all(), {
            "worker": USER_NAME})), _sms_sent())
    return _read(user, policy.get_or_404(qs, pk=case_id))


def pending_transfer(case: Case) -> Transfer | None:
    """The transfer of a case (one the user reads) proposed and not yet answered, with the
    name of the centre it is proposed to: the case page's one line about transfers."""
    return case.transfers.filter(status=Transfer.Status.PROPOSED).select_related(
        "to_centre").only("pk", "case_id", "status", "to_centre__name_ar",
                          "to_centre__name_fr").order_by("-pk").first()


def transfer_get_for_user(*, user, transfer_id) -> Transfer:
    return policy.get_or_404(policy.transfers_for(user), pk=transfer_id)


def transfers_waiting(*, user) -> QuerySet[Transfer]:
    """Proposals addressed to the user's centre, waiting for its answer."""
    if user.scope_kind != ScopeKind.CENTRE:
        return Transfer.objects.none()
    return policy.transfers_for(user).filter(to_centre_id=user.centre_id,
                                             status=Transfer.Status.PROPOSED)


def listening_workers(*, centre_id) -> QuerySet:
    from jisr.accounts.models import User

    return User.objects.filter(centre_id=centre_id, is_active=True,
                               role__in=LISTENING_ROLES).order_by("last_name", "first_name")


def appointment_list(*, user, day=None) -> QuerySet[Appointment]:
    """Booked appointments of the user's centre for the cases the user sees."""
    qs = policy.of_cases_for(Appointment.objects.filter(
        status=Appointment.Status.BOOKED).select_related("case__person", "worker"), user)
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time.min))
        qs = qs.filter(start__gte=start, start__lt=start + timedelta(days=1))
    return qs.order_by("start")


@dataclass
class Slot:
    worker: object
    start: datetime

    @property
    def value(self) -> str:
        return f"{self.worker.pk}|{timezone.localtime(self.start):%Y-%m-%dT%H:%M}"

    @property
    def label(self) -> str:
        return f"{timezone.localtime(self.start):%Y-%m-%d %H:%M} — {self.worker.display_name}"


def free_slots(*, centre_id, days: int = 5, per_worker: int = 6, minutes: int = 45,
               now: datetime | None = None, worker=None, per_time: int = 4,
               limit: int = 60) -> list[Slot]:
    """Next free listening slots of the centre's workers (working days, 9:00 to 16:00),
    the earliest first: what reception offers the person at the desk. A large centre
    offers at most ``per_time`` workers at one time and ``limit`` slots in all, so that
    the choice spans days rather than listing every colleague free tomorrow at 9:00;
    ``worker`` gives that worker's own slots.

    The choice is that of listing every worker's first ``per_worker`` free slots and taking
    them by time (then worker), ``per_time`` at a time. It is made day by day, reading one
    day's appointments at a time, and stops once ``limit`` slots are found: at a centre of
    five hundred workers with full calendars, the first day decides, where the whole window
    is ten thousand appointments."""
    from jisr.accounts.models import User

    now = timezone.localtime(now or timezone.now())
    staff = listening_workers(centre_id=centre_id)
    if worker is not None:
        staff = staff.filter(pk=worker.pk)
    choice = _SlotChoice(sorted(staff.values_list("pk", flat=True)), staff.values("pk"),
                         timedelta(minutes=minutes), per_worker, per_time, limit)
    day = now.date()
    for _d in range(days * 2):
        if choice.done:
            break
        if day.weekday() < 5:
            times = [start for hour_minutes in range(9 * 60, 16 * 60, minutes)
                     if (start := timezone.make_aware(datetime.combine(day, time(
                         hour_minutes // 60, hour_minutes % 60)))) > now]
            choice.add_day(times)
        day += timedelta(days=1)
    names = User.objects.only("pk", *User.DISPLAY_NAME_FIELDS).in_bulk(
        {worker_id for worker_id, _start in choice.offered})
    return [Slot(names[worker_id], start) for worker_id, start in choice.offered]


@dataclass
class _SlotChoice:
    """free_slots' choice, carried from one day to the next."""

    worker_ids: list[int]
    staff: QuerySet
    step: timedelta
    per_worker: int
    per_time: int
    limit: int
    offered: list[tuple[int, datetime]] = field(default_factory=list)
    found: dict[int, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return len(self.offered) >= self.limit or not self.worker_ids or all(
            self.found.get(w, 0) >= self.per_worker for w in self.worker_ids)

    def add_day(self, times: list[datetime]) -> None:
        """The day's slots (``times``, in order), from the appointments that can overlap them
        (those starting up to four hours before: working hours end before midnight)."""
        if not times:
            return
        stamps = [t.timestamp() for t in times]
        width = self.step.total_seconds()
        taken = set()  # (worker, slot) pairs an appointment overlaps
        for worker_id, begin, duration in Appointment.objects.filter(
                worker__in=self.staff, status=Appointment.Status.BOOKED,
                start__gte=times[0] - timedelta(hours=4),
                start__lt=times[-1] + self.step).values_list(
                "worker_id", EpochSeconds("start"), "duration_minutes"):
            for i in range(bisect_right(stamps, begin - width),
                           bisect_left(stamps, begin + duration * 60)):
                taken.add((worker_id, i))
        # Time by time, every worker in turn: each worker's first ``per_worker`` free slots
        # are the candidates, at most ``per_time`` of them offered at one time.
        found, per_worker = self.found, self.per_worker
        for i, start in enumerate(times):
            at_time = 0
            for worker_id in self.worker_ids:
                if found.get(worker_id, 0) >= per_worker or (worker_id, i) in taken:
                    continue
                found[worker_id] = found.get(worker_id, 0) + 1
                if at_time < self.per_time:
                    at_time += 1
                    self.offered.append((worker_id, start))
                    if len(self.offered) >= self.limit:
                        return


def case_counts(*, user) -> list[dict]:
    """Open cases by centre and stage for the user's territory; counts below SMALL_CELL are
    given as None (shown "fewer than 5"), so no count points at a person."""
    centres = policy.case_aggregate_centres_for(user)
    stages = [s for s in Stage.values if s != Stage.CLOSED]
    rows = centres.order_by("commune__province__code", "code")
    counts = {(r["lead_centre_id"], r["stage"]): r["n"] for r in Case.objects.filter(
        lead_centre__in=centres.values("pk"), stage__in=stages).values(
        "lead_centre_id", "stage").annotate(n=Count("pk"))}
    table = []
    for centre in rows[:200]:
        cells = [counts.get((centre.pk, s), 0) for s in stages]
        table.append({"centre": centre, "cells": [
            c if c == 0 or c >= SMALL_CELL else None for c in cells]})
    return table


def questionnaire_list(*, user) -> QuerySet[Questionnaire]:
    policy.check_perm(user, "cases.manage_questionnaires")
    return Questionnaire.objects.prefetch_related(Prefetch(
        "versions", queryset=QuestionnaireVersion.objects.order_by("-number")))


def version_get(*, user, version_id) -> QuestionnaireVersion:
    """A version for the builder (administrators) or for reading a questionnaire (anyone
    who listens)."""
    if not (policy.has_perm(user, "cases.manage_questionnaires")
            or policy.has_perm(user, "cases.listen")):
        policy.check_perm(user, "cases.manage_questionnaires")
    return policy.get_or_404(QuestionnaireVersion.objects.select_related("questionnaire"),
                             pk=version_id)


# --- listening interviews, with their restricted sections -----------------------------------

def _read_restricted_codes(version_id: int) -> dict[str, str]:
    """Codes of the questions in the version's restricted sections, with the category
    (read from the database: :func:`version_restricted_codes` is the one to call)."""
    from jisr.cases.questionnaires import Question

    return dict(Question.objects.filter(version_id=version_id, section__restricted=True)
                .values_list("code", "section__restriction_category"))


@lru_cache(maxsize=256)
def _published_restricted_codes(version_id: int, published_at: datetime
                                ) -> Mapping[str, str]:
    # Read-only: every later reader in the process is given this same mapping, and a code
    # taken out of it would show that question's answers to whoever reads next.
    return MappingProxyType(_read_restricted_codes(version_id))


def version_restricted_codes(version: QuestionnaireVersion) -> Mapping[str, str]:
    """Codes of the questions in the version's restricted sections, with the category,
    for every reader of an interview (its page, its preview, the checks of its answers).
    A published version never changes (builder.py), so its codes are read once per
    process, keyed by the version and its publication time, and shared read-only; a
    draft's are read each time."""
    if version.status == QuestionnaireVersion.Status.DRAFT or version.published_at is None:
        return _read_restricted_codes(version.pk)
    return _published_restricted_codes(version.pk, version.published_at)


def without_restricted(result: dict, hidden) -> dict:
    """The needs and score with the points of hidden questions taken out: their lines are
    not itemised, and the domains and total count only what remains (a partial score)."""
    domains = []
    for domain in result.get("domains", []):
        lines = [line for line in domain["lines"] if line.get("question") not in hidden]
        if lines:
            domains.append({**domain, "lines": lines,
                            "points": sum(line["points"] for line in lines)})
    return {"total": max(0, sum(d["points"] for d in domains)) if result else 0,
            "domains": domains}


def listening_for_reader(*, user, listening: Listening, audit_read: bool = True,
                         hidden: Mapping[str, str] | None = None) -> Listening:
    """The interview as this user may read it: a copy (never saved) whose ``answers``,
    ``result`` and ``score`` leave out the restricted sections unless the user is the case's
    assigned worker or the centre's manager (``policy.can_read_restricted_sections``). Then
    ``partial`` is True and ``restricted_sections`` names what is kept out — whether or not
    those sections were answered, so nothing is told by it. A reading of restricted answers
    is audited (``cases.listening.read_restricted``)."""
    import copy

    if hidden is None:
        hidden = version_restricted_codes(listening.version)
    shown = copy.copy(listening)
    allowed = policy.can_read_restricted_sections(user, listening.case)
    shown.partial = bool(hidden) and not allowed
    shown.restricted_sections = sorted(set(hidden.values()))
    shown.hidden_codes = set() if allowed else set(hidden)
    if hidden and allowed and audit_read:
        audit.record_read(actor=user, obj=listening, action="cases.listening.read_restricted")
    if shown.partial:
        shown.answers = {code: value for code, value in (listening.answers or {}).items()
                         if code not in hidden}
        shown.result = without_restricted(listening.result or {}, hidden) \
            if listening.result else {}
        if listening.score is not None:
            shown.score = shown.result.get("total", 0)
    return shown


def listening_list(*, user, case: Case) -> list[Listening]:
    """Every listening interview of a case (a case the user sees), the latest first, as the
    user may read them; nothing is audited (only totals show)."""
    listenings = list(named(case.listenings.all(), {
        "version": ("number", "questionnaire", "status", "published_at"),
        "version__questionnaire": NAMES,
        "started_by": USER_NAME, "completed_by": USER_NAME}).order_by("-started_at", "-pk"))
    codes: dict[int, Mapping[str, str]] = {}
    for x in listenings:  # one query per questionnaire version, not per interview
        if x.version_id not in codes:
            codes[x.version_id] = version_restricted_codes(x.version)
    return [listening_for_reader(user=user, listening=x, audit_read=False,
                                 hidden=codes[x.version_id]) for x in listenings]
