"""Demo cases at national scale: rows generated here and loaded with PostgreSQL ``COPY``.

``jisr demo --cases N`` makes its cases through the services (demo.py, about 0.2 s a case);
from :data:`demo.BULK_FROM` missing cases it comes here instead. The rows are what the
services would have written, without calling them: cases at every stage (demo.TARGETS'
distribution) at the centres that have staff and registered persons, each for a person
registered at that centre with no case yet, spread over the last two years; their timeline
(opened, each stage change, closed), referrals to offerings of the centre or of partners of
its region with statuses and due dates that fit the stage, pathway plans copied from the
shipped templates' steps, the listening appointment of received cases, a scheduled
follow-up for cases in follow-up, the centre's follow of the person and the person's consent
to the follow-up of their case. One transaction and one audit entry (demo.AUDIT_ACTION, with
the count), like registry/demo.py whose writer it uses (ids reserved from the sequences,
``COPY`` on PostgreSQL, plain inserts on SQLite).

The work is shared as in a real centre: each centre that gets cases first gets the social
workers it needs for about :data:`CASELOAD` open cases each, and a reception officer for
every :data:`WORKERS_PER_RECEPTION` of them (created in bulk, one ``accounts.demo.staff``
audit entry); referrals settle (only oriented cases and recent ones in a pathway still have
open referrals); and a service's capacity holds: the open referrals holding its places never
outnumber them, the others wait on its list, oldest first, as referral_services.py queues
them.

Not written: listening answers, notes, documents, per-row audit entries (the audit entry
of the load stands for them).
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.cases.referral_services import REMIND_BEFORE
from jisr.core import audit

CHUNK = 5_000  # persons handled (queried, generated, written) at a time

CASE_FIELDS = ("id", "person", "household", "lead_centre", "channel", "request", "urgency",
               "assigned_to", "restricted", "restriction_category", "stage",
               "stage_before_close", "close_reason", "close_note", "satisfaction",
               "opened_at", "opened_by", "stage_changed_at", "closed_at")
EVENT_FIELDS = ("case", "at", "actor", "kind", "from_stage", "to_stage", "centre", "note")
REFERRAL_FIELDS = ("case", "offering", "from_centre", "status", "shared", "shared_request",
                   "shared_needs", "note", "referred_by", "created_at", "sent_at", "due_at",
                   "answered_by", "answered_at", "decline_reason", "outcome_by",
                   "outcome_at", "outcome_note", "reminded_at", "overdue_at",
                   "withdraw_reason", "delivery_due_at", "delivery_overdue_at",
                   "delivery_reminded_at")
PLAN_FIELDS = ("id", "case", "template", "name_ar", "name_fr", "status", "started_on",
               "created_at", "created_by", "outcome", "outcome_note", "finished_at",
               "finished_by")
STEP_COPY = ("order", "name_ar", "name_fr", "service", "owner_role", "duration_days",
             "outcome_label_ar", "outcome_label_fr", "outcome_choices")
STEP_FIELDS = ("plan", *STEP_COPY, "owner", "due_date", "status", "outcome", "outcome_note",
               "completed_at", "completed_by", "overdue_reminded_for")
APPOINTMENT_FIELDS = ("case", "centre", "worker", "start", "duration_minutes", "status",
                      "booked_by", "booked_at", "purpose", "reminded_for")
FOLLOW_UP_FIELDS = ("case", "plan", "kind", "due_date", "worker", "purpose", "status", "note",
                    "scheduled_by", "scheduled_at", "recorded_by", "recorded_at")
CONSENT_FIELDS = ("person", "purpose", "method", "witness_name", "given_at", "recorded_by",
                  "centre", "withdrawn_at", "withdrawn_by")
FOLLOW_FIELDS = ("person", "centre", "since", "until")

ORDER = ["received", "listened", "oriented", "in_pathway", "follow_up", "closed"]
# Days a case waits at a stage before the next one (low, high).
WAIT = {"received": (0, 12), "listened": (1, 20), "oriented": (3, 30),
        "in_pathway": (30, 200), "follow_up": (10, 90)}

# Open cases a social worker carries: about 100 to 150 in real centres. A centre gets the
# workers its open cases need, the demo's named worker (youssef) included and no fuller.
CASELOAD = 130
WORKERS_PER_RECEPTION = 4  # a reception officer for about this many social workers
# A waiting list holds at most this many times the service's places: beyond, the worker
# refers to another service with a free place, or the service declines (NO_PLACE).
QUEUE_FACTOR = 2
# The persona of each role at the demo's own centre, who takes its cases first.
PERSONAS = {Role.SOCIAL_WORKER: "youssef", Role.RECEPTION_OFFICER: "amina"}
# Days a service takes once it has accepted someone (a course, a grant, equipment).
SERVICE_DAYS = (7, 90)
DECLINE_REASONS = ["Pas de place avant plusieurs mois",
                   "La personne ne remplit pas les conditions d'accès au service",
                   "Le service ne correspond pas à la situation de la personne"]
SHARED = {True: json.dumps(["request"]), False: "[]"}  # the column, encoded once
NO_PLACE = "Pas de place : la liste d'attente du service est complète"
NOT_DELIVERED = ["La personne ne s'est pas présentée aux rendez-vous",
                 "La personne a déménagé avant le début du service"]
WITHDRAWN = ["La personne a trouvé une solution par elle-même",
             "La personne ne souhaite plus ce service",
             "Orientée vers un service plus proche de chez elle"]


def stage_plan(count: int, rng: random.Random) -> list[str]:
    """``count`` target stages in demo.TARGETS' proportions (largest remainders), shuffled."""
    from jisr.cases.demo import TARGETS

    total = sum(w for _t, w in TARGETS)
    exact = [(t, count * w / total) for t, w in TARGETS]
    counts = {t: int(x) for t, x in exact}
    rest = count - sum(counts.values())
    for t, _x in sorted(exact, key=lambda item: int(item[1]) - item[1])[:rest]:
        counts[t] += 1
    out = [t for t, _w in TARGETS for _i in range(counts[t])]
    rng.shuffle(out)
    return out


def _staffed(centre_ids) -> set[int]:
    """The centres with a manager, a social worker and a reception officer."""
    from jisr.accounts.models import User

    roles = (Role.CENTRE_MANAGER, Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER)
    counts = (User.objects.filter(centre_id__in=centre_ids, role__in=roles, is_active=True)
              .values("centre_id").annotate(n=Count("role", distinct=True)))
    return {row["centre_id"] for row in counts if row["n"] == len(roles)}


def _centres(missing: int) -> list[tuple[int, list[int]]]:
    """(centre id, person ids) sharing ``missing`` cases over the centres with staff and
    registered persons without a case, the personas' centre first."""
    from jisr.accounts.models import User
    from jisr.network.models import Centre
    from jisr.registry.models import Person

    jisr = Centre.objects.filter(kind=Centre.Kind.JISR).values_list("pk", flat=True)
    staffed = _staffed(list(jisr))
    free = (Person.objects.filter(merged_into=None, registered_at__in=list(staffed))
            .exclude(cases__isnull=False))
    sizes = dict(free.values_list("registered_at").annotate(n=Count("pk")))
    ids = sorted(sizes, key=lambda c: sizes[c])  # smallest first: the rest go to the larger
    out, left = [], missing
    for index, centre_id in enumerate(ids):
        take = min(sizes[centre_id], -(-left // (len(ids) - index)))
        if take <= 0:
            continue
        persons = list(free.filter(registered_at=centre_id).order_by("pk")
                       .values_list("pk", flat=True)[:take])
        out.append((centre_id, persons))
        left -= len(persons)
    first = User.objects.filter(username="khadija").values_list("centre_id", flat=True).first()
    out.sort(key=lambda row: row[0] != first)
    return out


class _Team:
    """The social workers and reception officers of a centre who take its new cases: an
    open case goes to the worker with the fewest open cases (at random among equals), so
    the caseloads even out below CASELOAD; a closed one to any of them."""

    def __init__(self, rng: random.Random, workers: list[int], loads: dict[int, int],
                 receptions: list[int]) -> None:
        self.rng = rng
        self.workers = workers
        self.receptions = receptions
        self.heap = [(loads.get(w, 0), rng.random(), w) for w in workers]
        heapq.heapify(self.heap)

    def worker(self, *, open_case: bool) -> int:
        if not open_case:
            return self.rng.choice(self.workers)
        load, _tie, worker = self.heap[0]
        heapq.heapreplace(self.heap, (load + 1, self.rng.random(), worker))
        return worker

    def reception(self) -> int:
        return self.rng.choice(self.receptions)


def _teams(open_cases: dict[int, int], rng: random.Random) -> tuple[dict[int, _Team], int]:
    """A team for each centre, ``open_cases`` being the open cases it is about to get:
    its workers in order (the persona first, then the oldest accounts) as far as their room
    under CASELOAD covers them, and new ones (``<centre code>.social-2``…) for the rest; a
    reception officer for every WORKERS_PER_RECEPTION workers (``.reception-2``…). Returns
    the teams and how many accounts were created."""
    from django.contrib.auth.hashers import make_password

    from jisr.accounts import demo as accounts_demo
    from jisr.accounts.models import User
    from jisr.cases.models import Case
    from jisr.network.models import Centre

    ids = list(open_cases)
    roles = (Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER)
    staff: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = (User.objects.filter(centre_id__in=ids, role__in=roles, is_active=True)
            .values_list("pk", "username", "centre_id", "role"))
    for pk, _username, centre_id, role in sorted(
            rows, key=lambda r: (r[1] != PERSONAS.get(r[3]), r[0])):
        staff[centre_id][role].append(pk)
    loads = dict(Case.objects.filter(assigned_to__centre_id__in=ids,
                                     assigned_to__role=Role.SOCIAL_WORKER)
                 .exclude(stage="closed").values_list("assigned_to")
                 .annotate(n=Count("pk")).order_by())
    taken = set(User.objects.filter(centre_id__in=ids).values_list("username", flat=True))
    codes = dict(Centre.objects.filter(pk__in=ids).values_list("pk", "code"))
    wanted: list[tuple[int, str, str]] = []  # (centre, role, username) to create
    teams: dict[int, tuple[list[int], list[int]]] = {}

    def names(centre_id: int, role: str, count: int) -> None:
        prefix = f"{codes[centre_id].lower()}.{role.split('_')[0]}"
        number = 2
        while count:
            username = f"{prefix}-{number}"
            number += 1
            if username not in taken:
                taken.add(username)
                wanted.append((centre_id, role, username))
                count -= 1

    for centre_id in ids:
        workers, room, need = [], 0, open_cases[centre_id]
        for pk in staff[centre_id][Role.SOCIAL_WORKER]:
            if workers and room >= need:
                break
            workers.append(pk)
            room += max(0, CASELOAD - loads.get(pk, 0))
        more = math.ceil(max(0, need - room) / CASELOAD)
        names(centre_id, Role.SOCIAL_WORKER, more)
        desks = max(1, math.ceil((len(workers) + more) / WORKERS_PER_RECEPTION))
        receptions = staff[centre_id][Role.RECEPTION_OFFICER][:desks]
        names(centre_id, Role.RECEPTION_OFFICER, desks - len(receptions))
        teams[centre_id] = (workers, receptions)
    new = []
    if wanted:
        hashed = make_password(accounts_demo.password())  # one hash: hashing is slow
        for centre_id, role, username in wanted:
            first, last, name_ar = accounts_demo._name(rng)
            user = User(username=username, role=role, first_name=first, last_name=last,
                        full_name_ar=name_ar, email=f"{username}@demo.jisr.ma",
                        password=hashed, centre_id=centre_id)
            # The usernames were checked free above, in this transaction.
            user.full_clean(exclude=["password"], validate_unique=False)
            new.append(user)
        User.objects.bulk_create(new)
        audit.record_bulk(actor=None, action="accounts.demo.staff",
                          object_type="accounts.user", count=len(new),
                          reason=f"social workers and reception officers for the demo "
                                 f"cases, {CASELOAD} open cases a worker")
    created: dict[tuple[int, str], list[int]] = defaultdict(list)
    for user in new:
        created[user.centre_id, user.role].append(user.pk)
    return {centre_id: _Team(rng, workers + created[centre_id, Role.SOCIAL_WORKER], loads,
                             receptions + created[centre_id, Role.RECEPTION_OFFICER])
            for centre_id, (workers, receptions) in teams.items()}, len(new)


def _offerings(centre_id: int) -> list[dict]:
    """Active offerings of the centre and of partners of its region, with who answers."""
    from jisr.accounts.models import User
    from jisr.network.models import Centre, ServiceOffering

    centre = Centre.objects.select_related("commune__province").get(pk=centre_id)
    active = ServiceOffering.objects.filter(status=ServiceOffering.Status.ACTIVE)
    fields = ("pk", "centre_id", "partner_id", "response_days", "delivery_days", "capacity")
    rows = list(active.filter(centre_id=centre_id).values(*fields)[:4])
    rows += list(active.filter(partner__region_id=centre.commune.province.region_id)
                 .values(*fields)[:6])
    for row in rows:
        users = User.objects.filter(is_active=True)
        if row["partner_id"]:
            users = users.filter(partner_id=row["partner_id"], role=Role.PARTNER_AGENT)
        else:
            users = users.filter(centre_id=row["centre_id"], role=Role.CENTRE_MANAGER)
        row["receiver"] = users.order_by("-username").values_list("pk", flat=True).first()
    return rows


def _templates() -> list[tuple]:
    from jisr.cases.demo import TEMPLATES
    from jisr.cases.pathways import PathwayTemplate

    out = []
    for template in (PathwayTemplate.objects.filter(code__in=TEMPLATES,
                                                    status=PathwayTemplate.Status.PUBLISHED)
                     .prefetch_related("steps").order_by("code")):
        steps = [{name: getattr(step, name if name != "service" else "service_id")
                  for name in STEP_COPY} for step in template.steps.all()]
        for step in steps:  # the columns copied, encoded once (half a million step rows)
            step["row"] = tuple(_json(step[name] or []) if name == "outcome_choices"
                                else step[name] for name in STEP_COPY)
        out.append((template, steps))
    return out


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _referral(*, case_id: int, offering: dict, centre_id: int, status: str, shared: bool,
              request: str, worker: int, created: datetime, now: datetime,
              sent: datetime | None = None, answered: datetime | None = None,
              decline_reason: str = "", outcome: datetime | None = None,
              outcome_note: str = "", withdraw_reason: str = "") -> tuple:
    """A referral row (REFERRAL_FIELDS) as the services leave it at ``status``;
    ``shared``: the person's request is shared beyond the identity card."""
    due = sent + timedelta(days=offering["response_days"]) if sent else None
    receiver = offering["receiver"] or worker
    # As referral_accept sets it; the deadline job would have flagged it once past.
    delivery_due = answered + timedelta(days=offering["delivery_days"] or
                                        settings.JISR_REFERRAL_DELIVERY_DAYS) \
        if answered and status in ("accepted", "delivered", "not_delivered") else None
    return (case_id, offering["pk"], centre_id, status, SHARED[shared],
            request if shared else "", "[]", "", worker, created, sent, due,
            receiver if answered else None, answered, decline_reason,
            receiver if outcome else None, outcome, outcome_note,
            _reminded(due, now) if status == "sent" else None,
            due if status == "sent" and due < now else None, withdraw_reason, delivery_due,
            delivery_due if status == "accepted" and delivery_due < now else None,
            _reminded(delivery_due, now) if status == "accepted" else None)


def _reminded(due: datetime, now: datetime) -> datetime | None:
    """When the deadline job reminded both sides of ``due``, a day before it, had it run
    all along: a deadline already that close is not a backlog of reminders for the first
    run after the load (thousands at two million cases, each to every receiver)."""
    remind_at = due - REMIND_BEFORE
    return remind_at if remind_at <= now else None


class _Places:
    """The places of the offerings with a capacity and their waiting lists, kept as
    referral_services.py keeps them (``has_free_place``, ``queue_position``): the
    referrals already in the database count from the start; the open referrals generated
    are set aside and placed at the end, oldest first, so the oldest hold the places and the
    next ones wait in the order they were made (their ids follow it: a queue position is an
    order of ids)."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        from jisr.cases.referrals import Referral

        self.rng, self.now = rng, now
        self.held: dict[int, int] = defaultdict(int)
        self.waiting: dict[int, int] = defaultdict(int)
        for offering_id, status, n in (
                Referral.objects.filter(offering__capacity__isnull=False,
                                        status__in=[*Referral.HOLDS_PLACE, "waiting"])
                .values_list("offering_id", "status").annotate(n=Count("pk")).order_by()):
            (self.waiting if status == "waiting" else self.held)[offering_id] += n
        self.pending: list[tuple] = []
        self.stats: dict[str, int] = defaultdict(int)

    def hold(self, *, offering: dict, status: str, taken: set, choices: list[dict],
             **fields) -> None:
        """An open referral (sent or accepted) to place at the end; ``taken``: the case's
        offerings (never two referrals of a case to one), ``choices``: where else its
        worker may refer."""
        self.pending.append((fields["created"], len(self.pending), offering, status, taken,
                             choices, fields))

    def _free(self, offering: dict) -> bool:
        return offering["capacity"] is None or \
            self.held[offering["pk"]] < offering["capacity"]

    def place(self) -> list[tuple]:
        rng, now = self.rng, self.now
        rows = []
        for created, _n, offering, status, taken, choices, fields in sorted(
                self.pending, key=lambda p: p[:2]):
            if not self._free(offering):
                if self.waiting[offering["pk"]] < QUEUE_FACTOR * offering["capacity"]:
                    self.waiting[offering["pk"]] += 1
                    self.stats["waiting"] += 1
                    rows.append(_referral(offering=offering, status="waiting", now=now,
                                          **{**fields, "answered": None}))
                    continue
                elsewhere = [o for o in choices if o["pk"] not in taken and self._free(o)]
                if not elsewhere:  # declined from its full waiting list, never sent
                    answered = min(now, created + timedelta(hours=rng.uniform(2, 72)))
                    rows.append(_referral(offering=offering, status="declined", now=now,
                                          decline_reason=NO_PLACE,
                                          **{**fields, "answered": answered}))
                    self.stats["no place"] += 1
                    continue
                offering = rng.choice(elsewhere)  # the worker refers where a place is free
                taken.add(offering["pk"])
                self.stats["elsewhere"] += 1
            if offering["capacity"] is not None:
                self.held[offering["pk"]] += 1
            rows.append(_referral(offering=offering, status=status, sent=created, now=now,
                                  **fields))
        self.pending = []
        return rows


class _Load:
    """The rows of one chunk of cases, written together."""

    def __init__(self) -> None:
        self.cases: list[tuple] = []
        self.events: list[tuple] = []
        self.referrals: list[tuple] = []
        self.plans: list[tuple] = []
        self.steps: list[tuple] = []
        self.appointments: list[tuple] = []
        self.follow_ups: list[tuple] = []
        self.follows: list[tuple] = []

    def write(self, writer) -> None:
        from jisr.cases.models import Appointment, Case, CaseEvent
        from jisr.cases.pathways import FollowUp, Plan, PlanStep
        from jisr.cases.referrals import Referral
        from jisr.registry.models import PersonFollow

        writer.write(PersonFollow, FOLLOW_FIELDS, self.follows)
        writer.write(Case, CASE_FIELDS, self.cases)
        writer.write(CaseEvent, EVENT_FIELDS, self.events)
        writer.write(Referral, REFERRAL_FIELDS, self.referrals)
        writer.write(Plan, PLAN_FIELDS, self.plans)
        writer.write(PlanStep, STEP_FIELDS, self.steps)
        writer.write(Appointment, APPOINTMENT_FIELDS, self.appointments)
        writer.write(FollowUp, FOLLOW_UP_FIELDS, self.follow_ups)


class _Generator:
    def __init__(self, rng: random.Random, now: datetime, templates) -> None:
        self.rng = rng
        self.now = now
        self.templates = templates
        self.places = _Places(rng, now)
        self.slots: dict[int, int] = {}  # next free listening slot of each worker
        self.first_day: dict[int, object] = {}
        self.stages: dict[str, int] = defaultdict(int)
        self.made = 0
        self.opened: dict[int, datetime] = {}  # each person's earliest generated case
        self.consents: dict[int, list] = {}  # consents to the follow-up, written last

    def book_after(self, worker_ids) -> None:
        """Where each worker's free slots begin: the day after their last appointment, from
        tomorrow (one query for all the workers, not one each)."""
        from jisr.cases.models import Appointment

        last = dict(Appointment.objects.filter(worker_id__in=list(worker_ids))
                    .values_list("worker").annotate(m=Max("start")).order_by())
        tomorrow = timezone.localdate() + timedelta(days=1)
        for worker_id in worker_ids:
            self.first_day[worker_id] = max(tomorrow, timezone.localtime(
                last[worker_id]).date() + timedelta(days=1)) if worker_id in last else tomorrow

    def _slot(self, worker_id: int) -> datetime:
        """The worker's next free 45-minute slot on a working day after the last booked."""
        if worker_id not in self.first_day:
            self.book_after([worker_id])
        index = self.slots.get(worker_id, 0)
        self.slots[worker_id] = index + 1
        day, slot = self.first_day[worker_id], index
        while True:  # 8 slots a working day (Monday to Friday)
            if day.weekday() < 5:
                if slot < 8:
                    break
                slot -= 8
            day += timedelta(days=1)
        moment = datetime.combine(day, time(9, 0)) + timedelta(minutes=45 * slot)
        return timezone.make_aware(moment)

    def case(self, load: _Load, *, case_id: int, plan_id_of, person_id: int, centre_id: int,
             team: _Team, household_id, target: str, offerings: list[dict],
             has_consent: bool, has_follow: bool, before: datetime | None = None) -> None:
        from jisr.cases.demo import REQUESTS
        from jisr.cases.models import CaseEvent

        rng, now = self.rng, self.now
        worker = team.worker(open_case=target != "closed")
        reception = team.reception()
        reach = ORDER.index(target)
        # When each stage was reached, forward from the opening; the whole story then ends
        # up to two years back (more of them recent), received cases in the last days.
        hours = [0.0]
        for stage in ORDER[:reach]:
            low, high = WAIT[stage]
            hours.append(hours[-1] + rng.uniform(low * 24 + 1, high * 24 + 2))
        back = (rng.uniform(0, 72) if target == "received"
                else (rng.random() ** 2 * 700 + rng.randint(0, 20)) * 24)
        if before is not None:  # an earlier episode, closed before the next one opened
            back = rng.uniform(30 * 24, 200 * 24) + (now - before).total_seconds() / 3600
        opened = now - timedelta(hours=back + hours[-1] + 1)
        self.opened[person_id] = opened
        at = [opened + timedelta(hours=h) for h in hours]
        request = rng.choice(REQUESTS)
        closed = target == "closed"
        load.cases.append((
            case_id, person_id, household_id, centre_id,
            rng.choice(["walk_in", "walk_in", "hotline", "mobile_team", "online"]), request,
            "urgent" if rng.random() < 0.1 else "normal", worker, False, "", target,
            "follow_up" if closed else "",
            rng.choice(["resolved", "resolved", "referred_out", "unreachable"]) if closed else "",
            "Clôture après le parcours" if closed else "",
            rng.choice([3, 4, 4, 5, 5]) if closed else None,
            opened, reception, at[-1], at[-1] if closed else None))
        if before is not None:  # the consent (written last) predates the earliest episode
            if person_id in self.consents:
                self.consents[person_id][4] = opened - timedelta(minutes=5)
        elif not has_consent:
            self.consents[person_id] = [person_id, "case_follow_up", "signature", "",
                                        opened - timedelta(minutes=5), worker, centre_id,
                                        None, None]
        if not has_follow:
            load.follows.append((person_id, centre_id, timezone.localtime(opened).date(), None))
        load.events.append((case_id, opened, reception, CaseEvent.Kind.OPENED, "", "received",
                            centre_id, ""))
        for index in range(1, reach + 1):
            kind = CaseEvent.Kind.CLOSED if ORDER[index] == "closed" else CaseEvent.Kind.STAGE
            load.events.append((case_id, at[index], worker, kind, ORDER[index - 1],
                                ORDER[index], centre_id, ""))
        if reach == 0:
            start = self._slot(worker)
            load.appointments.append((case_id, centre_id, worker, start, 45, "booked",
                                      reception, opened, "listening", None))
        if reach >= 2 and offerings:
            self._referrals(load, case_id, centre_id, worker, request, offerings, at, reach)
        if reach >= 3 and self.templates:
            self._plan(load, case_id, plan_id_of(case_id), worker, at, reach)
        self.stages[target] += 1
        self.made += 1

    def _referrals(self, load, case_id, centre_id, worker, request, offerings, at,
                   reach) -> None:
        """The case's referrals, made at its orientation, each where its life has got to
        now: the service answers within its response time (one in five late, so some are
        overdue), declines some, and serves the others for SERVICE_DAYS; the worker
        withdraws a few. So only recent referrals are still open (sent or accepted), of
        oriented cases and of cases in a pathway; those of cases in follow-up or closed
        ended before the follow-up began. The open ones take their offering's places at the
        end (_Places)."""
        rng, now = self.rng, self.now
        sent = at[2] - timedelta(minutes=10)
        end = at[4] if reach >= 4 else now
        chosen = rng.sample(offerings, k=min(len(offerings), rng.choice([1, 1, 2])))
        taken = {offering["pk"] for offering in chosen}
        for offering in chosen:
            days = offering["response_days"]
            row = {"case_id": case_id, "centre_id": centre_id, "request": request,
                   "shared": rng.random() < 0.5, "worker": worker,
                   "created": sent}
            answered = sent + timedelta(hours=rng.uniform(2, 24 * days) if rng.random() < 0.8
                                        else rng.uniform(24 * days, 24 * (days + 60)))
            if reach != 2:  # a case goes on to its pathway once the services have answered
                answered = min(answered, end)
            fate = rng.random()
            if answered > now:
                self.places.hold(offering=offering, status="sent", taken=taken,
                                 choices=offerings, answered=None, **row)
            elif fate < 0.15:
                load.referrals.append(_referral(
                    offering=offering, status="declined", sent=sent, answered=answered,
                    decline_reason=rng.choice(DECLINE_REASONS), now=now, **row))
            elif fate < 0.22:
                load.referrals.append(_referral(
                    offering=offering, status="withdrawn", sent=sent, now=now,
                    withdraw_reason=rng.choice(WITHDRAWN), **row))
            else:
                done = answered + timedelta(days=rng.uniform(*SERVICE_DAYS))
                if done > now and reach <= 3:  # the service is still going on
                    self.places.hold(offering=offering, status="accepted", taken=taken,
                                     choices=offerings, answered=answered, **row)
                    continue
                # Cases still oriented are those whose services fell through more often.
                delivered = rng.random() < (0.5 if reach == 2 else 0.85)
                load.referrals.append(_referral(
                    offering=offering, status="delivered" if delivered else "not_delivered",
                    sent=sent, answered=answered, outcome=min(done, end),
                    outcome_note="Service rendu, la personne est venue" if delivered
                    else rng.choice(NOT_DELIVERED), now=now, **row))

    def _plan(self, load, case_id, plan_id, worker, at, reach) -> None:
        rng, now = self.rng, self.now
        template, steps = rng.choice(self.templates)
        created = at[3]
        finished = at[4] if reach >= 4 else None
        outcome = rng.choice(["completed", "completed", "partial"]) if finished else ""
        load.plans.append((
            plan_id, case_id, template.pk, template.name_ar, template.name_fr,
            "finished" if finished else "active", timezone.localtime(created).date(), created,
            worker, outcome,
            "Une partie seulement du parcours a pu être faite" if outcome == "partial" else "",
            finished, worker if finished else None))
        due = timezone.localtime(created).date()
        done = len(steps) if outcome == "completed" else (
            1 if (outcome == "partial" or rng.random() < 0.7) else 0)
        end = finished or now
        today = timezone.localtime(now).date()
        for index, step in enumerate(steps):
            due += timedelta(days=step["duration_days"])
            row = step["row"]
            owner = worker if step["owner_role"] == Role.SOCIAL_WORKER else None
            if index < done:
                completed = created + (end - created) * (index + 1) / (len(steps) + 1)
                code = step["outcome_choices"][0]["code"] if step["outcome_choices"] else ""
                state = ("done", code, "" if code else "Fait comme prévu", completed, worker)
            elif finished:
                state = ("skipped", "", "Une partie seulement du parcours a pu être faite",
                         finished, worker)
            else:
                state = ("pending", "", "", None, None)
            # An open step already past due was reminded when it fell due, had the hourly
            # job run all along: not a backlog of a quarter of a million for its first run.
            reminded = due if state[0] == "pending" and owner and due < today else None
            load.steps.append((plan_id, *row, owner, due, *state, reminded))
        if reach == 4:
            load.follow_ups.append((
                case_id, plan_id, "visit", timezone.localdate() + timedelta(
                    days=rng.randint(1, 40)), worker, "", "scheduled", "", worker, at[4],
                None, None))


def _load_centre(writer, generator: _Generator, centre_id: int, team: _Team,
                 offerings: list[dict], persons: list[int], targets: list[str], *,
                 earlier: bool = False) -> None:
    from jisr.cases.models import Case
    from jisr.cases.pathways import Plan
    from jisr.registry.models import Consent, HouseholdMembership, PersonFollow

    for start in range(0, len(persons), CHUNK):
        ids = persons[start:start + CHUNK]
        consented = set(Consent.objects.filter(
            person_id__in=ids, purpose=Consent.Purpose.CASE_FOLLOW_UP,
            withdrawn_at=None).values_list("person_id", flat=True))
        followed = set(PersonFollow.objects.filter(
            person_id__in=ids, centre_id=centre_id, until=None)
            .values_list("person_id", flat=True))
        households = dict(HouseholdMembership.objects.filter(
            person_id__in=ids, end=None).values_list("person_id", "household_id"))
        chunk_targets = targets[start:start + CHUNK]
        case_ids = writer.reserve(Case, len(ids))
        planned = [c for c, t in zip(case_ids, chunk_targets, strict=True)
                   if ORDER.index(t) >= 3]
        plan_ids = dict(zip(planned, writer.reserve(Plan, len(planned)), strict=True))
        load = _Load()
        for case_id, person_id, target in zip(case_ids, ids, chunk_targets, strict=True):
            generator.case(load, case_id=case_id, plan_id_of=plan_ids.get,
                           person_id=person_id, centre_id=centre_id, team=team,
                           household_id=households.get(person_id), target=target,
                           offerings=offerings, has_consent=person_id in consented,
                           has_follow=person_id in followed,
                           before=generator.opened[person_id] if earlier else None)
        load.write(writer)


def build(*, cases: int, seed: int = 2026, progress=None) -> dict[str, int]:
    """The demo step's bulk path: make the demo hold ``cases`` generated cases."""
    from jisr.cases import demo
    from jisr.cases.referrals import Referral
    from jisr.registry.demo import _Writer
    from jisr.registry.models import Consent

    missing = cases - demo.generated_so_far()
    if missing <= 0:
        return {}
    rng = random.Random(seed + demo.generated_so_far())
    now = timezone.now()
    with transaction.atomic():
        centres = _centres(missing)
        plan = stage_plan(sum(len(p) for _c, p in centres), rng)
        targets = {centre_id: [plan.pop() for _p in persons] for centre_id, persons in centres}
        # The staff first: the open cases each centre gets tell how many workers it needs.
        teams, staffed = _teams({centre_id: sum(t != "closed" for t in targets[centre_id])
                                 for centre_id, _p in centres}, rng)
        generator = _Generator(rng, now, _templates())
        generator.book_after([w for team in teams.values() for w in team.workers])
        offerings = {centre_id: _offerings(centre_id) for centre_id, _p in centres}
        writer = _Writer()
        for centre_id, persons in centres:
            _load_centre(writer, generator, centre_id, teams[centre_id],
                         offerings[centre_id], persons, targets[centre_id])
            if progress:
                progress(generator.made, missing)
        # More cases than persons without one: earlier episodes for the same persons,
        # closed before their case opened (one open case a person, always).
        left = missing - generator.made
        while left > 0 and generator.made:
            rounds, share = [], left
            for index, (centre_id, persons) in enumerate(
                    sorted(centres, key=lambda row: len(row[1]))):
                take = persons[:min(len(persons), -(-share // (len(centres) - index)))]
                rounds.append((centre_id, take))
                share -= len(take)
            for centre_id, persons in rounds:
                _load_centre(writer, generator, centre_id, teams[centre_id],
                             offerings[centre_id], persons, ["closed"] * len(persons),
                             earlier=True)
            left = missing - generator.made
            if progress:
                progress(generator.made, missing)
        # The open referrals, oldest first: they take the places, then the waiting lists.
        writer.write(Referral, REFERRAL_FIELDS, generator.places.place())
        writer.write(Consent, CONSENT_FIELDS, [tuple(r) for r in generator.consents.values()])
        if generator.made:
            audit.record_bulk(actor=None, action=demo.AUDIT_ACTION, object_type="cases.case",
                              count=generator.made,
                              reason=f"demo cases loaded in bulk; seed {seed}")
    if writer.postgres and generator.made:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_caseevent, cases_referral, cases_plan, "
                           "cases_planstep, cases_appointment, cases_followup, accounts_user")
    return {"cases": generator.made,
            **{f"at {stage}": n for stage, n in sorted(generator.stages.items())},
            "staff added": staffed, **{f"referrals {key}": n for key, n in
                                       sorted(generator.places.stats.items())}}
