import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jisr.core import periodic
from jisr.core.models import PeriodicJob


@pytest.fixture
def database_tasks(settings):
    # django-tasks resets its backends when TASKS changes (setting_changed)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.order_by("task_path").values_list("task_path", flat=True))


def test_due_jobs_are_enqueued_once_per_period(db, database_tasks):
    now = timezone.now()
    first = periodic.schedule_due(now)
    assert "jisr.core.tasks.clear_expired_sessions" in first
    assert periodic.schedule_due(now + timedelta(seconds=5)) == []
    job = PeriodicJob.objects.get(name="jisr.core.tasks.clear_expired_sessions")
    assert job.next_run_at == now + timedelta(hours=1)
    # Other apps' jobs with shorter periods are due again too; this one is due once more.
    again = periodic.schedule_due(now + timedelta(hours=1, seconds=1))
    assert again.count("jisr.core.tasks.clear_expired_sessions") == 1
    assert "jisr.core.tasks.prune_finished_tasks" not in again
    assert _queued().count("jisr.core.tasks.clear_expired_sessions") == 2


@pytest.mark.django_db(transaction=True)
def test_workers_scheduling_at_the_same_moment_enqueue_a_job_once(database_tasks):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises writers")
    now = timezone.now()
    periodic.schedule_due(now)  # creates the rows
    barrier = threading.Barrier(4)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(periodic.schedule_due(now + timedelta(hours=7)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    enqueued = [name for r in results for name in r]
    assert sorted(enqueued) == sorted(set(enqueued))
    assert len(enqueued) == len(periodic.registered())


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_queued_tasks(database_tasks):
    from django.core.management import call_command

    periodic.schedule_due(timezone.now())
    call_command("worker", "--batch", "--no-schedule", "--no-startup-delay", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
