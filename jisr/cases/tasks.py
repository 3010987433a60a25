"""Background work of cases: thin periodic tasks over the services (safe to run twice):
the SMS reminders of tomorrow's appointments and the referral deadlines."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from jisr.core.periodic import periodic


# Every hour: the job is idempotent (one reminder per appointment and start time), so an
# appointment booked or moved to tomorrow during the day is still reminded the day before.
@periodic(every=timedelta(hours=1))
@task()
def send_appointment_reminders() -> int:
    """SMS reminders of tomorrow's booked appointments; returns how many were queued."""
    from jisr.cases.calendar import appointment_reminders_send

    return appointment_reminders_send()


@periodic(every=timedelta(minutes=15))
@task()
def check_referral_deadlines() -> dict:
    """Remind both sides of referrals due within a day, flag (once) and notify those past
    their deadline, and move waiting lists up where places freed."""
    from jisr.cases.referral_services import referrals_check_deadlines

    return referrals_check_deadlines()


# Hourly: notify() makes each reminder once (per step and due date, per follow-up and
# date), so a step falling overdue during the day is reminded within the hour.
@periodic(every=timedelta(hours=1))
@task()
def send_pathway_reminders() -> dict:
    """In-app reminders of overdue pathway steps and of tomorrow's follow-ups."""
    from jisr.cases.pathway_services import pathway_reminders_send

    return pathway_reminders_send()
