"""The daily purge of expired trash batches (django.tasks), run by the worker."""

from datetime import timedelta

from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone

from trash.services import purge_expired

PURGE_PATH = "trash.tasks.trash_purge"
PURGE_INTERVAL = timedelta(days=1)


@task()
def trash_purge() -> int:
    """Purge the batches past their organization's retention, then schedule tomorrow's."""
    try:
        return purge_expired()
    finally:
        # Even after a failure: the daily chain must not end.
        schedule_next_purge(delay=PURGE_INTERVAL)


def schedule_next_purge(*, delay: timedelta = timedelta(0)) -> bool:
    """Enqueue a purge unless one is already waiting; return whether one was enqueued.

    Only the database backend runs a task later; with the others (the tests' immediate
    backend) nothing is enqueued.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[trash_purge.backend], DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(task_path=PURGE_PATH, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    trash_purge.using(run_after=timezone.now() + delay).enqueue()
    return True
