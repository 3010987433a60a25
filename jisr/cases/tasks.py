"""Background work of the appointments calendar (thin; safe to run twice): the SMS
reminders of tomorrow's appointments (calendar.appointment_reminders_send)."""

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
