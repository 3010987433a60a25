"""Background work of imports: a run started from the UI or the API, and the periodic
resumption of runs whose worker was killed. Both are safe to run twice: a run is claimed
under a row lock, and each chunk checks the run's cursor before writing."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from jisr.core import context
from jisr.core.periodic import periodic


@task()
def import_run(run_id: int) -> None:
    from jisr.imports import services
    from jisr.imports.models import ImportRun

    started_by = ImportRun.objects.filter(pk=run_id).values_list("started_by_id",
                                                                 flat=True).first()
    with context.acting(actor_id=started_by, channel="task"):
        services.import_run_execute(run_id=run_id)


@periodic(every=timedelta(minutes=5))
@task()
def resume_stalled_imports() -> None:
    from jisr.imports import services

    services.resume_stalled()
