"""Work views: what a worker opens every morning (their caseload, what is overdue first) and
the centre's queues.

Each module contributes sections with :func:`register_mine` (items owned by the user: an
interview to hold, a case to orient, a referral awaiting its answer, a plan step, a
follow-up) and :func:`register_queue` (the centre's queues: waiting for listening, waiting
for orientation, referrals awaiting partners, waiting lists). A section is a function of the
user and the time returning a :class:`Section`; it reads through the access policy and
runs a fixed number of queries (it is limited to :data:`LIMIT` rows and counts the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.cases.models import Appointment, Case, Stage
from jisr.cases.questionnaires import bilingual
from jisr.core.queries import related
from jisr.core.routes import pk_url
from jisr.registry.models import Person

LIMIT = 25
# Totals are exact up to this many and shown as "500+" beyond: an exact count of a large
# centre's queue visits every row on each page view, and nobody acts on the thousandth.
COUNT_CAP = 500
# My work lists this many items, the overdue first: a long caseload's page stays readable
# (and quick), the sections' totals below it tell what else waits.
SHOWN = 50


@dataclass
class Item:
    """One line of work. ``case_id`` is set when the user may open the case; a receiver of
    a referral sees only the person's name and the referral.

    Sections read their lines as plain values (``values()``), not model instances: a page
    shows fifty lines of up to nine sections of 25, and building an instance of each row
    and of its case and person cost more than reading them."""

    person: str
    reference: str
    what: str
    due: datetime | date | None = None
    url: str = ""
    detail: str = ""
    case_id: int | None = None
    overdue: bool = False
    # A referral's service: ``detail`` names it and its provider once every section is read
    # (one query for the page's referrals, see _sections)
    offering_id: int | None = None

    @classmethod
    def of_case(cls, row: dict, case: str, what, due=None, url: str = "",
                detail: str = "") -> Item:
        """The line of ``row``'s case: ``case`` is the path of the case in the row
        (``"case"``: its id under ``case_id``, its person's names under ``case__person__``;
        ``""`` when the row is the case)."""
        case_id = row[f"{case}_id" if case else "pk"]
        return cls(_person_name(row, f"{case}__person" if case else "person"),
                   Case.reference_of(case_id), str(what), due,
                   url or _case_url(case_id), detail, case_id)

    @property
    def case_url(self) -> str:
        return _case_url(self.case_id) if self.case_id is not None else ""

    def overdue_at(self, now: datetime) -> bool:
        if self.due is None:
            return False
        if isinstance(self.due, datetime):
            return self.due < now
        return self.due < timezone.localtime(now).date()


@dataclass
class Section:
    key: str
    label: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    # A queue's own table (e.g. waiting lists per service): rows of (label, count, detail).
    rows: list[tuple] = field(default_factory=list)

    # Totals counted by _limited stop at COUNT_CAP + 1; None for an exact total.
    cap: int | None = field(default_factory=lambda: COUNT_CAP)

    @property
    def capped(self) -> bool:
        """The total is a lower bound: shown as "1000+"."""
        return self.cap is not None and self.total > self.cap

    @property
    def shown_total(self) -> int:
        return self.cap if self.capped else self.total


SectionSource = Callable[..., Section]
_mine: dict[str, tuple[int, SectionSource]] = {}
_queues: dict[str, tuple[int, SectionSource]] = {}


def register_mine(key: str, source: SectionSource, *, order: int = 50) -> None:
    _mine[key] = (order, source)


def register_queue(key: str, source: SectionSource, *, order: int = 50) -> None:
    _queues[key] = (order, source)


def _sections(registry, user, now) -> list[Section]:
    sections = [source(user=user, now=now) for _o, source in sorted(
        registry.values(), key=lambda entry: entry[0])]
    _name_offerings([item for section in sections for item in section.items])
    return sections


def _name_offerings(items: list[Item]) -> None:
    """The service and provider of each referral line, read once for all the sections."""
    ids = {item.offering_id for item in items if item.offering_id is not None}
    if not ids:
        return
    names = {o.pk: f"{o.service.name} — {o.provider.name}"
             for o in _named_offerings().filter(pk__in=ids)}
    for item in items:
        if item.offering_id is not None:
            item.detail = names.get(item.offering_id, "")


def my_work(*, user, now: datetime | None = None) -> dict:
    """The user's caseload: every item, overdue ones first (then by due date), and the
    sections they come from."""
    now = now or timezone.now()
    sections = _sections(_mine, user, now)
    items = [item for section in sections for item in section.items]
    for item in items:
        item.overdue = item.overdue_at(now)
    overdue = [i for i in items if i.overdue_at(now)]
    rest = [i for i in items if not i.overdue_at(now)]

    def due_key(item: Item):
        due = item.due
        if due is None:
            return (1, datetime.max.replace(tzinfo=now.tzinfo))
        if not isinstance(due, datetime):
            due = timezone.make_aware(datetime.combine(due, datetime.min.time()))
        return (0, due)

    overdue, rest = sorted(overdue, key=due_key), sorted(rest, key=due_key)
    # The page lists the SHOWN most pressing items; the sections' totals say the rest.
    shown_overdue = overdue[:SHOWN]
    shown_rest = rest[:SHOWN - len(shown_overdue)]
    return {"overdue": shown_overdue, "upcoming": shown_rest, "sections": sections,
            "now": now, "overdue_count": len(overdue), "upcoming_count": len(rest),
            "not_shown": len(overdue) + len(rest) - len(shown_overdue) - len(shown_rest)}


def centre_queues(*, user, now: datetime | None = None) -> list[Section]:
    now = now or timezone.now()
    sections = _sections(_queues, user, now)
    for section in sections:
        for item in section.items:
            item.overdue = item.overdue_at(now)
    return sections


def _limited(qs: QuerySet, fields) -> tuple[list[dict], int]:
    """The first LIMIT rows, as the values of ``fields``, and the total, counted up to
    COUNT_CAP + 1 (a LIMIT in the count lets the database stop early instead of visiting a
    whole centre's history) on ``qs`` itself: the joins the values need stay out of it."""
    rows = list(qs.values(*fields)[:LIMIT + 1])
    if len(rows) <= LIMIT:
        return rows, len(rows)
    return rows[:LIMIT], qs.order_by()[:COUNT_CAP + 1].count()


PERSON_NAME = Person.DISPLAY_NAME_FIELDS
USER_NAME = User.DISPLAY_NAME_FIELDS


def _named_offerings() -> QuerySet:
    from jisr.cases.referral_selectors import named_offerings
    from jisr.network.models import ServiceOffering

    return named_offerings(ServiceOffering.objects.all())


def _case_url(case_id: int) -> str:
    return pk_url("cases:detail", case_id)


def _person_name(row: dict, person: str) -> str:
    return Person.display_name_of(*(row[f"{person}__{f}"] for f in PERSON_NAME))


def _user_name(row: dict, user: str) -> str:
    return User.display_name_of(*(row[f"{user}__{f}"] for f in USER_NAME))


# --- the cases' own sections --------------------------------------------------------------

def _interviews(*, user, now) -> Section:
    """Interviews booked with the user, up to the end of today and not yet marked held."""
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    qs = policy.of_cases_for(Appointment.objects.filter(
        worker=user, status=Appointment.Status.BOOKED, start__lte=end_of_day),
        user).order_by("start")
    rows, total = _limited(qs, ("start", "case_id", *related("case__person", PERSON_NAME)))
    return Section("interviews", _("Interviews today"), [Item.of_case(
        a, "case", _("Interview"), a["start"]) for a in rows], total)


def _stage_section(key: str, label, stage: str, days: int, *, user, mine: bool) -> Section:
    qs = policy.cases_for(user).filter(stage=stage)
    if mine:
        qs = qs.filter(assigned_to=user)
    rows, total = _limited(qs.select_related(None).order_by("stage_changed_at", "pk"), (
        "pk", "stage_changed_at", "assigned_to_id", *related("person", PERSON_NAME),
        *related("assigned_to", USER_NAME)))
    what = {Stage.RECEIVED: _("Listening interview to hold"),
            Stage.LISTENED: _("Orientation to decide")}[stage]
    return Section(key, label, [Item.of_case(
        case, "", what,
        timezone.localtime(case["stage_changed_at"]).date() + timedelta(days=days),
        detail=_user_name(case, "assigned_to") if case["assigned_to_id"] else "")
        for case in rows], total)


def _to_listen(*, user, now, mine=True) -> Section:
    return _stage_section("to_listen", _("Waiting for listening"), Stage.RECEIVED,
                          settings.JISR_LISTENING_DUE_DAYS, user=user, mine=mine)


def _to_orient(*, user, now, mine=True) -> Section:
    return _stage_section("to_orient", _("Waiting for orientation"), Stage.LISTENED,
                          settings.JISR_ORIENTATION_DUE_DAYS, user=user, mine=mine)


register_mine("interviews", _interviews, order=10)
register_mine("to_listen", _to_listen, order=20)
register_mine("to_orient", _to_orient, order=30)
register_queue("to_listen", lambda *, user, now: _to_listen(user=user, now=now, mine=False),
               order=10)
register_queue("to_orient", lambda *, user, now: _to_orient(user=user, now=now, mine=False),
               order=20)


# --- referrals ---------------------------------------------------------------------------

def _referral_item(referral: dict, what, *, sender: bool, due: str = "due_at") -> Item:
    """``due``: the deadline that matters now, the answer's or (accepted) the delivery's."""
    from jisr.cases.referrals import Referral

    url = Referral.url_of(referral["pk"])
    if sender:
        item = Item.of_case(referral, "case", what, referral[due], url)
    else:
        item = Item(_person_name(referral, "case__person"), Referral.reference_of(
            referral["pk"]), str(what), referral[due], url)
    item.offering_id = referral["offering_id"]
    return item


_REFERRAL_LINE = ("pk", "due_at", "delivery_due_at", "case_id", "offering_id",
                  *related("case__person", PERSON_NAME))


def _referrals(qs: QuerySet, due: str = "due_at") -> tuple[list[dict], int]:
    """The lines of the referrals (_limited). The offerings' services and providers are
    named afterwards, for every section at once (_name_offerings): joined here, the eight
    tables took PostgreSQL 8 ms to plan for 1 ms of reading."""
    return _limited(qs.select_related(None).order_by(due, "pk"), _REFERRAL_LINE)


def _sent(user, status: str, *, mine: bool) -> QuerySet:
    """Referrals at ``status`` of the user's cases, or for the queue those the centre sent:
    read from the (from_centre, status, due date) indexes, where going through the centre's
    cases joined every such referral of the country."""
    qs = policy.referrals_sent_for(user).filter(status=status)
    return qs.filter(case__assigned_to=user) if mine else qs.filter(
        from_centre_id=user.centre_id)


def _awaiting_answer(*, user, now, mine=True) -> Section:
    """Referrals sent from the user's cases (all the centre's, for the queue) that the
    service has not answered yet."""
    from jisr.cases.referrals import Referral

    rows, total = _referrals(_sent(user, Referral.Status.SENT, mine=mine))
    return Section("referrals_awaiting", _("Referrals awaiting an answer"), [
        _referral_item(r, _("Referral awaiting the service's answer"), sender=True)
        for r in rows], total)


def _to_answer(*, user, now) -> Section:
    """Referrals addressed to the user's centre (internal referrals) waiting for its
    answer."""
    from jisr.cases.referrals import Referral

    qs = policy.referrals_received_for(user).filter(status=Referral.Status.SENT)
    rows, total = _referrals(qs)
    return Section("referrals_to_answer", _("Referrals to answer"), [
        _referral_item(r, _("Referral to answer"), sender=False) for r in rows], total)


def _awaiting_delivery(*, user, now, mine=True) -> Section:
    """Referrals from the user's cases (all the centre's, for the queue) that the service
    accepted and has not delivered yet, by their delivery deadline."""
    from jisr.cases.referrals import Referral

    rows, total = _referrals(_sent(user, Referral.Status.ACCEPTED, mine=mine),
                             "delivery_due_at")
    return Section("referrals_awaiting_delivery", _("Referrals awaiting delivery"), [
        _referral_item(r, _("Referred service awaiting delivery"), sender=True,
                       due="delivery_due_at") for r in rows], total)


def _to_deliver(*, user, now) -> Section:
    """Referrals the user's centre accepted (internal referrals) and has still to deliver."""
    from jisr.cases.referrals import Referral

    qs = policy.referrals_received_for(user).filter(status=Referral.Status.ACCEPTED)
    rows, total = _referrals(qs, "delivery_due_at")
    return Section("referrals_to_deliver", _("Referred services to deliver"), [
        _referral_item(r, _("Referred service to deliver"), sender=False,
                       due="delivery_due_at") for r in rows], total)


def _waiting_lists(*, user, now) -> Section:
    """Persons of the centre on a service's waiting list, per service."""
    from django.db.models import Count

    from jisr.cases.referrals import Referral

    counts = dict(_sent(user, Referral.Status.WAITING, mine=False)
                  .values_list("offering_id").annotate(n=Count("*")).order_by())
    offerings = _named_offerings().filter(pk__in=counts)
    rows = sorted(((f"{o.service.name} — {o.provider.name}", counts[o.pk], "")
                   for o in offerings), key=lambda row: -row[1])
    return Section("waiting_lists", _("Waiting lists per service"), total=sum(
        counts.values()), rows=rows, cap=None)


register_mine("referrals_awaiting", _awaiting_answer, order=40)
register_mine("referrals_awaiting_delivery", _awaiting_delivery, order=42)
register_mine("referrals_to_answer", _to_answer, order=45)
register_mine("referrals_to_deliver", _to_deliver, order=46)
register_queue("referrals_awaiting", lambda *, user, now: _awaiting_answer(
    user=user, now=now, mine=False), order=30)
register_queue("referrals_awaiting_delivery", lambda *, user, now: _awaiting_delivery(
    user=user, now=now, mine=False), order=35)
register_queue("waiting_lists", _waiting_lists, order=40)


# --- pathway steps and follow-ups --------------------------------------------------------

def _plan_steps(*, user, now) -> Section:
    """Steps of running pathway plans that the user owns and has not closed yet."""
    from jisr.cases.pathways import Plan, PlanStep

    qs = policy.plan_steps_for(user).filter(
        owner=user, plan__status=Plan.Status.ACTIVE,
        status__in=[PlanStep.Status.PENDING, PlanStep.Status.IN_PROGRESS]).select_related(
        None).order_by("due_date", "pk")
    rows, total = _limited(qs, (
        "name_ar", "name_fr", "due_date", "plan_id", "plan__name_ar", "plan__name_fr",
        "plan__case_id", *related("plan__case__person", PERSON_NAME)))
    return Section("plan_steps", _("Pathway steps"), [Item.of_case(
        step, "plan__case", bilingual(step["name_ar"], step["name_fr"]), step["due_date"],
        pk_url("cases:plan", step["plan_id"]),
        bilingual(step["plan__name_ar"], step["plan__name_fr"])) for step in rows], total)


def _follow_ups(*, user, now) -> Section:
    from jisr.cases.pathways import FollowUp

    qs = policy.follow_ups_for(user).filter(
        worker=user, status=FollowUp.Status.SCHEDULED).select_related(None).order_by(
        "due_date", "pk")
    rows, total = _limited(qs, ("kind", "purpose", "due_date", "case_id",
                                *related("case__person", PERSON_NAME)))
    return Section("follow_ups", _("Follow-ups"), [Item.of_case(
        f, "case", f"{FollowUp.Kind(f['kind']).label}"
                   f"{' — ' + f['purpose'] if f['purpose'] else ''}",
        f["due_date"]) for f in rows], total)


register_mine("plan_steps", _plan_steps, order=50)
register_mine("follow_ups", _follow_ups, order=60)
