"""Background tasks (django.tasks), run by the worker: `manage.py db_worker`."""

from django.tasks import task

from connections.copy_jobs import copy_job_execute


@task()
def copy_job_run(job_id: int) -> None:
    """Run the copy job `job_id` (see connections.copy_jobs)."""
    copy_job_execute(job_id=job_id)
