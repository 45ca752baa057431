"""Delete permanently and the daily purge: only expired batches go, and their files'
space comes back."""

import signal
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attachments.models import StorageUsage
from attachments.services import usage_recompute
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.conftest import use_task_backend
from trash.models import TrashBatch
from trash.services import purge_expired
from trash.tasks import PURGE_PATH


def used_bytes(organization) -> int:
    with scopes_disabled():
        return StorageUsage.objects.get(organization=organization).used_bytes


@pytest.fixture
def two_files_deleted(acme, alice, client_for):
    """Two companies with a file each, deleted: one 40 days ago, one yesterday."""
    with scope(organization=acme):
        old = factories.CompanyFactory(organization=acme, name="Old")
        recent = factories.CompanyFactory(organization=acme, name="Recent")
        old_file = factories.AttachmentFactory(company=old, content=b"o" * 400)
        recent_file = factories.AttachmentFactory(company=recent, content=b"r" * 100)
        usage_recompute(organization=acme)
    client = client_for(alice)
    for company in (old, recent):
        client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    now = timezone.now()
    with scopes_disabled():
        TrashBatch.objects.filter(root_pk=old.pk).update(deleted_at=now - timedelta(days=40))
        TrashBatch.objects.filter(root_pk=recent.pk).update(deleted_at=now - timedelta(days=1))
    return {"old": old, "recent": recent, "old_file": old_file, "recent_file": recent_file}


def labels() -> set[str]:
    with scopes_disabled():
        return set(TrashBatch.objects.values_list("label", flat=True))


def test_purge_removes_only_expired_batches_and_frees_their_quota(
    acme, two_files_deleted, django_capture_on_commit_callbacks
):
    assert used_bytes(acme) == 500  # trashed files still count
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired() == 1
    assert labels() == {"Recent"}
    assert used_bytes(acme) == 100
    assert not default_storage.exists(two_files_deleted["old_file"].storage_key)
    assert default_storage.exists(two_files_deleted["recent_file"].storage_key)
    # Nothing else is due: a second run purges nothing.
    assert purge_expired() == 0


def test_purge_follows_each_organizations_retention(acme, globex, mallory, two_files_deleted):
    acme.trash_retention_days = 365
    acme.save()
    with scope(organization=globex):
        company = factories.CompanyFactory(organization=globex, name="Globex's")
    with scope(organization=globex):
        from trash.services import move_to_trash

        batch = move_to_trash(company, user=mallory, delete=company.delete)
    with scopes_disabled():
        TrashBatch.objects.filter(pk=batch.pk).update(
            deleted_at=timezone.now() - timedelta(days=31)
        )
    assert purge_expired() == 1
    assert labels() == {"Old", "Recent"}
    acme.trash_retention_days = 7
    acme.save()
    assert purge_expired() == 1
    assert labels() == {"Recent"}


def test_delete_permanently_frees_the_files_at_once(
    acme, alice, client_for, two_files_deleted, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        batch = TrashBatch.objects.get(label="Recent")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            reverse("trash_delete", kwargs={"slug": "acme", "pk": batch.pk})
        )
    assert response.status_code == 302
    assert labels() == {"Old"}
    assert used_bytes(acme) == 400
    assert not default_storage.exists(two_files_deleted["recent_file"].storage_key)


def test_the_confirmation_page_asks_before(acme, alice, client_for, two_files_deleted):
    with scopes_disabled():
        batch = TrashBatch.objects.get(label="Recent")
    page = client_for(alice).get(reverse("trash_delete", kwargs={"slug": "acme", "pk": batch.pk}))
    assert "Delete Recent permanently?" in page.text
    assert "1 file" in page.text
    assert labels() == {"Old", "Recent"}


def run_worker() -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():  # the worker installs its own
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_purges_daily(acme, alice, settings):
    use_task_backend(settings, "django_tasks_db.DatabaseBackend")
    from django_tasks_db.models import DBTaskResult

    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, name="Expired")
        from trash.services import move_to_trash

        move_to_trash(company, user=alice, delete=company.delete)
    with scopes_disabled():
        TrashBatch.objects.update(deleted_at=timezone.now() - timedelta(days=31))

    run_worker()  # runs the purge, which schedules tomorrow's
    run_worker()  # a second start does not add another
    assert labels() == set()
    waiting = DBTaskResult.objects.filter(task_path=PURGE_PATH, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + timedelta(hours=23)


def test_the_storage_check_and_recount_know_the_trash_files(
    acme, two_files_deleted, django_capture_on_commit_callbacks
):
    """`attachments_check --fix` neither deletes a trashed file's object as an orphan nor
    recounts the usage without it."""
    from io import StringIO

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("attachments_check", "--fix", "--grace", "0", stdout=output)
    assert default_storage.exists(two_files_deleted["old_file"].storage_key)
    assert default_storage.exists(two_files_deleted["recent_file"].storage_key)
    with scope(organization=acme):
        assert usage_recompute(organization=acme) == 500
    assert used_bytes(acme) == 500


def test_an_operator_deleting_a_batch_in_the_admin_purges_it(
    acme, client, two_files_deleted, django_capture_on_commit_callbacks
):
    operator = factories.UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client.force_login(operator)
    with scopes_disabled():
        batch = TrashBatch.objects.get(label="Old")
    assert client.get(reverse("admin:trash_trashbatch_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:trash_trashbatch_delete", args=[batch.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert labels() == {"Recent"}
    assert used_bytes(acme) == 100
    assert not default_storage.exists(two_files_deleted["old_file"].storage_key)
