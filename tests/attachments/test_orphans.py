"""Nothing lost, nothing orphaned: failures mid-upload, and attachments_check finding the rest."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from attachments import services
from attachments.models import Attachment, StorageUsage
from organizations.scoping import scope
from tests.attachments.conftest import upload
from tests.factories import AttachmentFactory, ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice)


def store(organization, record, *contents: bytes) -> list[Attachment]:
    files = [ContentFile(content, name=f"f{n}.txt") for n, content in enumerate(contents)]
    with scope(organization=organization):
        return services.attachments_upload(
            organization=organization, record=record, uploaded_by=None, files=files
        )


def used(organization) -> int:
    usage = StorageUsage.objects.filter(organization=organization).first()
    return usage.used_bytes if usage else 0


def assert_nothing_left(backend, organization) -> None:
    assert backend.keys(str(organization.pk)) == []
    assert not Attachment.objects.filter(organization=organization).exists()
    assert used(organization) == 0


def test_a_failure_creating_the_rows_removes_the_stored_objects_and_the_bytes(
    backend, acme, contact, monkeypatch, unscoped
):
    def refuse(*args, **kwargs):
        raise IntegrityError("the database refused the rows")

    monkeypatch.setattr(Attachment.objects.__class__, "bulk_create", refuse)

    with pytest.raises(IntegrityError):
        store(acme, contact, b"first", b"second")

    assert_nothing_left(backend, acme)


def test_a_storage_failure_removes_the_files_already_stored_and_the_bytes(
    backend, acme, contact, monkeypatch, unscoped
):
    storage_class = type(backend.storage)
    real_save = storage_class._save
    calls = []

    def save_then_fail_on_the_second(self, name, content):
        calls.append(name)
        saved = real_save(self, name, content)  # a partly written object, as a crash would leave
        if len(calls) == 2:
            raise OSError("connection reset while writing")
        return saved

    monkeypatch.setattr(storage_class, "_save", save_then_fail_on_the_second)

    with pytest.raises(services.StorageUnavailable):
        store(acme, contact, b"first", b"second")

    assert len(calls) == 2
    assert_nothing_left(backend, acme)


def test_a_storage_failure_on_the_page_says_nothing_was_uploaded(
    local, acme, contact, client_for, bob, monkeypatch, unscoped
):
    def fail(self, name, content):
        raise OSError("disk full")

    monkeypatch.setattr(type(local.storage), "_save", fail)

    response = upload(client_for(bob), contact, ("notes.txt", b"hello"))

    assert response.status_code == 503
    assert "nothing was uploaded" in response.text
    assert_nothing_left(local, acme)


def test_an_interrupted_upload_gives_its_bytes_back(acme, contact, local, monkeypatch, unscoped):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "_store", interrupt)

    with pytest.raises(KeyboardInterrupt):
        store(acme, contact, b"data")

    assert_nothing_left(local, acme)


# manage.py attachments_check


def check(*args: str) -> str:
    output = StringIO()
    call_command("attachments_check", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def mismatches(backend, acme, contact):
    """A healthy file, a row whose object is gone, a stray object and a wrong counter."""
    healthy, lost = store(acme, contact, b"healthy", b"lost")
    backend.storage.delete(lost.storage_key)
    stray = backend.plant(f"{acme.pk}/0123456789abcdef0123456789abcdef", b"stray bytes")
    StorageUsage.objects.filter(organization=acme).update(used_bytes=999)
    return healthy, lost, stray


def test_the_check_reports_every_mismatch_and_fails(backend, acme, mismatches, unscoped):
    healthy, lost, stray = mismatches

    output = StringIO()
    with pytest.raises(CommandError, match="1 of 1 organization differs; run with --fix"):
        call_command("attachments_check", "--grace", "0", stdout=output)

    report = output.getvalue()
    assert f"row {lost.pk} “{lost.name}”" in report
    assert f"object {stray} has no row" in report
    assert "usage counter says 999 bytes" in report and "files sum to 11 bytes" in report
    assert healthy.storage_key not in report


def test_the_check_with_fix_repairs_every_mismatch(
    backend, acme, mismatches, unscoped, django_capture_on_commit_callbacks
):
    healthy, lost, stray = mismatches

    with django_capture_on_commit_callbacks(execute=True):
        output = check("--grace", "0", "--fix")

    assert "acme: repaired." in output
    assert list(Attachment.objects.filter(organization=acme)) == [healthy]
    assert backend.keys(str(acme.pk)) == [healthy.storage_key]
    assert used(acme) == healthy.size
    assert "everything matches" in check("--grace", "0")


def test_the_check_leaves_young_objects_alone_they_may_be_uploads_in_flight(
    backend, acme, contact, unscoped
):
    store(acme, contact, b"fine")
    in_flight = backend.plant(f"{acme.pk}/fedcba9876543210fedcba9876543210")

    assert "everything matches" in check("--fix")
    assert in_flight in backend.keys(str(acme.pk))


def test_the_check_removes_objects_left_by_a_deleted_organization(local, acme, contact, unscoped):
    gone = OrganizationFactory(slug="gone")
    gone_id = gone.pk
    leftover = local.plant(f"{gone_id}/00000000000000000000000000000000")
    gone.delete()

    with pytest.raises(CommandError):
        check("--grace", "0")
    output = check("--grace", "0", "--fix")

    assert f"#{gone_id} (deleted): object {leftover} has no row" in output
    assert local.keys(str(gone_id)) == []


def test_the_check_can_look_at_one_organization(local, acme, globex, contact, unscoped):
    local.plant(f"{globex.pk}/11111111111111111111111111111111")

    assert "Checked 1 organization: everything matches." in check(
        "--grace", "0", "--organization", "acme"
    )
    with pytest.raises(CommandError, match="No organization"):
        check("--organization", "nope")


def test_a_healthy_storage_passes_the_check(backend, acme, contact, unscoped):
    store(acme, contact, b"one", b"two")
    AttachmentFactory(contact=contact)  # a row the counter never saw
    StorageUsage.objects.filter(organization=acme).update(used_bytes=6 + 17)

    assert "everything matches" in check("--grace", "0")
