"""Background tasks of imports (django.tasks), run by the worker: `manage.py run_worker`."""

from django.tasks import task

from transfers.imports import import_job_execute


@task()
def import_job_check(job_id: int) -> None:
    """Check the whole file of import `job_id` (a dry run: counts only)."""
    import_job_execute(job_id=job_id, step="check")


@task()
def import_job_run(job_id: int) -> None:
    """Run import `job_id`."""
    import_job_execute(job_id=job_id, step="run")


@task()
def import_job_revert(job_id: int) -> None:
    """Revert import `job_id`."""
    import_job_execute(job_id=job_id, step="revert")
