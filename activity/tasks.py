"""Background tasks (django.tasks), run by the worker: `manage.py run_worker`."""

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone

from activity.reminders import send_due_reminders

TICK_PATH = "activity.tasks.reminders_tick"


@task()
def reminders_tick() -> int:
    """Send the reminders that are due, then schedule the next tick."""
    try:
        return send_due_reminders()
    finally:
        # Even after a failure: the chain of ticks must not end.
        schedule_next_tick(delay=settings.REMINDER_INTERVAL)


def schedule_next_tick(*, delay: float = 0) -> bool:
    """Enqueue a tick unless one is already waiting; return whether one was enqueued.

    Only the database backend runs a task later; with the others (the tests' immediate
    backend) a tick runs once, when asked. Two ticks finishing at the same instant may
    both enqueue one: harmless, each reminder is claimed once.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[reminders_tick.backend], DatabaseBackend):
        return False

    waiting = DBTaskResult.objects.filter(task_path=TICK_PATH, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    reminders_tick.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()
    return True
