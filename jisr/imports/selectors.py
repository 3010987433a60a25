"""Reads of the imports app, scoped by the access policy: a user sees the sources and runs
of the centres whose persons they may import (their own centre)."""

from __future__ import annotations

from django.db.models import QuerySet

from jisr.accounts import policy
from jisr.imports.models import ImportIssue, ImportRun, ImportSource

PERMISSION = "imports.import_persons"


def sources_for(user) -> QuerySet[ImportSource]:
    if not policy.has_perm(user, PERMISSION):
        return ImportSource.objects.none()
    return ImportSource.objects.filter(
        centre__in=policy.person_centres_for(user).values("pk")).select_related("centre")


def runs_for(user) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(source__in=sources_for(user).values("pk")).select_related(
        "source__centre", "started_by")


def source_get_for_user(*, user, source_id) -> ImportSource:
    return policy.get_or_404(sources_for(user), pk=source_id)


def run_get_for_user(*, user, run_id) -> ImportRun:
    return policy.get_or_404(runs_for(user), pk=run_id)


def run_issues(*, user, run: ImportRun, severity: str = "") -> QuerySet[ImportIssue]:
    """The report lines of a run the user sees, in row order."""
    qs = ImportIssue.objects.filter(run__in=runs_for(user).filter(pk=run.pk).values("pk"))
    if severity:
        qs = qs.filter(severity=severity)
    return qs.order_by("row", "pk")


def visible_persons(*, user, issues) -> set[int]:
    """Which of the persons the report lines link to the user may open; the others are
    shown as "registered elsewhere", without their id."""
    ids = {i.person_id for i in issues if i.person_id}
    if not ids:
        return set()
    return set(policy.persons_for(user).filter(pk__in=ids).values_list("pk", flat=True))
