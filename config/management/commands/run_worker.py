"""`manage.py run_worker`: django-tasks-db's `db_worker`, kept alive while the database restarts.

`db_worker` exits with a traceback at the first query that finds the database gone (a
restart, a failover, a network cut): its loop re-raises every error but a locked
SQLite file. Run under a supervisor that restarts it, that is only a pause; run alone
(`make run`, a container without a restart policy), background work stops for good.
This command runs the same worker, with the same options, and when it stops on a lost
connection it closes the broken connections, marks the task it was running as failed
(its transaction was rolled back with the connection, so the task wrote nothing) and
starts the loop again, waiting a little longer each time the database is still away.
Any other error still ends the command, as before.
"""

import logging
import time

from django.apps import apps
from django.db import connections
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from config.outage import is_database_unavailable

logger = logging.getLogger("django_tasks_db")

# Seconds between attempts while the database stays away: doubling up to the maximum.
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 5.0


class Command(db_worker.Command):
    help = "Run the task worker (db_worker); start it again when the database connection is lost."

    def handle(self, *args, **options) -> None:
        # The reloader runs the worker in a child process this loop could not watch.
        options["reload"] = False
        pause = FIRST_PAUSE
        while True:
            try:
                self.start_periodic_tasks()
                super().handle(*args, **options)
                return  # stopped on purpose: a signal, --batch or --max-tasks
            except Exception as error:
                if not is_database_unavailable(error):
                    raise
                logger.warning(
                    "Worker %s lost the database (%s); starting again in %.1f s.",
                    options["worker_id"],
                    str(error).splitlines()[0] if str(error) else type(error).__name__,
                    pause,
                )
            connections.close_all()
            time.sleep(pause)
            try:
                self.fail_interrupted(options["worker_id"])
            except Exception as error:
                if not is_database_unavailable(error):
                    raise
                connections.close_all()
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            pause = FIRST_PAUSE

    def start_periodic_tasks(self) -> None:
        """Let each app enqueue its periodic task (`worker_started` hook; the reminders'
        tick re-enqueues itself, so one enqueued here keeps the chain going)."""
        for config in apps.get_app_configs():
            hook = getattr(config, "worker_started", None)
            if hook is not None:
                hook()

    def fail_interrupted(self, worker_id: str) -> int:
        """Mark the tasks this worker was running when the connection went as failed."""
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        # The last worker to claim a task is the one running it.
        interrupted = [r for r in running if r.worker_ids and r.worker_ids[-1] == worker_id]
        for result in interrupted:
            result.set_failed(ConnectionError("the database connection was lost during the task"))
        return len(interrupted)
