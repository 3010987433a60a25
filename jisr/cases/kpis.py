"""The cases' activity figures (jisr.reports): read from the timeline, whose entries carry
the centre that led the case at the time."""

from __future__ import annotations

from jisr.cases.models import CaseEvent, Stage
from jisr.cases.pathways import Plan, PlanOutcome
from jisr.reports.aggregates import breakdown, register_metric


def _events(since, hours_since: str | None = None, **lookup):
    return breakdown(CaseEvent.objects.filter(**lookup), at="at", centre="centre_id",
                     person="case__person", since=since, hours_since=hours_since)


register_metric("cases_received", source=lambda since: _events(
    since, kind=CaseEvent.Kind.OPENED))
# Time from reception to the first listening, and to the first orientation: a case going
# through a stage twice (reopened) counts its first passage only where the timeline says so.
register_metric("cases_listened", duration=True, source=lambda since: _events(
    since, "case__opened_at", kind=CaseEvent.Kind.STAGE, to_stage=Stage.LISTENED))
register_metric("cases_oriented", duration=True, source=lambda since: _events(
    since, "case__opened_at", kind=CaseEvent.Kind.STAGE, to_stage=Stage.ORIENTED))
register_metric("cases_in_pathway", source=lambda since: _events(
    since, kind=CaseEvent.Kind.STAGE, to_stage=Stage.IN_PATHWAY))
register_metric("cases_closed", source=lambda since: _events(
    since, kind=CaseEvent.Kind.CLOSED))


# Referrals, counted at the referring centre (the timeline's centre) when each step happens.
# "Overdue" counts the deadlines missed: the answer of a sent referral and the delivery of an
# accepted one (a referral late for both counts twice, in the months they were flagged).
Kind = CaseEvent.Kind
for _metric, _kinds in (("referrals_sent", [Kind.REFERRAL_SENT]),
                        ("referrals_accepted", [Kind.REFERRAL_ACCEPTED]),
                        ("referrals_declined", [Kind.REFERRAL_DECLINED]),
                        ("referrals_delivered", [Kind.REFERRAL_DELIVERED]),
                        ("referrals_not_delivered", [Kind.REFERRAL_NOT_DELIVERED]),
                        ("referrals_overdue", [Kind.REFERRAL_OVERDUE,
                                               Kind.REFERRAL_DELIVERY_OVERDUE])):
    register_metric(_metric, source=lambda since, kinds=_kinds: _events(since,
                                                                        kind__in=kinds))


# Pathways finished, by outcome, at the case's lead centre in the month they finished.
for _metric, _outcome in (("plans_completed", PlanOutcome.COMPLETED),
                          ("plans_partial", PlanOutcome.PARTIAL),
                          ("plans_abandoned", PlanOutcome.ABANDONED)):
    register_metric(_metric, source=lambda since, outcome=_outcome: breakdown(
        Plan.objects.filter(outcome=outcome, finished_at__isnull=False), at="finished_at",
        centre="case__lead_centre_id", person="case__person", since=since))
