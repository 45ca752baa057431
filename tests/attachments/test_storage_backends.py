"""The same journey on both storages: upload, list, download, delete, quota accounting.

Every test here runs twice, on the local file system and on S3 (moto's server on
loopback, through django-storages and boto3).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from attachments.models import Attachment, StorageUsage
from organizations.models import PLAN_QUOTAS, Plan
from tests.attachments.conftest import files_url, upload
from tests.factories import ContactFactory
from trash.models import TrashBatch
from trash.services import purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice, first_name="Giulia")


def files_of(contact) -> list[Attachment]:
    return list(Attachment.objects.filter(contact=contact).order_by("name"))


def used_bytes(organization) -> int:
    return StorageUsage.objects.get(organization=organization).used_bytes


def fetch(response) -> tuple[bytes, dict]:
    """The bytes and headers the browser finally gets for a download response."""
    if response.status_code == 302:
        signed = requests.get(response.url, timeout=10)
        assert signed.status_code == 200
        return signed.content, signed.headers
    assert response.status_code == 200
    return b"".join(response.streaming_content), response.headers


def test_uploaded_files_are_stored_under_the_organization_prefix_and_listed(
    backend, client_for, bob, acme, contact, unscoped
):
    client = client_for(bob)

    response = upload(client, contact, ("notes.txt", b"hello"), ("plan.pdf", b"%PDF-1.4 plan"))

    assert response.status_code == 302
    assert response.url.endswith(f"/contacts/{contact.pk}/#files")
    notes, plan = files_of(contact)
    assert (notes.name, notes.size, notes.uploaded_by, notes.content_type) == (
        "notes.txt",
        5,
        bob,
        "text/plain",
    )
    assert sorted(backend.keys(str(acme.pk))) == sorted([notes.storage_key, plan.storage_key])
    assert backend.read(notes.storage_key) == b"hello"
    page = client.get(reverse("contact_detail", kwargs={"slug": "acme", "pk": contact.pk}))
    assert "notes.txt" in page.text and "plan.pdf" in page.text
    assert "5 bytes" in page.text and "Bob Member" in page.text


def test_a_download_gives_back_the_same_bytes_as_an_attachment(
    backend, client_for, bob, contact, unscoped
):
    client = client_for(bob)
    upload(client, contact, ("Relazione è pronta.pdf", b"%PDF-1.4 exact bytes \x00\xff"))
    (attachment,) = files_of(contact)

    response = client.get(files_url(contact, "download", attachment))
    content, headers = fetch(response)

    assert content == b"%PDF-1.4 exact bytes \x00\xff"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        'attachment; filename="Relazione e pronta.pdf"; '
        "filename*=UTF-8''Relazione%20%C3%A8%20pronta.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_on_s3_a_download_is_a_redirect_to_a_link_signed_for_at_most_five_minutes(
    s3, client_for, bob, contact, unscoped
):
    client = client_for(bob)
    upload(client, contact, ("notes.txt", b"hello"))
    (attachment,) = files_of(contact)

    response = client.get(files_url(contact, "download", attachment))

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert attachment.storage_key in urlsplit(response.url).path


def test_on_s3_objects_are_private(s3, client_for, bob, contact, unscoped):
    upload(client_for(bob), contact, ("notes.txt", b"hello"))
    (attachment,) = files_of(contact)
    storage = s3.storage

    acl = storage.connection.meta.client.get_object_acl(
        Bucket=storage.bucket_name, Key=attachment.storage_key
    )

    grantees = [grant["Grantee"] for grant in acl["Grants"]]
    assert grantees and all(grantee["Type"] == "CanonicalUser" for grantee in grantees)


def test_deleting_a_file_removes_its_object_and_frees_its_bytes(
    backend, client_for, bob, acme, contact, unscoped, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    upload(client, contact, ("keep.txt", b"12345"), ("drop.txt", b"1234567890"))
    drop, keep = files_of(contact)
    assert used_bytes(acme) == 15

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(files_url(contact, "delete", drop))

    # In the trash: gone from the record, still stored and counted.
    assert response.status_code == 302
    assert files_of(contact) == [keep]
    assert sorted(backend.keys(str(acme.pk))) == sorted([keep.storage_key, drop.storage_key])
    assert used_bytes(acme) == 15

    with django_capture_on_commit_callbacks(execute=True):
        purge(TrashBatch.objects.get())

    assert backend.keys(str(acme.pk)) == [keep.storage_key]
    assert used_bytes(acme) == 5


def test_the_quota_counts_every_upload_and_refuses_what_does_not_fit(
    backend, client_for, bob, acme, contact, unscoped, monkeypatch
):
    monkeypatch.setitem(PLAN_QUOTAS, Plan.FREE, 1000)
    client = client_for(bob)
    upload(client, contact, ("a.txt", b"a" * 600))

    refused = upload(client, contact, ("b.txt", b"b" * 300), ("c.txt", b"c" * 200))

    assert refused.status_code == 400
    assert "400 bytes" in refused.text  # what is left, in the message next to the field
    assert [a.name for a in files_of(contact)] == ["a.txt"]
    assert len(backend.keys(str(acme.pk))) == 1
    assert used_bytes(acme) == 600
    assert upload(client, contact, ("b.txt", b"b" * 400)).status_code == 302
    assert used_bytes(acme) == 1000
