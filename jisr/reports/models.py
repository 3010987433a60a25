"""Pre-aggregated activity figures (KPIs) of the centres.

Pages and reports read these tables, never the case tables: a refresh job
(:func:`jisr.reports.aggregates.kpis_refresh`, run periodically by the workers) fills them
from the apps' metric sources (``<app>/kpis.py``). One :class:`KpiCell` is the count (and,
for durations, the summed hours) of one metric at one centre in one month for one group of
persons: sex, age group at the time of the event, and a vulnerability category ("" for all
persons; a person of several categories counts in each).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeGroup(models.TextChoices):
    CHILD = "0-17", _("0–17 years")
    YOUNG = "18-29", _("18–29 years")
    ADULT = "30-44", _("30–44 years")
    MIDDLE = "45-59", _("45–59 years")
    ELDERLY = "60+", _("60 years and over")
    UNKNOWN = "?", _("Age unknown")


class KpiCell(models.Model):
    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("centre"))
    month = models.DateField(_("month"))
    metric = models.CharField(_("figure"), max_length=40)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    category = models.CharField(_("vulnerability category"), max_length=40, blank=True)
    count = models.PositiveIntegerField(_("count"))
    # The summed value of a duration figure, in hours (the mean is total / count).
    total = models.FloatField(_("total"), default=0)

    class Meta:
        verbose_name = _("activity figure")
        verbose_name_plural = _("activity figures")
        constraints = [models.UniqueConstraint(
            fields=["centre", "month", "metric", "sex", "age_group", "category"],
            name="kpicell_unique")]
        indexes = [models.Index(fields=["centre", "month"], name="kpicell_centre_month"),
                   models.Index(fields=["month", "category"], name="kpicell_month_category")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m} {self.metric}={self.count}"


class CaseloadCell(models.Model):
    """Open cases per worker of a centre (``worker`` empty: not assigned yet), as of the
    last refresh."""

    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("centre"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="+", verbose_name=_("worker"))
    open_cases = models.PositiveIntegerField(_("open cases"))
    urgent = models.PositiveIntegerField(_("urgent"), default=0)

    class Meta:
        verbose_name = _("caseload")
        verbose_name_plural = _("caseloads")
        indexes = [models.Index(fields=["centre"], name="caseload_centre")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.worker_id}: {self.open_cases}"


class KpiRefresh(models.Model):
    """One refresh of the aggregates: its fill state. The next incremental refresh starts
    again from the month of the last one's start (less a day), so an event committed while
    a refresh ran is counted by the next."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Empty: every month was recomputed (a full refresh).
    from_month = models.DateField(_("from month"), null=True, blank=True)
    cells = models.PositiveIntegerField(_("figures written"), default=0)
    seconds = models.FloatField(_("duration (seconds)"), default=0)

    class Meta:
        verbose_name = _("refresh of the figures")
        verbose_name_plural = _("refreshes of the figures")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.cells})"

    @property
    def full(self) -> bool:
        return self.from_month is None


class ActivityReport(models.Model):
    """A monthly activity report asked by a user, built in the background as a workbook
    (XLSX) and a printed document (PDF) in one language, from the figures that user may
    read (``centre`` empty: every centre of their scope)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("asked by"))
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("centre"))
    month = models.DateField(_("month"))
    language = models.CharField(_("language"), max_length=5,
                                choices=[("ar", "العربية"), ("fr", "Français")])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    xlsx_name = models.CharField(max_length=200, blank=True, editable=False)
    pdf_name = models.CharField(max_length=200, blank=True, editable=False)
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("centre", "month", "language", "status")

    class Meta:
        verbose_name = _("monthly activity report")
        verbose_name_plural = _("monthly activity reports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.centre_id or '*'} {self.language}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
