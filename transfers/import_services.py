"""Starting the steps of an import: in the request when small, else in the worker.

An import of up to `IMPORT_INLINE_ROWS` rows (default 500) is checked, run and reverted
in the request; a larger one is enqueued (`transfers.import_tasks`, run by `manage.py
run_worker`) once the request's transaction commits, and its page polls its progress.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from transfers import import_tasks
from transfers.imports import ImportRefused, check_mapping, import_job_execute, inline_rows
from transfers.models import ImportJob, ImportMapping, ImportMode, ImportStatus


def mapping_save(job: ImportJob, mapping: list[str]) -> ImportJob:
    """Keep the job's mapping, remember it for the organization, and start the dry run."""
    check_mapping(job.kind, mapping)
    job.mapping = mapping
    job.status = ImportStatus.CHECKING
    job.checked = None
    job.rows_done = 0
    job.started_at = None  # set by the runner when it begins (see `reap_abandoned`)
    job.error = ""
    job.save(update_fields=["mapping", "status", "checked", "rows_done", "started_at", "error"])
    if job.file_format != "vcf":
        remembered, _created = ImportMapping.objects.get_or_create(
            organization=job.organization, kind=job.kind
        )
        remembered.columns = {**remembered.columns, **dict(zip(job.headers, mapping, strict=False))}
        remembered.save(update_fields=["columns", "updated_at"])
    _start(job, "check")
    return job


def run_start(job: ImportJob, mode: str) -> ImportJob:
    """Run a checked import with `mode` (valid rows, or all or nothing)."""
    if job.status != ImportStatus.CHECKED:
        raise ImportRefused(_("This import has already been started."))
    if mode == ImportMode.ALL_OR_NOTHING and (job.checked or {}).get("error"):
        raise ImportRefused(
            _(
                "Some rows have errors, so an all-or-nothing import would import nothing. "
                "Fix the file, or import the valid rows."
            )
        )
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.QUEUED, mode=mode, rows_done=0, started_at=None
    )
    if not updated:
        raise ImportRefused(_("This import has already been started."))
    job.refresh_from_db()
    _start(job, "run")
    return job


def revert_start(job: ImportJob) -> ImportJob:
    if job.status != ImportStatus.DONE or not (job.counts or {}).get("imported"):
        raise ImportRefused(_("Only a finished import can be reverted."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).update(
        status=ImportStatus.REVERTING, started_at=None, error=""
    )
    if not updated:
        raise ImportRefused(_("This import is already being reverted."))
    job.refresh_from_db()
    _start(job, "revert")
    return job


def _start(job: ImportJob, step: str) -> None:
    if job.rows_total <= inline_rows():
        import_job_execute(job_id=job.pk, step=step, live_progress=False)
        job.refresh_from_db()
    else:
        task = {
            "check": import_tasks.import_job_check,
            "run": import_tasks.import_job_run,
            "revert": import_tasks.import_job_revert,
        }[step]
        transaction.on_commit(lambda: task.enqueue(job.pk))
