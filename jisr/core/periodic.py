"""Periodic jobs, scheduled by the workers themselves (no cron, no separate beat process).

A job is a task of Django's tasks API registered here with its interval. Each ``jisr worker``
runs a small scheduler thread that claims the due rows of :class:`PeriodicJob` inside one
transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers) and enqueues the task, so with any number of workers a job is enqueued once
per period. The tasks themselves are written to be safe to run twice.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from jisr.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registered:
    task: object
    every: timedelta


_registry: dict[str, Registered] = {}


def periodic(*, every: timedelta):
    """Register a task (decorated with ``@task``) to run every ``every``."""

    def decorator(task_obj):
        _registry[task_obj.module_path] = Registered(task_obj, every)
        return task_obj

    return decorator


def registered() -> dict[str, Registered]:
    autodiscover_modules("tasks")
    return dict(_registry)


def schedule_due(now=None) -> list[str]:
    """Enqueue every due job once; return the names enqueued."""
    now = now or timezone.now()
    jobs = registered()
    existing = set(PeriodicJob.objects.filter(name__in=jobs).values_list("name", flat=True))
    for name in jobs.keys() - existing:
        PeriodicJob.objects.get_or_create(
            name=name, defaults={"interval_seconds": int(jobs[name].every.total_seconds()),
                                 "next_run_at": now})
    enqueued = []
    with transaction.atomic():
        due = PeriodicJob.objects.filter(name__in=jobs, next_run_at__lte=now).order_by("name")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for job in due:
            spec = jobs[job.name]
            result = spec.task.enqueue()
            job.next_run_at = now + spec.every
            job.interval_seconds = int(spec.every.total_seconds())
            job.last_enqueued_at = now
            job.last_result_id = str(result.id)
            job.save(update_fields=["next_run_at", "interval_seconds", "last_enqueued_at",
                                    "last_result_id"])
            enqueued.append(job.name)
    return enqueued


class SchedulerThread(threading.Thread):
    def __init__(self, interval: float):
        super().__init__(name="jisr-scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                for name in schedule_due():
                    logger.info("periodic job enqueued: %s", name)
            except Exception:  # a failed round must not kill the worker; the next one retries
                logger.exception("periodic scheduling failed")
            finally:
                connection.close()
            self.stopping.wait(self.interval)
