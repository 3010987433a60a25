"""The figures shown from the activity tables: counts, mean durations and rates, each read
from one or two metrics (jisr.reports.aggregates). A figure whose metrics no app registers
is left out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # "count", "days" (mean of a duration metric) or "rate" (part of a whole)
    metric: str
    # For a rate: the metrics whose counts add up to the whole.
    of: tuple[str, ...] = ()


FIGURES = [
    Figure("received", _("Persons received"), "count", "cases_received"),
    Figure("listened", _("Listening interviews"), "count", "cases_listened"),
    Figure("days_to_listening", _("Days from reception to listening (mean)"), "days",
           "cases_listened"),
    Figure("oriented", _("Cases oriented"), "count", "cases_oriented"),
    Figure("days_to_orientation", _("Days from reception to orientation (mean)"), "days",
           "cases_oriented"),
    Figure("referrals_sent", _("Referrals sent"), "count", "referrals_sent"),
    Figure("referral_acceptance", _("Referrals accepted"), "rate", "referrals_accepted",
           ("referrals_accepted", "referrals_declined")),
    Figure("referral_completion", _("Referrals delivered"), "rate", "referrals_delivered",
           ("referrals_delivered", "referrals_not_delivered")),
    Figure("referrals_overdue", _("Referrals overdue"), "count", "referrals_overdue"),
    Figure("in_pathway", _("Cases entering a pathway"), "count", "cases_in_pathway"),
    Figure("pathway_completion", _("Pathways completed"), "rate", "plans_completed",
           ("plans_completed", "plans_partial", "plans_abandoned")),
    Figure("closed", _("Cases closed"), "count", "cases_closed"),
]
