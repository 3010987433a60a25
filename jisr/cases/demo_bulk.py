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

Not written: listening answers, notes, documents, per-row audit entries (the audit entry
of the load stands for them).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from jisr.accounts.roles import Role
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
                   "withdraw_reason", "delivery_due_at", "delivery_overdue_at")
PLAN_FIELDS = ("id", "case", "template", "name_ar", "name_fr", "status", "started_on",
               "created_at", "created_by", "outcome", "outcome_note", "finished_at",
               "finished_by")
STEP_COPY = ("order", "name_ar", "name_fr", "service", "owner_role", "duration_days",
             "outcome_label_ar", "outcome_label_fr", "outcome_choices")
STEP_FIELDS = ("plan", *STEP_COPY, "owner", "due_date", "status", "outcome", "outcome_note",
               "completed_at", "completed_by")
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


def _staff(centre_ids) -> dict[int, dict]:
    """The manager, worker and reception officer of each centre (the personas first)."""
    from jisr.accounts.models import User

    roles = (Role.CENTRE_MANAGER, Role.SOCIAL_WORKER, Role.RECEPTION_OFFICER)
    staff: dict[int, dict] = defaultdict(dict)
    for user in (User.objects.filter(centre_id__in=centre_ids, role__in=roles, is_active=True)
                 .order_by("username")):
        staff[user.centre_id][user.role] = user  # the last by name, as demo.py
    for username in ("khadija", "youssef", "amina"):
        user = User.objects.filter(username=username, is_active=True).first()
        if user and user.centre_id in staff and user.role in roles:
            staff[user.centre_id][user.role] = user
    return {c: s for c, s in staff.items() if len(s) == len(roles)}


def _centres(missing: int) -> list[tuple[int, dict, list[int]]]:
    """(centre id, staff, person ids) sharing ``missing`` cases over the centres with staff
    and registered persons without a case, the personas' centre first."""
    from jisr.accounts.models import User
    from jisr.network.models import Centre
    from jisr.registry.models import Person

    jisr = Centre.objects.filter(kind=Centre.Kind.JISR).values_list("pk", flat=True)
    staff = _staff(list(jisr))
    free = (Person.objects.filter(merged_into=None, registered_at__in=list(staff))
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
        out.append((centre_id, staff[centre_id], persons))
        left -= len(persons)
    first = User.objects.filter(username="khadija").values_list("centre_id", flat=True).first()
    out.sort(key=lambda row: row[0] != first)
    return out


def _offerings(centre_id: int) -> list[dict]:
    """Active offerings of the centre and of partners of its region, with who answers."""
    from jisr.accounts.models import User
    from jisr.network.models import Centre, ServiceOffering

    centre = Centre.objects.select_related("commune__province").get(pk=centre_id)
    active = ServiceOffering.objects.filter(status=ServiceOffering.Status.ACTIVE)
    fields = ("pk", "centre_id", "partner_id", "response_days", "delivery_days")
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
        out.append((template, steps))
    return out


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


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
        self.slots: dict[int, int] = {}  # next free listening slot of each worker
        self.first_day: dict[int, object] = {}
        self.stages: dict[str, int] = defaultdict(int)
        self.made = 0
        self.opened: dict[int, datetime] = {}  # each person's earliest generated case
        self.consents: dict[int, list] = {}  # consents to the follow-up, written last

    def _slot(self, worker_id: int) -> datetime:
        """The worker's next free 45-minute slot on a working day after the last booked."""
        from jisr.cases.models import Appointment

        if worker_id not in self.first_day:
            last = Appointment.objects.filter(worker_id=worker_id).aggregate(m=Max("start"))["m"]
            start = max(timezone.localdate() + timedelta(days=1),
                        (timezone.localtime(last).date() + timedelta(days=1)) if last else
                        timezone.localdate())
            self.first_day[worker_id] = start
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
             staff: dict, household_id, target: str, offerings: list[dict],
             has_consent: bool, has_follow: bool, before: datetime | None = None) -> None:
        from jisr.cases.demo import REQUESTS
        from jisr.cases.models import CaseEvent

        rng, now = self.rng, self.now
        worker, reception = staff[Role.SOCIAL_WORKER].pk, staff[Role.RECEPTION_OFFICER].pk
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
            self._referrals(load, case_id, centre_id, worker, request, offerings,
                            at[2] - timedelta(minutes=10), settled=reach >= 3,
                            until=at[3] if reach >= 3 else now)
        if reach >= 3 and self.templates:
            self._plan(load, case_id, plan_id_of(case_id), worker, at, reach)
        self.stages[target] += 1
        self.made += 1

    def _referrals(self, load, case_id, centre_id, worker, request, offerings, sent,
                   *, settled: bool, until: datetime) -> None:
        rng, now = self.rng, self.now
        for offering in rng.sample(offerings, k=min(len(offerings), rng.choice([1, 1, 2]))):
            shared = ["request"] if rng.random() < 0.5 else []
            due = sent + timedelta(days=offering["response_days"])
            receiver = offering["receiver"] or worker
            roll = rng.random()
            status = ("delivered" if roll < 0.6 else "accepted" if roll < 0.8 else "declined") \
                if settled else ("sent" if roll < 0.45 else "accepted" if roll < 0.8
                                 else "declined")
            answered = None if status == "sent" else min(
                now, sent + timedelta(hours=rng.uniform(2, 24 * offering["response_days"])))
            outcome = None
            if status == "delivered":
                outcome = min(now, answered + timedelta(hours=rng.uniform(2, 24 * 30)),
                              max(until, answered))
            # As referral_accept sets it; the deadline job would have flagged it once past.
            delivery_due = answered + timedelta(days=offering["delivery_days"] or
                                                settings.JISR_REFERRAL_DELIVERY_DAYS) \
                if status in ("accepted", "delivered") else None
            load.referrals.append((
                case_id, offering["pk"], centre_id, status, _json(shared),
                request if shared else "", "[]", "", worker, sent, sent, due,
                receiver if answered else None, answered,
                "Pas de place avant plusieurs mois" if status == "declined" else "",
                receiver if outcome else None, outcome,
                "Service rendu, la personne est venue" if outcome else "", None,
                due if status == "sent" and due < now else None, "", delivery_due,
                delivery_due if status == "accepted" and delivery_due < now else None))

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
        for index, step in enumerate(steps):
            due += timedelta(days=step["duration_days"])
            row = [step[name] for name in STEP_COPY]
            row[STEP_COPY.index("outcome_choices")] = _json(step["outcome_choices"] or [])
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
            load.steps.append((plan_id, *row, owner, due, *state))
        if reach == 4:
            load.follow_ups.append((
                case_id, plan_id, "visit", timezone.localdate() + timedelta(
                    days=rng.randint(1, 40)), worker, "", "scheduled", "", worker, at[4],
                None, None))


def _load_centre(writer, generator: _Generator, centre_id: int, staff: dict,
                 persons: list[int], targets: list[str], *, earlier: bool = False) -> None:
    from jisr.cases.models import Case
    from jisr.cases.pathways import Plan
    from jisr.registry.models import Consent, HouseholdMembership, PersonFollow

    offerings = _offerings(centre_id)
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
        chunk_targets = [targets.pop() for _i in ids]
        case_ids = writer.reserve(Case, len(ids))
        planned = [c for c, t in zip(case_ids, chunk_targets, strict=True)
                   if ORDER.index(t) >= 3]
        plan_ids = dict(zip(planned, writer.reserve(Plan, len(planned)), strict=True))
        load = _Load()
        for case_id, person_id, target in zip(case_ids, ids, chunk_targets, strict=True):
            generator.case(load, case_id=case_id, plan_id_of=plan_ids.get,
                           person_id=person_id, centre_id=centre_id, staff=staff,
                           household_id=households.get(person_id), target=target,
                           offerings=offerings, has_consent=person_id in consented,
                           has_follow=person_id in followed,
                           before=generator.opened[person_id] if earlier else None)
        load.write(writer)


def build(*, cases: int, seed: int = 2026, progress=None) -> dict[str, int]:
    """The demo step's bulk path: make the demo hold ``cases`` generated cases."""
    from jisr.cases import demo
    from jisr.registry.demo import _Writer
    from jisr.registry.models import Consent

    missing = cases - demo.generated_so_far()
    if missing <= 0:
        return {}
    rng = random.Random(seed + demo.generated_so_far())
    now = timezone.now()
    with transaction.atomic():
        centres = _centres(missing)
        generator = _Generator(rng, now, _templates())
        writer = _Writer()
        targets = stage_plan(sum(len(p) for _c, _s, p in centres), rng)
        for centre_id, staff, persons in centres:
            _load_centre(writer, generator, centre_id, staff, persons, targets)
            if progress:
                progress(generator.made, missing)
        # More cases than persons without one: earlier episodes for the same persons,
        # closed before their case opened (one open case a person, always).
        left = missing - generator.made
        while left > 0 and generator.made:
            rounds, share = [], left
            for index, (centre_id, staff, persons) in enumerate(
                    sorted(centres, key=lambda row: len(row[2]))):
                take = persons[:min(len(persons), -(-share // (len(centres) - index)))]
                rounds.append((centre_id, staff, take))
                share -= len(take)
            for centre_id, staff, persons in rounds:
                _load_centre(writer, generator, centre_id, staff, persons,
                             ["closed"] * len(persons), earlier=True)
            left = missing - generator.made
            if progress:
                progress(generator.made, missing)
        writer.write(Consent, CONSENT_FIELDS, [tuple(r) for r in generator.consents.values()])
        if generator.made:
            audit.record_bulk(actor=None, action=demo.AUDIT_ACTION, object_type="cases.case",
                              count=generator.made,
                              reason=f"demo cases loaded in bulk; seed {seed}")
    if writer.postgres and generator.made:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_caseevent, cases_referral, cases_plan, "
                           "cases_planstep, cases_appointment, cases_followup")
    return {"cases": generator.made,
            **{f"at {stage}": n for stage, n in sorted(generator.stages.items())}}
