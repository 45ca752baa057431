"""Creating and editing projects: fields, the client, and bad input kept with its message."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from connections import services
from connections.models import Project
from organizations.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("project_create", kwargs={"slug": "acme"})


def project_data(**overrides) -> dict:
    data = {
        "name": "Solar rollout",
        "status": "active",
        "budget": "12500.50",
        "currency": "eur",
        "start_date": "2026-03-01",
        "due_date": "2026-06-30",
        "description": "Twelve plants.",
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_creating_a_project_with_a_client_company_opens_its_page(acme, bob, client_for, unscoped):
    company = factories.CompanyFactory(organization=acme, name="Enel")

    response = client_for(bob).post(CREATE, project_data(client_company_id=company.pk))

    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("project_detail", kwargs={"slug": "acme", "pk": project.pk})
    assert project.get_absolute_url() == response.url
    assert (project.organization, project.created_by, project.client_company) == (
        acme,
        bob,
        company,
    )
    assert (project.budget, project.currency) == (Decimal("12500.50"), "EUR")


def test_a_new_project_link_on_a_client_page_prefills_the_client(acme, bob, client_for):
    person = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Client")

    response = client_for(bob).get(CREATE, {"contact": person.pk})

    assert response.context["form"].initial["client_contact_id"] == person.pk
    assert 'value="Ada Client"' in response.content.decode()


def test_a_due_date_before_the_start_date_is_refused_next_to_the_field_with_input_kept(
    acme, bob, client_for, unscoped
):
    response = client_for(bob).post(
        CREATE, project_data(start_date="2026-05-01", due_date="2026-04-01")
    )

    assert response.status_code == 400
    assert field_errors(response, "due_date") == ["The due date cannot be before the start date."]
    html = response.content.decode()
    assert 'value="Solar rollout"' in html and 'value="2026-04-01"' in html
    assert not Project.objects.exists()


def test_a_negative_budget_is_refused_next_to_the_field_with_input_kept(
    acme, bob, client_for, unscoped
):
    response = client_for(bob).post(CREATE, project_data(budget="-5"))

    assert response.status_code == 400
    assert field_errors(response, "budget") == ["The budget cannot be negative."]
    assert 'value="-5"' in response.content.decode()
    assert not Project.objects.exists()


def test_a_currency_that_is_not_an_iso_code_is_refused(acme, bob, client_for, unscoped):
    response = client_for(bob).post(CREATE, project_data(currency="E1"))

    assert field_errors(response, "currency") == [
        "Use a three-letter ISO currency code, such as EUR."
    ]
    assert not Project.objects.exists()


def test_a_client_company_and_a_client_contact_together_are_refused(
    acme, bob, client_for, unscoped
):
    company = factories.CompanyFactory(organization=acme)
    person = factories.ContactFactory(organization=acme)

    response = client_for(bob).post(
        CREATE, project_data(client_company_id=company.pk, client_contact_id=person.pk)
    )

    assert field_errors(response, "client_contact_name") == [
        "A project's client is a company or a contact, not both."
    ]
    assert not Project.objects.exists()


def test_a_typed_client_name_that_was_not_picked_is_refused(acme, bob, client_for, unscoped):
    response = client_for(bob).post(CREATE, project_data(client_company_name="Nobody Inc"))

    assert field_errors(response, "client_company_name") == ["Choose a company from the list."]
    assert 'value="Nobody Inc"' in response.content.decode()
    assert not Project.objects.exists()


def test_a_client_of_another_organization_is_refused_at_creation(
    acme, globex, bob, client_for, unscoped
):
    foreign = factories.CompanyFactory(organization=globex)

    response = client_for(bob).post(CREATE, project_data(client_company_id=foreign.pk))

    assert field_errors(response, "client_company_name") == ["Choose a company from the list."]
    assert not Project.objects.exists()


def test_the_client_is_changed_in_the_project_settings(acme, bob, client_for, unscoped):
    old = factories.CompanyFactory(organization=acme)
    person = factories.ContactFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme, client_company=old)
    url = reverse("project_edit", kwargs={"slug": "acme", "pk": project.pk})

    response = client_for(bob).post(url, project_data(client_contact_id=person.pk))

    project.refresh_from_db()
    assert response.status_code == 302
    assert (project.client_company, project.client_contact) == (None, person)
    assert project.name == "Solar rollout"


def test_clearing_the_client_field_removes_the_client(acme, bob, client_for, unscoped):
    old = factories.CompanyFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme, client_company=old)
    url = reverse("project_edit", kwargs={"slug": "acme", "pk": project.pk})

    client_for(bob).post(url, project_data())

    project.refresh_from_db()
    assert project.client_company is None


def test_a_client_the_editor_cannot_see_stays_unseen_and_unchanged(
    acme, bob, carol, client_for, unscoped
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Sealed Corp", visibility="private", created_by=carol
    )
    project = factories.ProjectFactory(organization=acme, client_company=hidden)
    url = reverse("project_edit", kwargs={"slug": "acme", "pk": project.pk})
    client = client_for(bob)

    page = client.get(url).content.decode()
    client.post(url, project_data(name="Renamed by bob"))

    project.refresh_from_db()
    assert "Sealed Corp" not in page and f'value="{hidden.pk}"' not in page
    assert "not visible to you" in page
    assert (project.name, project.client_company) == ("Renamed by bob", hidden)


def test_a_member_may_replace_a_client_they_cannot_see(acme, bob, carol, client_for, unscoped):
    hidden = factories.CompanyFactory(organization=acme, visibility="private", created_by=carol)
    mine = factories.CompanyFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme, client_company=hidden)
    url = reverse("project_edit", kwargs={"slug": "acme", "pk": project.pk})

    client_for(bob).post(url, project_data(client_company_id=mine.pk))

    project.refresh_from_db()
    assert project.client_company == mine


def test_the_owner_deletes_a_project_with_its_tasks_and_keeps_its_tickets(
    acme, alice, client_for, unscoped
):
    from connections.models import Task

    project = factories.ProjectFactory(organization=acme, name="Doomed")
    factories.TaskFactory(project=project)
    ticket = factories.TicketFactory(organization=acme, project=project)
    factories.connect(project, factories.CompanyFactory(organization=acme))
    url = reverse("project_delete", kwargs={"slug": "acme", "pk": project.pk})

    response = client_for(alice).post(url, follow=True)

    ticket.refresh_from_db()
    assert "Project Doomed deleted." in response.content.decode()
    assert not Project.objects.exists() and not Task.objects.exists()
    assert ticket.project is None


def test_the_service_refuses_bad_dates_and_budgets_before_the_database_does(acme, alice):
    with scope(organization=acme):
        with pytest.raises(ValidationError) as dates:
            services.project_create(
                organization=acme,
                created_by=alice,
                fields={"name": "X", "start_date": "2026-02-02", "due_date": "2026-01-01"},
            )
        with pytest.raises(ValidationError) as budget:
            services.project_create(
                organization=acme, created_by=alice, fields={"name": "X", "budget": Decimal("-1")}
            )
    assert "due_date" in dates.value.message_dict
    assert "budget" in budget.value.message_dict


def test_the_service_refuses_a_client_of_another_organization(acme, globex, alice):
    foreign = factories.CompanyFactory(organization=globex)
    with scope(organization=acme), pytest.raises(ValidationError) as error:
        services.project_create(
            organization=acme,
            created_by=alice,
            fields={"name": "X"},
            client=services.ClientChoice(company=foreign),
        )
    assert "client_company" in error.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"budget": Decimal("-1")},
        {"start_date": "2026-02-02", "due_date": "2026-01-01"},
        {"client_both": True},
    ],
    ids=["negative budget", "due before start", "two clients"],
)
def test_the_database_itself_refuses_an_invalid_project(acme, fields):
    if fields.pop("client_both", False):
        fields = {
            "client_company": factories.CompanyFactory(organization=acme),
            "client_contact": factories.ContactFactory(organization=acme),
        }
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ProjectFactory(organization=acme, **fields)
