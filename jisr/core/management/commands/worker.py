"""``jisr worker``: runs queued background tasks and schedules the periodic jobs.

It is django-tasks-db's ``db_worker`` plus the periodic scheduler thread; run as many as the
load needs, on as many machines, against the same database.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from jisr.core.periodic import SchedulerThread


class Command(DbWorker):
    help = "Run background tasks and periodic jobs (any number of workers may run at once)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--schedule-interval", type=float, default=30.0,
                            help="Seconds between checks for due periodic jobs (default 30).")
        parser.add_argument("--no-schedule", action="store_true",
                            help="Only run queued tasks; leave periodic jobs to other workers.")

    def handle(self, *args, schedule_interval, no_schedule, **options):
        options["queue_name"] = options.get("queue_name") or "*"
        options.setdefault("reload", False)
        if not no_schedule:
            SchedulerThread(schedule_interval).start()
        return super().handle(*args, **options)
