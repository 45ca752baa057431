"""Copy jobs moved from `connections` to `transfers` (issue 12) without losing a row.

The database is taken back to the migrations of the commit before the move (copy jobs
in `connections`), filled there through that state's models, then migrated forward:
the jobs, a task queued under the old task path and the model's content type must all
come through.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from organizations.scoping import scopes_disabled
from tests import factories
from transfers.models import CopyJob

BEFORE_THE_MOVE = [("connections", "0002_copy_jobs"), ("transfers", None)]


def migrate(targets):
    """Migrate the test database to `targets`; return the models as they are there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets)
    return state.apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_copy_jobs_keep_their_rows_and_queued_tasks_when_they_move_to_transfers():
    with scopes_disabled():
        source = factories.OrganizationFactory(slug="source")
        target = factories.OrganizationFactory(slug="target")
        owner = factories.UserFactory(email="owner@example.com")
        contact = factories.ContactFactory(organization=source, created_by=owner)
    try:
        old = migrate(BEFORE_THE_MOVE)
        OldCopyJob = old.get_model("connections", "CopyJob")
        assert OldCopyJob._meta.db_table == "connections_copyjob"
        job = OldCopyJob.objects.create(
            organization_id=source.pk,
            target_id=target.pk,
            requested_by_id=owner.pk,
            kind="contacts",
            ids=[contact.pk],
            status="queued",
            contacts_total=1,
        )
        OldTask = old.get_model("django_tasks_database", "DBTaskResult")
        task = OldTask.objects.create(
            task_path="connections.tasks.copy_job_run",
            args_kwargs={"args": [job.pk], "kwargs": {}},
            queue_name="default",
            backend_name="default",
            priority=0,
            run_after=timezone.now(),
        )
        ContentType.objects.get_or_create(app_label="connections", model="copyjob")
        ContentType.objects.filter(app_label="transfers", model="copyjob").delete()
    finally:
        migrate(latest())

    with scopes_disabled():
        moved = CopyJob.objects.get(pk=job.pk)
    assert (moved.organization_id, moved.target_id, moved.requested_by_id) == (
        source.pk,
        target.pk,
        owner.pk,
    )
    assert (moved.kind, moved.ids, moved.status) == ("contacts", [contact.pk], "queued")
    Task = (
        MigrationExecutor(connection)
        .loader.project_state(latest())
        .apps.get_model("django_tasks_database", "DBTaskResult")
    )
    assert Task.objects.get(pk=task.pk).task_path == "transfers.tasks.copy_job_run"
    assert ContentType.objects.filter(app_label="transfers", model="copyjob").exists()
    assert not ContentType.objects.filter(app_label="connections", model="copyjob").exists()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_with_the_rows_kept():
    with scopes_disabled():
        job = factories.CopyJobFactory()
    try:
        old = migrate(BEFORE_THE_MOVE)
        assert old.get_model("connections", "CopyJob").objects.filter(pk=job.pk).exists()
    finally:
        migrate(latest())
    with scopes_disabled():
        assert CopyJob.objects.filter(pk=job.pk).exists()
