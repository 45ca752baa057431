"""Running a copy job: once, under a lock, with its progress and its report recorded.

`transfers.services.copy_job_create` records what the owner asked for and runs it here
at once (up to COPY_INLINE_LIMIT records) or enqueues `transfers.tasks.copy_job_run`,
which the worker (`manage.py run_worker`) runs here too.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.scoping import scopes_disabled
from transfers.duplication import DuplicationError, directory_duplicate
from transfers.models import CopyJob, CopyStatus

logger = logging.getLogger(__name__)


def copy_selection(job: CopyJob) -> dict:
    """The `directory_duplicate` arguments that choose what `job` copies."""
    chosen = {"ids": list(job.ids)} if job.ids is not None else {"filter": dict(job.filters)}
    if job.kind == "contacts":
        # Chosen contacts bring their companies along; no other company is chosen.
        return {
            "contact_ids": chosen.get("ids"),
            "contact_filter": chosen.get("filter"),
            "company_ids": [],
        }
    return {
        "contact_ids": [],
        "company_ids": chosen.get("ids"),
        "company_filter": chosen.get("filter"),
    }


def copy_job_execute(*, job_id: int) -> None:
    """Run a queued copy job and store its report (or its error); a job runs once."""
    # The worker has no request and no tenant scope; the job names both organizations.
    with scopes_disabled(), RunnerLock(job_id) as held:
        if not held:
            return  # another process is running it
        job = CopyJob.objects.select_related("organization", "target", "requested_by").get(
            pk=job_id
        )
        started = CopyJob.objects.filter(pk=job.pk, status=CopyStatus.QUEUED).update(
            status=CopyStatus.RUNNING, started_at=timezone.now()
        )
        if not started:
            return
        recorder = ProgressRecorder(job.pk)
        try:
            report = directory_duplicate(
                source=job.organization,
                target=job.target,
                user=job.requested_by,
                with_attachments=job.with_attachments,
                skip_existing=job.skip_existing,
                progress=recorder,
                **copy_selection(job),
            )
        except DuplicationError as error:
            _finish(job, status=CopyStatus.FAILED, error=str(error))
        except Exception:
            logger.exception("Copy job %s failed.", job.pk)
            _finish(
                job,
                status=CopyStatus.FAILED,
                error=_("The copy failed unexpectedly; nothing was copied. Try again later."),
            )
        else:
            _finish(
                job,
                status=CopyStatus.DONE,
                report=report.as_json(),
                companies_done=recorder.done.get("company", 0),
                companies_total=recorder.total.get("company", 0),
                contacts_done=recorder.done.get("contact", 0),
                contacts_total=recorder.total.get("contact", 0),
            )
        finally:
            recorder.close()


def _finish(job: CopyJob, **values) -> None:
    CopyJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **values)


# The first key of the runner locks: "ROLO" in ASCII, so no other lock shares them.
LOCK_NAMESPACE = 0x524F4C4F


class RunnerLock:
    """A PostgreSQL advisory lock held by whoever runs a copy job, for as long as it runs.

    The lock belongs to the runner's database session: if the worker dies mid-copy
    (killed, out of memory, a lost machine), PostgreSQL rolls the copy back and frees
    the lock with the connection. A job still marked running whose lock anybody can
    take is therefore abandoned (`reap_abandoned`). Other databases have no such lock:
    there `held` is always true and an abandoned job stays "running".
    """

    def __init__(self, job_id: int) -> None:
        self.key = [LOCK_NAMESPACE, job_id % 2**31]
        self.held = False

    def __enter__(self) -> bool:
        if connection.vendor != "postgresql":
            self.held = True
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key)
            self.held = cursor.fetchone()[0]
        return self.held

    def __exit__(self, *exc_info) -> None:
        if self.held and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", self.key)


def reap_abandoned(job: CopyJob) -> CopyJob:
    """Mark `job` failed if it is "running" but nobody runs it any more; return it fresh.

    Only on PostgreSQL (see `RunnerLock`): taking the runner's lock proves no live
    session holds it. The copy was one transaction, so the target is unchanged.
    """
    if job.status != CopyStatus.RUNNING or connection.vendor != "postgresql":
        return job
    with RunnerLock(job.pk) as free:
        if free:
            _finish_abandoned(job)
    job.refresh_from_db()
    return job


def _finish_abandoned(job: CopyJob) -> None:
    CopyJob.objects.filter(
        organization=job.organization_id, pk=job.pk, status=CopyStatus.RUNNING
    ).update(
        status=CopyStatus.FAILED,
        finished_at=timezone.now(),
        error=_(
            "The copy stopped before it finished (its worker was interrupted); nothing "
            "was copied. Start it again."
        ),
    )


class ProgressRecorder:
    """Write a job's progress where the page can read it while the copy is still running.

    The copy is one long transaction, so its own connection cannot show progress. On
    PostgreSQL a second, autocommit connection updates the job row after each batch. On
    SQLite a second writer would wait for the copy's lock, so the counts appear at the end.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        self.table = connection.ops.quote_name(CopyJob._meta.db_table)

    def __call__(self, kind: str, done: int, total: int) -> None:
        self.done[kind], self.total[kind] = done, total
        if self.side is None:
            return
        column = "contacts" if kind == "contact" else "companies"
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {self.table} SET {column}_done = %s, {column}_total = %s "  # noqa: S608 - fixed names
                    "WHERE id = %s",
                    [done, total, self.job_id],
                )
        except Exception:
            # Progress is a courtesy: losing it must not fail the copy.
            logger.warning("Could not record the progress of copy job %s.", self.job_id)
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
