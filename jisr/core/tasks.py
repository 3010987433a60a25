from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django_tasks import task

from jisr.core.periodic import periodic


@periodic(every=timedelta(hours=6))
@task()
def prune_finished_tasks() -> None:
    """Forget results of background tasks finished more than a week ago."""
    call_command("prune_db_task_results", min_age_days=7, verbosity=0)


@periodic(every=timedelta(hours=1))
@task()
def clear_expired_sessions() -> None:
    call_command("clearsessions", verbosity=0)
