"""The Files section of record pages, the storage page, the admin and the demo data."""

import re
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from attachments import services
from attachments.models import Attachment, StorageUsage
from organizations.models import Organization
from organizations.scoping import scope
from tests.attachments.conftest import files_url, upload
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    LinkFactory,
    UserFactory,
    mention,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice, first_name="Giulia")


def detail(record) -> str:
    kind = record._meta.model_name
    return reverse(f"{kind}_detail", kwargs={"slug": record.organization.slug, "pk": record.pk})


def store(organization, record, size: int, name: str = "file.bin", user=None) -> Attachment:
    with scope(organization=organization):
        (attachment,) = services.attachments_upload(
            organization=organization,
            record=record,
            uploaded_by=user,
            files=[ContentFile(b"x" * size, name=name)],
        )
    return attachment


def meter_value(html: str) -> int:
    return int(re.search(r'<meter class="usage-bar"[^>]* value="(\d+)"', html).group(1))


def test_the_contact_page_lists_files_and_links_with_size_uploader_and_date(
    client_for, bob, acme, contact, unscoped
):
    store(acme, contact, 1_234_567, "offer.pdf", user=bob)
    LinkFactory(contact=contact, name="Drive folder", uploaded_by=bob)

    page = client_for(bob).get(detail(contact)).text

    files = page[page.index('id="files"') :]
    assert "offer.pdf" in files and "1.2 MB" in files
    assert "Drive folder" in files and "drive.google.com" in files
    assert files.count("Bob Member") == 2
    assert 'name="files"' in files and "multiple" in files
    assert 'name="url"' in files and 'name="title"' in files


def test_the_company_page_has_its_files_section(client_for, bob, acme, alice, unscoped):
    company = CompanyFactory(organization=acme, created_by=alice)
    store(acme, company, 10, "terms.txt")

    page = client_for(bob).get(detail(company)).text

    assert 'id="files"' in page and "terms.txt" in page


def test_the_usage_bar_on_the_record_page_follows_uploads(client_for, bob, acme, contact, unscoped):
    client = client_for(bob)
    assert meter_value(client.get(detail(contact)).text) == 0

    upload(client, contact, ("a.bin", b"x" * 2500))

    page = client.get(detail(contact)).text
    assert meter_value(page) == 2500
    assert 'max="100000000"' in page
    assert "2.5 kB of 100 MB used" in page


def test_the_record_page_queries_do_not_grow_with_its_files(
    client_for, bob, acme, contact, django_assert_max_num_queries, unscoped
):
    client = client_for(bob)
    store(acme, contact, 10, user=bob)
    client.get(detail(contact))  # the first visit writes the organization into the session
    with django_assert_max_num_queries(24) as few:
        client.get(detail(contact))

    for n in range(6):
        store(acme, contact, 10, f"more-{n}.bin", user=UserFactory())
        LinkFactory(contact=contact, uploaded_by=UserFactory())
    with django_assert_max_num_queries(24) as many:
        client.get(detail(contact))

    assert len(many) == len(few)


def test_a_refused_upload_shows_the_files_section_with_the_reason(
    client_for, bob, contact, unscoped
):
    response = upload(client_for(bob), contact, ("empty.txt", b""))

    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert detail(contact) in response.text
    assert 'id="files"' in response.text


def test_deleting_from_the_page_says_what_was_deleted(client_for, bob, acme, contact, unscoped):
    attachment = store(acme, contact, 10, "old.txt", user=bob)
    client = client_for(bob)

    response = client.post(files_url(contact, "delete", attachment), follow=True)

    assert "“old.txt” deleted." in response.text
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


# The storage page


def test_the_storage_page_shows_the_usage_bar_and_the_plan(
    client_for, bob, acme, contact, unscoped
):
    store(acme, contact, 25_000_000)

    page = client_for(bob).get(reverse("storage", kwargs={"slug": "acme"})).text

    assert meter_value(page) == 25_000_000
    assert "25 MB of 100 MB used · 75 MB left" in page
    assert "Free — 100 MB" in page


def test_the_largest_files_list_only_shows_files_of_records_you_can_see(
    client_for, bob, carol, acme, unscoped
):
    hidden = ContactFactory(organization=acme, created_by=carol, visibility="private")
    shown = ContactFactory(organization=acme, created_by=carol, visibility="private")
    mention(shown, bob)
    store(acme, hidden, 500, "hidden-secret.pdf")
    store(acme, shown, 100, "shared.pdf")

    page = client_for(bob).get(reverse("storage", kwargs={"slug": "acme"})).text

    assert "shared.pdf" in page and shown.last_name in page
    assert "hidden-secret.pdf" not in page and hidden.last_name not in page
    assert meter_value(page) == 600  # the quota is the organization's, whoever sees what


def test_the_storage_page_queries_are_bounded(
    client_for, bob, acme, django_assert_max_num_queries, unscoped
):
    for n in range(12):
        store(acme, ContactFactory(organization=acme), 10 + n)
        store(acme, CompanyFactory(organization=acme), 10 + n)
    client = client_for(bob)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("storage", kwargs={"slug": "acme"}))

    assert len(response.context["largest"]) == 10


# The admin, for operators


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_attachments_per_organization_with_their_sizes(
    operator_client, acme, globex, contact, mallory, unscoped
):
    store(acme, contact, 1_500_000, "acme.pdf")
    store(globex, ContactFactory(organization=globex), 2_000, "globex.pdf")

    response = operator_client.get(
        reverse("admin:attachments_attachment_changelist"), {"organization__id__exact": acme.pk}
    )

    assert response.status_code == 200
    assert [a.name for a in response.context["cl"].result_list] == ["acme.pdf"]
    assert "1.5 MB" in response.text


def test_the_admin_shows_usage_against_quota_per_organization(
    operator_client, acme, contact, unscoped
):
    store(acme, contact, 20_000_000)

    response = operator_client.get(reverse("admin:attachments_storageusage_changelist"))

    assert response.status_code == 200
    assert "20 MB" in response.text and "100 MB" in response.text and "20.0 %" in response.text


def test_an_operator_changes_the_plan_in_the_organization_admin(
    operator_client, acme, globex, unscoped
):
    response = operator_client.post(
        reverse("admin:organizations_organization_changelist"),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": acme.pk,
            "form-0-plan": "premium_10gb",
            "form-1-id": globex.pk,
            "form-1-plan": "free",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert Organization.objects.get(pk=acme.pk).quota_bytes == 10_000_000_000


def test_deleting_an_attachment_in_the_admin_frees_its_space_and_object(
    operator_client, acme, contact, local, unscoped, django_capture_on_commit_callbacks
):
    attachment = store(acme, contact, 300)

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert StorageUsage.objects.get(organization=acme).used_bytes == 0
    assert local.keys(str(acme.pk)) == []


def test_operators_cannot_add_files_behind_the_quota(operator_client):
    response = operator_client.get(reverse("admin:attachments_attachment_add"))

    assert response.status_code == 403


# Demo data


def test_seed_demo_attaches_files_and_links_once(local, unscoped):
    call_command("seed_demo", stdout=StringIO())
    acme = Organization.objects.get(slug="acme")
    first = sorted(Attachment.objects.filter(organization=acme).values_list("kind", "name"))

    call_command("seed_demo", stdout=StringIO())

    assert sorted(Attachment.objects.filter(organization=acme).values_list("kind", "name")) == (
        first
    )
    assert ("file", "price-list.csv") in first and ("link", "Demo slides") in first
    files = Attachment.objects.filter(organization=acme, kind="file")
    assert sorted(local.keys(str(acme.pk))) == sorted(f.storage_key for f in files)
    assert StorageUsage.objects.get(organization=acme).used_bytes == sum(f.size for f in files)
