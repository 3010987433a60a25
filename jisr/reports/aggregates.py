"""Filling the activity tables from the apps' metric sources.

An app declares its figures in ``<app>/kpis.py`` with :func:`register_metric`: a source is a
function ``source(since)`` returning the rows of its events at or after ``since`` (a date,
or None for all), grouped by :func:`breakdown`. :func:`kpis_refresh` asks every source for
the months to recompute, replaces those months' cells in one transaction and rebuilds the
caseload snapshot. It takes a row lock first, so two workers running it at once queue
rather than write the same cells twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from jisr.core import audit
from jisr.reports.models import AgeGroup, CaseloadCell, KpiCell, KpiRefresh

BATCH = 5000


@dataclass(frozen=True)
class Metric:
    name: str
    source: Callable[[date | None], QuerySet]
    duration: bool = False


_metrics: dict[str, Metric] = {}


def register_metric(name: str, *, source: Callable[[date | None], QuerySet],
                    duration: bool = False) -> None:
    _metrics[name] = Metric(name, source, duration)


def metrics() -> dict[str, Metric]:
    autodiscover_modules("kpis")
    return dict(_metrics)


def _age_group(at: str, birth_year: str) -> Case:
    age = ExtractYear(at) - F(birth_year)
    whens = [When(**{f"{birth_year}__isnull": True}, then=Value(AgeGroup.UNKNOWN))]
    for group, upper in ((AgeGroup.CHILD, 17), (AgeGroup.YOUNG, 29), (AgeGroup.ADULT, 44),
                         (AgeGroup.MIDDLE, 59)):
        whens.append(When(_age__lte=upper, then=Value(group)))
    return age, Case(*whens, default=Value(AgeGroup.ELDERLY), output_field=CharField())


def breakdown(queryset: QuerySet, *, at: str, centre: str, person: str,
              since: date | None, hours_since: str | None = None) -> QuerySet:
    """Group ``queryset`` (one row per event) by centre, month of ``at``, sex, age group and
    vulnerability categories of the ``person`` path; ``hours_since`` names the start of a
    duration ending at ``at`` (e.g. the case's opening), summed."""
    if since is not None:
        # ``at`` is a moment (DateTimeField): from the local midnight starting ``since``.
        start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
        queryset = queryset.filter(**{f"{at}__gte": start})
    age, group = _age_group(at, f"{person}__birth_year")
    queryset = queryset.annotate(_age=age).annotate(
        k_month=TruncMonth(at, output_field=DateField()), k_centre=F(centre),
        k_sex=F(f"{person}__sex"), k_age=group, k_cats=F(f"{person}__vulnerabilities"))
    rows = queryset.values("k_month", "k_centre", "k_sex", "k_age", "k_cats").order_by()
    if hours_since:
        return rows.annotate(k_n=Count("pk"), k_total=Sum(ExpressionWrapper(
            F(at) - F(hours_since), output_field=DurationField())))
    return rows.annotate(k_n=Count("pk"), k_total=Value(0, output_field=FloatField()))


def _hours(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds, as SQLite sums durations


def _month_start(moment: datetime) -> date:
    local = timezone.localtime(moment)
    return local.date().replace(day=1)


def _cells(since: date | None) -> list[KpiCell]:
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0.0])
    for metric in metrics().values():
        for row in metric.source(since):
            month = row["k_month"]
            if isinstance(month, datetime):
                month = month.date()
            hours = _hours(row["k_total"]) if metric.duration else 0.0
            categories = [""] + sorted(set(row["k_cats"] or []))
            for category in categories:
                cell = cells[(row["k_centre"], month, metric.name, row["k_sex"] or "",
                              row["k_age"], category)]
                cell[0] += row["k_n"]
                cell[1] += hours
    return [KpiCell(centre_id=centre, month=month, metric=name, sex=sex, age_group=age,
                    category=category, count=n, total=round(total, 3))
            for (centre, month, name, sex, age, category), (n, total) in cells.items()]


def _caseloads() -> list[CaseloadCell]:
    from jisr.cases.models import Case as CaseModel
    from jisr.cases.models import Stage, Urgency

    rows = (CaseModel.objects.exclude(stage=Stage.CLOSED)
            .values("lead_centre_id", "assigned_to_id")
            .annotate(n=Count("pk"), urgent=Count("pk", filter=Q(urgency=Urgency.URGENT)))
            .order_by())
    return [CaseloadCell(centre_id=r["lead_centre_id"], worker_id=r["assigned_to_id"],
                         open_cases=r["n"], urgent=r["urgent"]) for r in rows]


@transaction.atomic
def kpis_refresh(*, full: bool = False, now: datetime | None = None) -> KpiRefresh:
    """Recompute the activity figures: every month when ``full`` (after a bulk load of
    back-dated cases, e.g. the demo), else the months since the last refresh."""
    now = now or timezone.now()
    clock = time.monotonic()
    # The lock: the latest refresh row (or nothing yet, then the first refresh simply runs).
    last = (KpiRefresh.objects.select_for_update().filter(finished_at__isnull=False)
            .order_by("-started_at", "-pk").first())
    since = None if full or last is None else _month_start(last.started_at - timedelta(days=1))
    refresh = KpiRefresh.objects.create(started_at=now, from_month=since)
    cells = _cells(since)
    stale = KpiCell.objects.all() if since is None else KpiCell.objects.filter(month__gte=since)
    stale.delete()
    KpiCell.objects.bulk_create(cells, batch_size=BATCH)
    CaseloadCell.objects.all().delete()
    CaseloadCell.objects.bulk_create(_caseloads(), batch_size=BATCH)
    refresh.finished_at = timezone.now()
    refresh.cells = len(cells)
    refresh.seconds = round(time.monotonic() - clock, 3)
    refresh.save(update_fields=["finished_at", "cells", "seconds"])
    audit.record_bulk(actor=None, action="reports.kpis.refresh",
                      object_type="reports.kpicell", count=len(cells))
    return refresh
