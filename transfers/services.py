"""Copy jobs asked for in the browser: recorded, then run in the request or by the worker.

`copy_job_create` records what the owner asked for and either runs it at once (up to
COPY_INLINE_LIMIT records) or enqueues `transfers.tasks.copy_job_run` on the task
backend (django-tasks-db: a row that `manage.py run_worker` picks up). Either way the
owner lands on the job's page, which polls until the report is there.
"""

from django.conf import settings
from django.db import transaction

from organizations.models import Organization, User
from transfers.duplication import check_roles
from transfers.jobs import copy_job_execute
from transfers.models import CopyJob
from transfers.tasks import copy_job_run


def copy_job_create(
    *,
    source: Organization,
    target: Organization,
    user: User,
    kind: str,
    ids: list[int] | None,
    filters: dict,
    with_attachments: bool,
    skip_existing: bool,
    records: int,
) -> CopyJob:
    """Record a copy and start it: inline up to COPY_INLINE_LIMIT `records`, else in the worker."""
    check_roles(source=source, target=target, user=user)
    job = CopyJob.objects.create(
        organization=source,
        target=target,
        requested_by=user,
        kind=kind,
        ids=ids,
        filters=filters if ids is None else {},
        with_attachments=with_attachments,
        skip_existing=skip_existing,
    )
    if records <= settings.COPY_INLINE_LIMIT:
        copy_job_execute(job_id=job.pk)
    else:
        # Only once the job row is committed can the worker find it.
        transaction.on_commit(lambda: copy_job_run.enqueue(job.pk))
    job.refresh_from_db()
    return job
