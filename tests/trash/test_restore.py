"""Deleting moves everything to the trash; Restore (and Undo) bring it back exactly.

Runs on SQLite and PostgreSQL (DATABASE_URL): the same primary keys, fields, contact
points, affiliations, mentions, files, connections, client links and timeline rows.
"""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from attachments.models import StorageUsage
from attachments.services import usage_recompute
from companies.models import Company
from connections.models import Project, Ticket
from contacts.models import Contact
from events.models import Event, EventKind
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.trash.helpers import differences, dump, only_new
from trash.models import TrashBatch


@pytest.fixture
def world(acme, alice, bob, carol):
    """bob's company Northwind with everything a delete can take along."""
    with scope(organization=acme):
        company = factories.CompanyFactory(
            organization=acme, name="Northwind", created_by=bob, description="Hi @carol@example.com"
        )
        company.emails.create(organization=acme, email="info@northwind.test", position=0)
        company.phones.create(organization=acme, number="+390299887766", position=0)
        company.addresses.create(organization=acme, street="Via Roma 1", city="Milano", position=0)
        person = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
        person.emails.create(organization=acme, email="ada@northwind.test", position=0)
        factories.AffiliationFactory(contact=person, company=company, role="CTO", is_primary=True)
        project = factories.ProjectFactory(
            organization=acme,
            name="Big deal",
            client_company=company,
            budget=Decimal("250000"),
            currency="GBP",
            created_by=alice,
        )
        task = factories.TaskFactory(project=project, title="Kick-off", created_by=alice)
        ticket = factories.TicketFactory(organization=acme, project=project, subject="Broken")
        factories.connect(project, company)
        factories.connect(task, person)
        factories.connect(ticket, company)
        file = factories.AttachmentFactory(company=company, content=b"x" * 1234, uploaded_by=bob)
        factories.LinkFactory(company=company)
        factories.AttachmentFactory(contact=person, content=b"y" * 10)
        factories.NoteFactory(company=company, author=bob, body="Met them.")
        factories.NoteFactory(project=project, author=alice, body="Project note.")
        Event.objects.create(
            organization=acme, kind=EventKind.CREATED, company=company, contact=person, actor=bob
        )
        factories.activity(acme, created_by=bob, companies=[company], projects=[project])
        usage_recompute(organization=acme)
    return {
        "company": company,
        "person": person,
        "project": project,
        "task": task,
        "ticket": ticket,
        "file": file,
    }


def used_bytes(organization) -> int:
    with scopes_disabled():
        return StorageUsage.objects.get(organization=organization).used_bytes


def restore(client, organization, batch, **data):
    return client.post(
        reverse("trash_restore", kwargs={"slug": organization.slug, "pk": batch.pk}), data
    )


def assert_back(before, after):
    assert differences(before, after) == {}
    # Only what the deletes and restores wrote themselves may be new: their timeline
    # events and the field history of the rows going and coming back.
    assert set(only_new(before, after)) <= {"events.event", "history.change"}


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_company_comes_back_exactly_with_its_client_links(world, acme, client_for, who, cast):
    before = dump(acme)
    used = used_bytes(acme)
    client = client_for(cast[who])
    company = world["company"]
    response = client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Company.objects.filter(pk=company.pk).exists()
        assert Project.objects.get(pk=world["project"].pk).client_company_id is None
        batch = TrashBatch.objects.get()
    # Trashed files stay stored and counted.
    assert default_storage.exists(world["file"].storage_key)
    assert used_bytes(acme) == used
    assert batch.file_count == 1 and batch.file_bytes == 1234

    response = restore(client, acme, batch)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "company_detail", kwargs={"slug": "acme", "pk": company.pk}
    )
    assert_back(before, dump(acme))
    assert used_bytes(acme) == used
    with scopes_disabled():
        assert not TrashBatch.objects.exists()
    assert client.get(response["Location"]).status_code == 200


def test_contact_comes_back_with_points_affiliations_client_link_and_files(
    world, acme, alice, client_for
):
    person = world["person"]
    with scope(organization=acme):
        world["project"].client_company = None
        world["project"].client_contact = person
        world["project"].save()
    before = dump(acme)
    client = client_for(alice)
    client.post(reverse("contact_delete", kwargs={"slug": "acme", "pk": person.pk}))
    with scopes_disabled():
        assert not Contact.objects.filter(pk=person.pk).exists()
        batch = TrashBatch.objects.get()
    restore(client, acme, batch)
    assert_back(before, dump(acme))


def test_project_comes_back_with_tasks_connections_and_its_tickets(world, acme, alice, client_for):
    before = dump(acme)
    client = client_for(alice)
    project = world["project"]
    client.post(reverse("project_delete", kwargs={"slug": "acme", "pk": project.pk}))
    with scopes_disabled():
        assert Ticket.objects.get(pk=world["ticket"].pk).project_id is None
        batch = TrashBatch.objects.get()
    restore(client, acme, batch)
    assert_back(before, dump(acme))


@pytest.mark.parametrize("kind", ["task", "ticket"])
def test_task_and_ticket_come_back(world, acme, alice, client_for, kind):
    before = dump(acme)
    client = client_for(alice)
    item = world[kind]
    kwargs = {"slug": "acme", "pk": item.pk}
    if kind == "task":
        kwargs["project_pk"] = item.project_id
    client.post(reverse(f"{kind}_delete", kwargs=kwargs))
    with scopes_disabled():
        batch = TrashBatch.objects.get()
    assert batch.kind == kind
    restore(client, acme, batch)
    assert_back(before, dump(acme))


def test_a_file_comes_back_and_its_quota_never_moved(world, acme, bob, client_for):
    before = dump(acme)
    used = used_bytes(acme)
    client = client_for(bob)
    file = world["file"]
    response = client.post(
        reverse(
            "company_attachment_delete",
            kwargs={"slug": "acme", "pk": file.company_id, "attachment_pk": file.pk},
        )
    )
    assert response.status_code == 302
    assert used_bytes(acme) == used
    assert default_storage.exists(file.storage_key)
    with scopes_disabled():
        batch = TrashBatch.objects.get()
    restore(client, acme, batch)
    assert_back(before, dump(acme))
    assert used_bytes(acme) == used


def test_restore_says_what_could_not_come_back(world, acme, alice, client_for):
    """The company is deleted, then its person: restoring the company brings it back with
    its client link, but its link to the person stays out, and the page says so."""
    client = client_for(alice)
    company, person = world["company"], world["person"]
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    client.post(reverse("contact_delete", kwargs={"slug": "acme", "pk": person.pk}))
    with scopes_disabled():
        company_batch, person_batch = TrashBatch.objects.order_by("pk")
    response = restore(client, acme, company_batch)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Not restored, because what they belonged to no longer exists" in page.text
    with scopes_disabled():
        assert Company.objects.filter(pk=company.pk).exists()
        assert not company.affiliations.exists()
        assert Project.objects.get(pk=world["project"].pk).client_company_id == company.pk
    restore(client, acme, person_batch)
    with scopes_disabled():
        assert Contact.objects.filter(pk=person.pk).exists()


def test_restoring_twice_is_a_404_not_a_second_copy(world, acme, alice, client_for):
    client = client_for(alice)
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": world["company"].pk}))
    with scopes_disabled():
        batch = TrashBatch.objects.get()
    assert restore(client, acme, batch).status_code == 302
    assert restore(client, acme, batch).status_code == 404


def test_a_client_chosen_since_the_delete_is_kept(world, acme, alice, client_for):
    client = client_for(alice)
    company, project = world["company"], world["project"]
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    with scope(organization=acme):
        other = factories.CompanyFactory(organization=acme, name="Other")
        Project.objects.filter(pk=project.pk).update(client_company=other)
        batch = TrashBatch.objects.get()
    restore(client, acme, batch)
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).client_company_id == other.pk


def test_a_file_whose_record_is_in_the_trash_waits_for_it(world, acme, alice, client_for):
    """The file is deleted, then its company: the file cannot come back alone (nothing
    changes, the batch stays); once the company is restored, the file can be."""
    client = client_for(alice)
    file, company = world["file"], world["company"]
    client.post(
        reverse(
            "company_attachment_delete",
            kwargs={"slug": "acme", "pk": company.pk, "attachment_pk": file.pk},
        )
    )
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    with scopes_disabled():
        file_batch, company_batch = TrashBatch.objects.order_by("pk")
    response = restore(client, acme, file_batch)
    assert response["Location"] == reverse("trash_list", kwargs={"slug": "acme"})
    assert "cannot be restored" in client.get(response["Location"]).text
    with scopes_disabled():
        assert TrashBatch.objects.count() == 2
    restore(client, acme, company_batch)
    restore(client, acme, file_batch)
    with scopes_disabled():
        assert company.attachments.filter(pk=file.pk).exists()
        assert not TrashBatch.objects.exists()


def test_a_company_with_1200_persons_comes_back_whole_in_few_queries(
    acme, alice, client_for, django_assert_max_num_queries
):
    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, name="Huge")
        contacts = Contact.objects.bulk_create(
            Contact(organization=acme, first_name="P", last_name=f"Person{n}", visibility="public")
            for n in range(1200)
        )
        from companies.models import Affiliation

        Affiliation.objects.bulk_create(
            Affiliation(organization=acme, contact=contact, company=company) for contact in contacts
        )
    before = dump(acme)
    client = client_for(alice)
    client.post(reverse("company_delete", kwargs={"slug": "acme", "pk": company.pk}))
    with scopes_disabled():
        batch = TrashBatch.objects.get()
        assert not company.affiliations.exists()
    with django_assert_max_num_queries(60):
        restore(client, acme, batch)
    assert differences(before, dump(acme)) == {}
