"""Bad input gets a clear message and leaves nothing behind: files, names, sizes, links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attachments.models import Attachment, StorageUsage
from tests.attachments.conftest import files_url, upload
from tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice)


@pytest.fixture
def client(client_for, bob):
    return client_for(bob)


def nothing_stored(local, organization) -> bool:
    return (
        not Attachment.objects.filter(organization=organization).exists()
        and not local.keys(str(organization.pk))
        and not StorageUsage.objects.filter(organization=organization, used_bytes__gt=0).exists()
    )


def test_an_upload_without_files_asks_for_one(client, contact, acme, local, unscoped):
    response = client.post(files_url(contact), {})

    assert response.status_code == 400
    assert "Choose at least one file to upload." in response.text
    assert nothing_stored(local, acme)


def test_an_empty_file_is_refused_by_name_and_the_whole_batch_with_it(
    client, contact, acme, local, unscoped
):
    response = upload(client, contact, ("fine.txt", b"fine"), ("empty.txt", b""))

    assert response.status_code == 400
    assert "“empty.txt” is empty." in response.text
    assert nothing_stored(local, acme)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    client, contact, acme, local, settings, unscoped
):
    settings.ATTACHMENT_MAX_FILE_SIZE = 1000

    response = upload(client, contact, ("big.bin", b"x" * 1001))

    assert response.status_code == 400
    assert "“big.bin” is 1 kB; files can be at most 1 kB." in response.text
    assert nothing_stored(local, acme)


def test_a_file_of_exactly_the_size_limit_is_accepted(client, contact, settings, unscoped):
    settings.ATTACHMENT_MAX_FILE_SIZE = 1000

    response = upload(client, contact, ("edge.bin", b"x" * 1000))

    assert response.status_code == 302


def test_a_request_body_over_the_request_limit_is_refused_before_it_is_read(
    client, contact, acme, local, settings, unscoped
):
    settings.ATTACHMENT_MAX_REQUEST_SIZE = 10_000

    response = client.post(
        files_url(contact), {"files": SimpleUploadedFile("a.bin", b"x" * 20_000)}
    )

    assert response.status_code == 413
    assert "Nothing was uploaded" in response.text
    assert nothing_stored(local, acme)


def test_more_files_than_allowed_at_once_get_a_page_that_says_so(
    client, contact, acme, local, settings, unscoped
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2

    response = upload(client, contact, ("1.txt", b"1"), ("2.txt", b"2"), ("3.txt", b"3"))

    assert response.status_code == 400
    assert "at most 2 files" in response.text
    assert nothing_stored(local, acme)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/report.pdf", "report.pdf"),
        ("%2e%2e%2fsecret.txt", "%2e%2e%2fsecret.txt"),
    ],
)
def test_a_path_in_a_file_name_never_reaches_the_storage(
    client, contact, acme, local, sent, kept, unscoped
):
    response = upload(client, contact, (sent, b"data"))

    assert response.status_code == 302
    attachment = Attachment.objects.get(contact=contact)
    assert attachment.name == kept
    assert attachment.storage_key.startswith(f"{acme.pk}/")
    assert len(attachment.storage_key.split("/")[1]) == 32  # a uuid, nothing from the name
    assert local.keys(str(acme.pk)) == [attachment.storage_key]


def test_html_in_a_file_name_is_shown_as_text(client, contact, unscoped):
    upload(client, contact, ('<img src=x onerror="alert(1)">.txt', b"data"))

    page = client.get(reverse("contact_detail", kwargs={"slug": "acme", "pk": contact.pk}))

    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.txt" in page.text


def test_an_html_file_is_downloaded_as_bytes_never_rendered(client, contact, unscoped):
    upload(client, contact, ("page.html", b"<script>alert(1)</script>"))
    attachment = Attachment.objects.get(contact=contact)

    response = client.get(files_url(contact, "download", attachment))

    assert attachment.content_type == "application/octet-stream"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_uploaded_content_type_claimed_by_the_browser_is_ignored(client, contact, unscoped):
    claimed = SimpleUploadedFile("photo.png", b"<html>", content_type="text/html")

    client.post(files_url(contact), {"files": [claimed]})

    assert Attachment.objects.get(contact=contact).content_type == "image/png"


# Cloud links


def test_a_cloud_link_is_listed_and_opens_in_a_new_tab_without_opener(
    client, contact, acme, unscoped
):
    response = client.post(
        files_url(contact, "link"),
        {"url": "https://drive.google.com/file/d/abc/view", "title": "Signed contract"},
    )

    assert response.status_code == 302
    link = Attachment.objects.get(contact=contact)
    assert (link.kind, link.name, link.size, link.storage_key) == (
        "link",
        "Signed contract",
        0,
        "",
    )
    page = client.get(reverse("contact_detail", kwargs={"slug": "acme", "pk": contact.pk}))
    assert (
        '<a href="https://drive.google.com/file/d/abc/view" target="_blank" '
        'rel="noopener noreferrer">Signed contract</a>'
    ) in page.text
    assert not StorageUsage.objects.filter(organization=acme, used_bytes__gt=0).exists()


def test_a_link_without_scheme_is_taken_as_https(client, contact, unscoped):
    client.post(files_url(contact, "link"), {"url": "www.dropbox.com/s/x", "title": "Deck"})

    assert Attachment.objects.get(contact=contact).url == "https://www.dropbox.com/s/x"


@pytest.mark.parametrize(
    "url",
    [
        "http://drive.google.com/file/d/abc",
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/a.pdf",
        "https://",
    ],
)
def test_a_link_that_is_not_https_is_refused_and_the_input_kept(client, contact, url, unscoped):
    response = client.post(files_url(contact, "link"), {"url": url, "title": "Contract"})

    assert response.status_code == 400
    assert "Enter a link that starts with https://" in response.text
    assert 'value="Contract"' in response.text
    assert not Attachment.objects.filter(contact=contact).exists()


def test_a_link_needs_a_title(client, contact, unscoped):
    response = client.post(files_url(contact, "link"), {"url": "https://example.com/a.pdf"})

    assert response.status_code == 400
    assert 'value="https://example.com/a.pdf"' in response.text
    assert "This field is required." in response.text
    assert not Attachment.objects.filter(contact=contact).exists()


def test_links_and_files_can_be_attached_to_a_company_too(client, acme, alice, unscoped):
    company = CompanyFactory(organization=acme, created_by=alice)

    upload(client, company, ("offer.pdf", b"%PDF"))
    client.post(files_url(company, "link"), {"url": "https://onedrive.live.com/x", "title": "Deck"})

    assert sorted(Attachment.objects.filter(company=company).values_list("name", flat=True)) == [
        "Deck",
        "offer.pdf",
    ]


def test_the_request_limit_applies_to_every_url_not_only_uploads(client, settings):
    settings.ATTACHMENT_MAX_REQUEST_SIZE = 10_000

    response = client.post(reverse("login"), {"files": SimpleUploadedFile("a.bin", b"x" * 20_000)})

    assert response.status_code == 413


def test_an_anonymous_upload_is_sent_to_log_in_before_its_size_is_even_looked_at(contact, settings):
    settings.ATTACHMENT_MAX_REQUEST_SIZE = 10_000

    response = Client().post(
        files_url(contact), {"files": SimpleUploadedFile("a.bin", b"x" * 20_000)}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
