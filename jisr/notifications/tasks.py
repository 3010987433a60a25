"""Background work of notifications: thin tasks over the services (safe to run twice)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from jisr.core.periodic import periodic
from jisr.notifications import services


@task()
def deliver_notification(notification_id: int) -> str:
    """One delivery attempt of an e-mail or SMS (nothing if it is not due)."""
    return services.notification_deliver(notification_id=notification_id)


@periodic(every=timedelta(minutes=1))
@task()
def retry_notifications() -> int:
    """Attempt again the e-mails and SMS that failed (after their backoff) or whose
    delivery task was lost; returns how many were attempted."""
    due = services.notifications_due()
    for notification_id in due:
        services.notification_deliver(notification_id=notification_id)
    return len(due)
