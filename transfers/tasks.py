"""Background tasks (django.tasks), run by the worker: `manage.py run_worker`."""

from django.tasks import task

from transfers.jobs import copy_job_execute


@task()
def copy_job_run(job_id: int) -> None:
    """Run the copy job `job_id` (see transfers.jobs)."""
    copy_job_execute(job_id=job_id)
