"""`load.py --restart-db --copy`: a large copy job in the worker while the database restarts.

The worker (`manage.py run_worker`) runs against the throwaway cluster. A copy of every
contact of "bench" into "bench-001" is started through the same path as the browser's
"Copy to organization…" (`copy_job_create`, more than COPY_INLINE_LIMIT records: queued
for the worker); once the worker has it running, the database is stopped. Afterwards:
is the worker process still alive, what state do the job and its task show (after the
check the job's page makes, `reap_abandoned`), did the target organization receive
anything (it must not: the copy is one transaction), and does the same copy, started
again, complete?
"""

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
TARGET_SLUG = generate.OTHER_SLUG.format(1)


def _copy_modules():
    """The copy job services, runner and model (imported once Django is set up)."""
    from transfers import jobs, services
    from transfers.models import CopyJob, CopyStatus

    return services, jobs, CopyJob, CopyStatus


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class StartedCopy:
    job_id: int
    target_contacts_before: int
    source_contacts: int
    started: float


def start_worker(env: dict, workdir: Path) -> WorkerProcess:
    log = workdir / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return WorkerProcess(process, log)


def _target_contacts() -> int:
    from contacts.models import Contact
    from organizations.scoping import scopes_disabled

    with scopes_disabled():
        return Contact.objects.filter(organization__slug=TARGET_SLUG).count()


def start_copy() -> StartedCopy:
    """Queue a copy of all of bench's contacts into bench-001, as their owner."""
    from contacts.models import Contact
    from organizations.models import Organization, User
    from organizations.scoping import scopes_disabled

    services, _, _, _ = _copy_modules()
    with scopes_disabled():
        source = Organization.objects.get(slug=generate.BIG_SLUG)
        target = Organization.objects.get(slug=TARGET_SLUG)
        owner = User.objects.get(email=generate.OWNER_EMAIL)
        records = Contact.objects.filter(organization=source).count()
        before = _target_contacts()
        job = services.copy_job_create(
            source=source, target=target, user=owner, kind="contacts", ids=None, filters={},
            with_attachments=False, skip_existing=False, records=records,
        )  # fmt: skip
    return StartedCopy(job.pk, before, records, time.monotonic())


def wait_until_running(job_id: int, attempts: int = 600) -> float | None:
    """Poll (every 50 ms) until the worker runs the job; the monotonic time it was seen."""
    from django.db import connection

    from organizations.scoping import scopes_disabled

    _, _, CopyJob, CopyStatus = _copy_modules()
    try:
        with scopes_disabled():
            for _ in range(attempts):
                jobs = CopyJob.objects.filter(pk=job_id)
                status = jobs.values_list("status", flat=True).first()
                if status == CopyStatus.RUNNING:
                    return time.monotonic()
                if status in (CopyStatus.DONE, CopyStatus.FAILED):
                    return None
                time.sleep(0.05)
        return None
    finally:
        connection.close()  # this thread's own connection


def finish(started: StartedCopy, worker: WorkerProcess, times: dict) -> dict:
    """What the restart did to the job, then the same copy again to the end."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from organizations.scoping import scopes_disabled

    _, jobs, CopyJob, CopyStatus = _copy_modules()
    connection.close()
    with scopes_disabled():
        job = CopyJob.objects.get(pk=started.job_id)
        status_after_restart = job.status
        job = jobs.reap_abandoned(job)  # what the job's page does when it is opened
        task_statuses = sorted(
            {
                r.status
                for r in DBTaskResult.objects.all()
                if r.args_kwargs["args"] == [started.job_id]
            }
        )
        target_after_restart = _target_contacts()
        again = start_copy()
        final = None
        for _ in range(1200):  # up to two minutes
            final = CopyJob.objects.get(pk=again.job_id)
            if final.status in (CopyStatus.DONE, CopyStatus.FAILED):
                break
            time.sleep(0.1)
        target_after_again = _target_contacts()
    log = worker.log.read_text(errors="replace")
    return {
        "source_contacts": started.source_contacts,
        "restart_during_copy": times.get("copy_running") is not None,
        "seconds_running_before_stop": (
            round(times["down"] - times["copy_running"], 2) if times.get("copy_running") else None
        ),
        "worker_alive": worker.process.poll() is None,
        "worker_outages_logged": log.count("lost the database"),
        "job_status_after_restart": status_after_restart,
        "job_status_when_opened": job.status,
        "job_error": job.error,
        "task_statuses": task_statuses,
        "target_contacts_before": started.target_contacts_before,
        "target_contacts_after_restart": target_after_restart,
        "half_written": target_after_restart != started.target_contacts_before,
        "started_again_status": final.status if final else None,
        "target_contacts_after_second_copy": target_after_again,
        "second_copy_seconds": round(time.monotonic() - again.started, 1),
    }
