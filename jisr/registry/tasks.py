"""Background work of the registry: thin tasks that call the services (safe to run twice)."""

from django_tasks import task

from jisr.registry import review


@task()
def run_duplicate_scan(scan_id: int) -> None:
    """Run a queued duplicate scan; a second run of the same scan does nothing."""
    review.duplicate_scan_run(scan_id=scan_id)
