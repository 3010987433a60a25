"""Background work of cases: thin periodic tasks over the services (safe to run twice)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from jisr.core.periodic import periodic


@periodic(every=timedelta(minutes=15))
@task()
def check_referral_deadlines() -> dict:
    """Remind both sides of referrals due within a day, flag (once) and notify those past
    their deadline, and move waiting lists up where places freed."""
    from jisr.cases.referral_services import referrals_check_deadlines

    return referrals_check_deadlines()
