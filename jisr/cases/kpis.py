"""The cases' activity figures (jisr.reports): read from the timeline, whose entries carry
the centre that led the case at the time."""

from __future__ import annotations

from jisr.cases.models import CaseEvent, Stage
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
