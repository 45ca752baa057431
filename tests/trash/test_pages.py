"""The delete pages say what they take; trashed records appear nowhere; the trash page,
the storage page and the retention setting."""

from decimal import Decimal

import pytest
from django.urls import reverse

from attachments.services import usage_recompute
from organizations.models import Role
from organizations.scoping import scope, scopes_disabled
from tests import factories
from transfers.duplication import directory_duplicate
from trash.models import TrashBatch


@pytest.fixture
def client_company(acme, alice, bob):
    """Trashco: client of three projects (250,000 GBP), two persons (and a private one of
    bob's that alice cannot see), two files, five connections."""
    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, name="Trashco")
        for budget in ("100000", "100000", "50000"):
            project = factories.ProjectFactory(
                organization=acme, client_company=company, budget=Decimal(budget), currency="GBP"
            )
        for name in ("Ann", "Ben"):
            person = factories.ContactFactory(organization=acme, first_name=name)
            factories.AffiliationFactory(contact=person, company=company)
        hidden = factories.ContactFactory(
            organization=acme, first_name="Hidden", visibility="private", created_by=bob
        )
        factories.AffiliationFactory(contact=hidden, company=company)
        factories.AttachmentFactory(company=company, content=b"a" * 20_000_000)
        factories.AttachmentFactory(company=company, content=b"b" * 14_000_000)
        for _ in range(5):
            factories.connect(factories.TaskFactory(project=project), company)
        usage_recompute(organization=acme)
    return company


def test_the_delete_page_lists_the_consequences(acme, alice, client_for, client_company):
    page = client_for(alice).get(
        reverse("company_delete", kwargs={"slug": "acme", "pk": client_company.pk})
    )
    assert page.status_code == 200
    text = page.text
    assert "Client of 3 projects (budget 250,000 GBP): they will have no client." in text
    assert "2 contact persons lose this company" in text  # the private one is not counted
    assert "2 files, 34 MB" in text
    assert "5 connections" in text
    assert "restore it from the trash for 30 days" in text
    assert "This cannot be undone" not in text


def test_the_project_delete_page_lists_tasks_and_tickets(acme, alice, client_for):
    with scope(organization=acme):
        project = factories.ProjectFactory(organization=acme, created_by=alice)
        factories.TaskFactory(project=project)
        factories.TicketFactory(organization=acme, project=project)
    page = client_for(alice).get(
        reverse("project_delete", kwargs={"slug": "acme", "pk": project.pk})
    )
    assert "1 task" in page.text
    assert "1 ticket will have no project." in page.text


def test_the_trash_keeps_the_consequences_counted_on_public_records_only(
    acme, alice, client_for, client_company
):
    client_for(alice).post(
        reverse("company_delete", kwargs={"slug": "acme", "pk": client_company.pk})
    )
    with scopes_disabled():
        batch = TrashBatch.objects.get()
    assert "2 contact persons lose this company (the persons stay)." in batch.summary
    page = client_for(alice).get(reverse("trash_list", kwargs={"slug": "acme"}))
    assert "Client of 3 projects (budget 250,000 GBP)" in page.text
    assert "Files in the trash: 34 MB" in page.text


def test_trashed_records_appear_nowhere(acme, alice, client_for, client_company):
    with scope(organization=acme):
        person = factories.ContactFactory(
            organization=acme, first_name="Zed", last_name="Trashme", created_by=alice
        )
        person.emails.create(organization=acme, email="zed@trash.test", position=0)
        project = factories.ProjectFactory(organization=acme, name="Trashproject")
    client = client_for(alice)
    for name, pk in (
        ("contact_delete", person.pk),
        ("company_delete", client_company.pk),
        ("project_delete", project.pk),
    ):
        assert client.post(reverse(name, kwargs={"slug": "acme", "pk": pk})).status_code == 302
    client.get(reverse("trash_list", kwargs={"slug": "acme"}))  # shows the flash messages

    def page(name, **params):
        response = client.get(reverse(name, kwargs={"slug": "acme"}), params)
        assert response.status_code == 200
        return response.text

    contact_url = reverse("contact_detail", kwargs={"slug": "acme", "pk": person.pk})
    company_url = reverse("company_detail", kwargs={"slug": "acme", "pk": client_company.pk})
    project_url = reverse("project_detail", kwargs={"slug": "acme", "pk": project.pk})
    for query in ("", "Trashme", "zed@trash", "Zed"):
        assert contact_url not in page("contact_list", q=query)
    for query in ("", "Trashco"):
        assert company_url not in page("company_list", q=query)
    listed = page("search", q="Trash")
    assert contact_url not in listed and company_url not in listed
    assert "Zed" not in page("contact_autocomplete", q="Trash")
    assert "Zed" not in page("contact_autocomplete", q="Zed")
    assert "Trashco" not in page("company_autocomplete", q="Trash")
    assert project_url not in page("project_list")
    assert "Trashproject" not in page("project_autocomplete", q="Trash")
    assert "Trashco" not in page("dashboard")
    # Counts: alice sees Ann and Ben (Hidden is bob's private contact), no company.
    assert '<p class="muted count">2 contacts</p>' in page("contact_list")
    assert '<p class="muted count">2 contacts</p>' in page("contact_list", q="Lastname")
    assert '<p class="muted count">0 companies</p>' in page("company_list")
    # Copies to another organization take only what is not in the trash.
    beta = factories.OrganizationFactory(name="Beta", slug="beta")
    factories.MembershipFactory(organization=beta, user=alice, role=Role.OWNER)
    report = directory_duplicate(source=acme, target=beta, user=alice, dry_run=True)
    assert report.contacts_copied == 2  # Ann and Ben: Zed is in the trash, Hidden is bob's
    assert report.companies_copied == 0


def test_the_storage_page_says_what_the_trash_holds(acme, alice, client_for, client_company):
    client = client_for(alice)
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": client_company.pk}))
    page = client.get(reverse("storage", kwargs={"slug": "acme"}))
    assert "In the trash: 34 MB" in page.text
    assert reverse("trash_list", kwargs={"slug": "acme"}) in page.text


def test_the_trash_page_costs_the_same_for_3_or_30_batches(
    acme, alice, client_for, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("trash_list", kwargs={"slug": "acme"})

    def delete(count):
        with scope(organization=acme):
            for _ in range(count):
                contact = factories.ContactFactory(organization=acme, created_by=alice)
                client.post(reverse("contact_delete", kwargs={"slug": "acme", "pk": contact.pk}))

    delete(3)
    client.get(url)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    delete(27)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.text.count('id="batch-') == 30


def test_the_retention_is_an_organization_setting(acme, alice, bob, client_for):
    url = reverse("organization_settings", kwargs={"slug": "acme"})
    client = client_for(alice)
    assert 'name="trash_retention_days" value="30"' in client.get(url).text
    data = {"name": "Acme", "default_country": "IT"}
    assert client.post(url, {**data, "trash_retention_days": 5}).status_code == 400
    assert client.post(url, {**data, "trash_retention_days": 366}).status_code == 400
    acme.refresh_from_db()
    assert acme.trash_retention_days == 30
    assert client.post(url, {**data, "trash_retention_days": 90}).status_code == 302
    acme.refresh_from_db()
    assert acme.trash_retention_days == 90
    # Left out, it keeps its value.
    assert client.post(url, data).status_code == 302
    acme.refresh_from_db()
    assert acme.trash_retention_days == 90
    assert client_for(bob).post(url, {**data, "trash_retention_days": 7}).status_code == 403
