"""The storage quota: what counts, what is refused, what frees space, and plan changes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from attachments import services
from attachments.models import Attachment, StorageUsage
from companies.services import company_delete
from contacts.services import contact_delete
from organizations.models import PLAN_QUOTAS, Plan
from organizations.scoping import scope
from tests.attachments.conftest import files_url, upload
from tests.factories import AttachmentFactory, CompanyFactory, ContactFactory
from trash.models import TrashBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_quota(monkeypatch):
    """The free plan holds 1,000 bytes in these tests."""
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 1000)


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice)


def used(organization) -> int:
    return StorageUsage.objects.get(organization=organization).used_bytes


def store(organization, record, *sizes: int, user=None) -> list[Attachment]:
    files = [ContentFile(b"x" * size, name=f"file-{size}.bin") for size in sizes]
    with scope(organization=organization):
        return services.attachments_upload(
            organization=organization, record=record, uploaded_by=user, files=files
        )


def test_usage_counts_the_bytes_of_files_and_nothing_for_links(
    acme, contact, bob, client_for, unscoped
):
    store(acme, contact, 300, 200)
    client_for(bob).post(
        files_url(contact, "link"), {"url": "https://example.com/big.iso", "title": "ISO"}
    )

    assert used(acme) == 500


def test_an_upload_that_does_not_fit_is_refused_whole_with_the_space_left(
    acme, contact, small_quota, local, unscoped
):
    store(acme, contact, 700)

    with pytest.raises(services.QuotaExceeded) as refused:
        store(acme, contact, 200, 200)

    assert (refused.value.needed, refused.value.remaining, refused.value.quota) == (400, 300, 1000)
    assert "only 300 bytes of the organization's 1 kB are left" in refused.value.message
    assert used(acme) == 700
    assert Attachment.objects.filter(organization=acme).count() == 1
    assert len(local.keys(str(acme.pk))) == 1


def test_the_quota_can_be_filled_to_the_last_byte(acme, contact, small_quota, unscoped):
    store(acme, contact, 600)
    store(acme, contact, 400)

    with pytest.raises(services.QuotaExceeded):
        store(acme, contact, 1)
    assert used(acme) == 1000


def test_the_refusal_on_the_page_says_how_much_is_left_and_offers_the_plan_page(
    acme, contact, small_quota, client_for, bob, unscoped
):
    store(acme, contact, 900)

    response = upload(client_for(bob), contact, ("big.pdf", b"x" * 200))

    assert response.status_code == 400
    assert "this needs 200 bytes but only 100 bytes" in response.text
    assert reverse("storage", kwargs={"slug": "acme"}) in response.text


def test_each_organization_has_its_own_quota(acme, globex, contact, small_quota, mallory, unscoped):
    store(acme, contact, 1000)
    theirs = ContactFactory(organization=globex, created_by=mallory)

    store(globex, theirs, 1000)

    assert (used(acme), used(globex)) == (1000, 1000)


def test_the_counter_starts_from_the_files_already_there(acme, contact, unscoped):
    AttachmentFactory(contact=contact, content=b"x" * 123)

    store(acme, contact, 7)

    assert used(acme) == 130


def test_deleting_a_file_frees_its_bytes_only_when_the_deletion_commits(
    acme, contact, local, unscoped, django_capture_on_commit_callbacks
):
    (attachment,) = store(acme, contact, 100)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.attachment_delete(attachment=attachment)
        raise RuntimeError("the request failed after the deletion")

    assert used(acme) == 100
    assert local.keys(str(acme.pk)) == [attachment.storage_key]


def test_deleting_a_contact_frees_the_bytes_and_objects_of_its_files(
    acme, contact, local, unscoped, django_capture_on_commit_callbacks
):
    other = ContactFactory(organization=acme)
    store(acme, contact, 100, 200)
    (kept,) = store(acme, other, 50)

    with django_capture_on_commit_callbacks(execute=True), scope(organization=acme):
        contact_delete(contact=contact)

    assert used(acme) == 50
    assert local.keys(str(acme.pk)) == [kept.storage_key]
    assert list(Attachment.objects.filter(organization=acme)) == [kept]


def test_deleting_a_company_from_its_page_frees_the_bytes_and_objects_of_its_files(
    acme, alice, client_for, local, unscoped, django_capture_on_commit_callbacks
):
    """From the page the company goes to the trash: its files stay stored and counted
    until the trash is emptied (Delete permanently, or the purge)."""
    company = CompanyFactory(organization=acme, created_by=alice)
    store(acme, company, 100, 200)
    client = client_for(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))

    assert response.status_code == 302
    assert used(acme) == 300
    assert len(local.keys(str(acme.pk))) == 2

    batch = TrashBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trash_delete", kwargs={"slug": "acme", "pk": batch.pk}))

    assert used(acme) == 0
    assert local.keys(str(acme.pk)) == []


def test_company_delete_service_frees_the_bytes_too(
    acme, alice, local, unscoped, django_capture_on_commit_callbacks
):
    company = CompanyFactory(organization=acme, created_by=alice)
    store(acme, company, 300)

    with django_capture_on_commit_callbacks(execute=True), scope(organization=acme):
        company_delete(company=company)

    assert (used(acme), local.keys(str(acme.pk))) == (0, [])


def test_deleting_an_organization_removes_all_its_objects(
    acme, contact, local, unscoped, django_capture_on_commit_callbacks
):
    store(acme, contact, 100, 100)

    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()

    assert local.keys(str(acme.pk)) == []


# Plans


def test_an_owner_moves_to_a_bigger_plan_and_can_upload_more(
    acme, contact, small_quota, client_for, alice, unscoped
):
    store(acme, contact, 1000)

    response = client_for(alice).post(
        reverse("storage", kwargs={"slug": "acme"}), {"plan": Plan.PREMIUM_1GB}
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.plan == Plan.PREMIUM_1GB
    store(acme, contact, 5000)
    assert used(acme) == 6000


def test_a_plan_smaller_than_what_is_stored_is_refused(acme, contact, unscoped):
    acme.plan = Plan.PREMIUM_1GB
    acme.save()
    AttachmentFactory(contact=contact, content=b"x" * 10)
    store(acme, contact, 10)
    StorageUsage.objects.filter(organization=acme).update(used_bytes=150_000_000)

    with pytest.raises(ValidationError) as refused, scope(organization=acme):
        services.organization_plan_change(organization=acme, plan=Plan.FREE)

    assert "already stores 150 MB, more than the 100 MB of this plan" in str(refused.value)
    acme.refresh_from_db()
    assert acme.plan == Plan.PREMIUM_1GB


def test_the_plan_page_shows_the_refusal_next_to_the_plan(
    acme, contact, client_for, alice, unscoped
):
    acme.plan = Plan.PREMIUM_1GB
    acme.save()
    store(acme, contact, 10)
    StorageUsage.objects.filter(organization=acme).update(used_bytes=150_000_000)

    response = client_for(alice).post(
        reverse("storage", kwargs={"slug": "acme"}), {"plan": Plan.FREE}
    )

    assert response.status_code == 400
    assert "Delete files first." in response.text


def test_a_member_sees_the_plan_but_cannot_change_it(acme, client_for, bob, unscoped):
    client = client_for(bob)

    page = client.get(reverse("storage", kwargs={"slug": "acme"}))
    refused = client.post(reverse("storage", kwargs={"slug": "acme"}), {"plan": Plan.PREMIUM_10GB})

    assert "Only an owner can change the plan." in page.text
    assert 'name="plan"' not in page.text
    assert refused.status_code == 403
    acme.refresh_from_db()
    assert acme.plan == Plan.FREE
