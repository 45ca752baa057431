"""The schema's guarantees, the admin for operators, and the demo data."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from connections.models import Connection, Project, Task, Ticket
from organizations.checks import check_tenant_model
from organizations.scoping import ScopeError, scopes_disabled
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Project, Task, Ticket, Connection])
def test_reading_work_items_without_a_scope_raises(model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.parametrize("model", [Project, Task, Ticket, Connection])
def test_every_model_passes_the_tenant_checks(model):
    assert check_tenant_model(model) == []


def test_a_connection_needs_exactly_one_item_and_one_party(acme):
    project = factories.ProjectFactory(organization=acme)
    ticket = factories.TicketFactory(organization=acme)
    company = factories.CompanyFactory(organization=acme)
    contact = factories.ContactFactory(organization=acme)
    bad_rows = [
        {"company": company},
        {"project": project},
        {"project": project, "ticket": ticket, "company": company},
        {"project": project, "company": company, "contact": contact},
    ]
    with scopes_disabled():
        for fields in bad_rows:
            with pytest.raises(IntegrityError), transaction.atomic():
                Connection.objects.create(organization=acme, **fields)


def test_the_same_link_cannot_be_stored_twice(acme):
    project = factories.ProjectFactory(organization=acme)
    company = factories.CompanyFactory(organization=acme)
    factories.connect(project, company)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.connect(project, company)


def test_deleting_a_contact_removes_its_connections_and_clears_its_client_role(acme, unscoped):
    person = factories.ContactFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme, client_contact=person)
    factories.connect(project, person)

    person.delete()

    project.refresh_from_db()
    assert project.client_contact is None
    assert not Connection.objects.exists()


@pytest.fixture
def operator(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(email="op@example.com", password="x")


@pytest.mark.parametrize("model", ["project", "task", "ticket", "connection"])
def test_operators_list_search_and_open_work_items_in_the_admin(acme, operator, client, model):
    project = factories.ProjectFactory(
        organization=acme,
        name="Adminable",
        client_company=factories.CompanyFactory(organization=acme),
    )
    task = factories.TaskFactory(project=project, title="Adminable task")
    ticket = factories.TicketFactory(organization=acme, subject="Adminable ticket")
    connection = factories.connect(ticket, factories.ContactFactory(organization=acme))
    rows = {"project": project, "task": task, "ticket": ticket, "connection": connection}
    client.force_login(operator)

    listing = client.get(reverse(f"admin:connections_{model}_changelist"), {"q": "Adminable"})
    change = client.get(reverse(f"admin:connections_{model}_change", args=[rows[model].pk]))

    assert listing.status_code == 200 and change.status_code == 200
    assert "Acme" in listing.content.decode()


def test_seed_demo_connects_projects_tasks_and_tickets_and_is_idempotent(unscoped):
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Project, Task, Ticket, Connection)]
    call_command("seed_demo", stdout=io.StringIO())

    assert [m.objects.count() for m in (Project, Task, Ticket, Connection)] == counts
    assert all(counts)
    assert Project.objects.filter(client_company__isnull=False).exists()
    assert Project.objects.filter(client_contact__isnull=False).exists()
    gina_tasks = Task.objects.filter(assignee__email="gina@example.com")
    assert gina_tasks.exists()
    assert not Project.objects.exclude(organization__slug="acme").exists()
