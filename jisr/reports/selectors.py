"""Reading the activity figures, always through the access policy: which centres
(``policy.kpi_centres_for``) and whether small counts may show (``policy.kpi_exact_for``).
Every read is a handful of queries on the aggregate tables, whatever the number of cases."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Sum

from jisr.accounts import policy
from jisr.core.exceptions import NotFound
from jisr.reports.aggregates import metrics
from jisr.reports.figures import FIGURES, Figure
from jisr.reports.models import CaseloadCell, KpiCell, KpiRefresh

# Counts below this are shown as "fewer than" to roles without person-level access.
SMALL_CELL = 5


@dataclass(frozen=True)
class KpiFilters:
    month_from: date
    month_to: date
    sex: str = ""
    age_group: str = ""
    category: str = ""
    centre_id: int | None = None


@dataclass
class Value:
    """One figure of one row: ``value`` None when suppressed (``suppressed``) or undefined
    (nothing to divide)."""

    value: float | int | None
    kind: str = "count"
    suppressed: bool = False


def figures() -> list[Figure]:
    known = metrics()
    return [f for f in FIGURES if f.metric in known and all(m in known for m in f.of)]


def _value(figure: Figure, sums: dict, exact: bool) -> Value:
    value = _compute(figure, sums, exact)
    value.kind = figure.kind
    return value


def _compute(figure: Figure, sums: dict, exact: bool) -> Value:
    count, total = sums.get(figure.metric, (0, 0.0))
    small = (lambda n: 0 < n < SMALL_CELL) if not exact else (lambda n: False)
    if figure.kind == "count":
        return Value(None, suppressed=True) if small(count) else Value(count)
    if figure.kind == "days":
        if small(count):
            return Value(None, suppressed=True)
        return Value(round(total / count / 24, 1) if count else None)
    whole = sum(sums.get(m, (0, 0.0))[0] for m in figure.of)
    if small(whole):
        return Value(None, suppressed=True)
    return Value(round(100 * count / whole) if whole else None)


def _rows(cells: QuerySet, key: str, exact: bool, shown: list[Figure]) -> dict:
    sums: dict = defaultdict(dict)
    for row in cells.values(key, "metric").annotate(n=Sum("count"), t=Sum("total")).order_by():
        sums[row[key]][row["metric"]] = (row["n"] or 0, row["t"] or 0.0)
    return {k: [_value(f, v, exact) for f in shown] for k, v in sums.items()}


def _total(cells: QuerySet, exact: bool, shown: list[Figure]) -> list[Value]:
    sums = {row["metric"]: (row["n"] or 0, row["t"] or 0.0) for row in cells.values(
        "metric").annotate(n=Sum("count"), t=Sum("total")).order_by()}
    return [_value(f, sums, exact) for f in shown]


def kpi_report(*, user, filters: KpiFilters) -> dict:
    """The figures of the user's centres for the period: one row per centre and the total,
    or, for one centre (``filters.centre_id``), one row per month and its caseloads."""
    centres = policy.kpi_centres_for(user)
    exact = policy.kpi_exact_for(user)
    shown = figures()
    if filters.centre_id is not None:
        centre = policy.get_or_404(centres, pk=filters.centre_id)
        territory = centres.exclude(pk=centre.pk).exists()
        centres = centres.filter(pk=centre.pk)
    else:
        centre, territory = None, False
    cells = KpiCell.objects.filter(centre__in=centres.values("pk"),
                                   month__gte=filters.month_from, month__lte=filters.month_to,
                                   category=filters.category)
    if filters.sex:
        cells = cells.filter(sex=filters.sex)
    if filters.age_group:
        cells = cells.filter(age_group=filters.age_group)
    report = {"figures": shown, "exact": exact, "centre": centre, "small": SMALL_CELL,
              "territory": territory,
              "total": _total(cells, exact, shown),
              "refreshed": KpiRefresh.objects.filter(finished_at__isnull=False).first()}
    if centre is None:
        by_centre = _rows(cells, "centre_id", exact, shown)
        centre_list = list(centres.order_by("commune__province__code", "code")[:500])
        empty = [_value(f, {}, exact) for f in shown]
        report["rows"] = [(c, by_centre.get(c.pk) or empty) for c in centre_list]
    else:
        by_month = _rows(cells, "month", exact, shown)
        report["months"] = sorted(by_month.items())
        report["caseloads"] = _caseloads(centre, exact)
    return report


def caseloads(*, user, centre) -> list[dict]:
    """Open cases per worker of one centre (as of the last refresh)."""
    if not policy.kpi_centres_for(user).filter(pk=centre.pk).exists():
        raise NotFound()
    return _caseloads(centre, policy.kpi_exact_for(user))


def _caseloads(centre, exact: bool) -> list[dict]:
    rows = CaseloadCell.objects.filter(centre=centre).select_related("worker").order_by(
        "-open_cases", "worker__last_name")
    return [{"worker": r.worker,
             "open": r.open_cases if exact or r.open_cases >= SMALL_CELL else None,
             "urgent": r.urgent if exact or r.urgent == 0 or r.urgent >= SMALL_CELL else None}
            for r in rows]


def activity_reports_for(*, user) -> QuerySet:
    """The monthly reports the user asked for (while they may still read the figures)."""
    from jisr.reports.models import ActivityReport

    qs = ActivityReport.objects.select_related("centre")
    if not policy.has_perm(user, "reports.view_kpis"):
        return qs.none()
    return qs.filter(requested_by=user)
