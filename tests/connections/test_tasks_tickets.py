"""Tasks inside projects and tickets: assignees, projects, statuses, lists."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections import services
from connections.models import Task, Ticket
from organizations.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(acme):
    return factories.ProjectFactory(organization=acme, name="Apollo")


def task_create_url(project) -> str:
    return reverse("task_create", kwargs={"slug": "acme", "project_pk": project.pk})


def test_a_new_task_opens_its_page_inside_its_project(project, bob, gina, client_for, unscoped):
    response = client_for(bob).post(
        task_create_url(project),
        {"title": "Survey", "status": "todo", "assignee": gina.pk, "due_date": "2026-04-01"},
    )

    task = Task.objects.get()
    assert response.url == f"/o/acme/projects/{project.pk}/tasks/{task.pk}/"
    assert task.get_absolute_url() == response.url
    assert (task.organization_id, task.project, task.assignee) == (
        project.organization_id,
        project,
        gina,
    )


def test_a_task_assigned_to_a_non_member_is_refused_next_to_the_field_with_input_kept(
    project, bob, mallory, client_for, unscoped
):
    response = client_for(bob).post(
        task_create_url(project), {"title": "Sneaky", "status": "todo", "assignee": mallory.pk}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["assignee"] == ["Choose a member of this organization."]
    assert 'value="Sneaky"' in response.content.decode()
    assert not Task.objects.exists()


def test_the_task_service_refuses_a_non_member_assignee(project, acme, alice, mallory):
    with scope(organization=acme), pytest.raises(ValidationError) as error:
        services.task_create(
            project=project, created_by=alice, fields={"title": "X", "assignee": mallory}
        )
    assert error.value.message_dict == {"assignee": ["Choose a member of this organization."]}


def test_a_ticket_assigned_to_a_non_member_is_refused(acme, bob, mallory, client_for, unscoped):
    response = client_for(bob).post(
        reverse("ticket_create", kwargs={"slug": "acme"}),
        {"subject": "Help", "status": "open", "priority": "high", "assignee": mallory.pk},
    )

    assert response.context["form"].errors["assignee"] == ["Choose a member of this organization."]
    assert 'value="Help"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_ticket_in_a_project_of_another_organization_is_refused(
    acme, globex, bob, client_for, unscoped
):
    foreign = factories.ProjectFactory(organization=globex)

    response = client_for(bob).post(
        reverse("ticket_create", kwargs={"slug": "acme"}),
        {"subject": "Help", "status": "open", "priority": "low", "project_id": foreign.pk},
    )

    assert response.context["form"].errors["project_name"] == ["Choose a project from the list."]
    assert not Ticket.objects.exists()


def test_a_ticket_is_created_in_a_project_and_shows_on_the_project_page(
    project, bob, client_for, unscoped
):
    client = client_for(bob)
    response = client.post(
        reverse("ticket_create", kwargs={"slug": "acme"}),
        {
            "subject": "Printer jam",
            "status": "open",
            "priority": "urgent",
            "project_id": project.pk,
        },
    )

    ticket = Ticket.objects.get()
    assert response.url == ticket.get_absolute_url()
    page = client.get(reverse("project_detail", kwargs={"slug": "acme", "pk": project.pk}))
    assert "Printer jam" in page.content.decode()


def test_a_guest_sets_the_status_of_their_own_task(project, gina, client_for, unscoped):
    task = factories.TaskFactory(project=project, assignee=gina, title="Gina's job")
    url = reverse("task_status", kwargs={"slug": "acme", "project_pk": project.pk, "pk": task.pk})

    response = client_for(gina).post(url, {"status": "done"}, follow=True)

    task.refresh_from_db()
    assert task.status == "done"
    assert "set to Done" in response.content.decode()


def test_a_guest_sets_the_status_of_their_own_ticket_but_nothing_else(
    acme, gina, client_for, unscoped
):
    ticket = factories.TicketFactory(organization=acme, assignee=gina, subject="Original")
    client = client_for(gina)

    client.post(
        reverse("ticket_status", kwargs={"slug": "acme", "pk": ticket.pk}),
        {"status": "resolved", "subject": "Changed"},
    )
    edit = client.post(
        reverse("ticket_edit", kwargs={"slug": "acme", "pk": ticket.pk}),
        {"subject": "Changed", "status": "open", "priority": "low"},
    )

    ticket.refresh_from_db()
    assert edit.status_code == 403
    assert (ticket.status, ticket.subject) == ("resolved", "Original")


def test_an_unknown_status_is_refused_and_changes_nothing(acme, bob, client_for, unscoped):
    ticket = factories.TicketFactory(organization=acme)

    response = client_for(bob).post(
        reverse("ticket_status", kwargs={"slug": "acme", "pk": ticket.pk}),
        {"status": "teleported"},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert "Choose a valid status." in response.content.decode()


def test_the_ticket_list_filters_by_status_priority_and_assignee(acme, bob, carol, client_for):
    factories.TicketFactory(
        organization=acme, subject="Mine urgent", assignee=bob, priority="urgent"
    )
    factories.TicketFactory(organization=acme, subject="Carol's", assignee=carol)
    factories.TicketFactory(organization=acme, subject="Closed one", status="closed")
    url = reverse("ticket_list", kwargs={"slug": "acme"})
    client = client_for(bob)

    mine = client.get(url, {"mine": "1"}).content.decode()
    urgent = client.get(url, {"priority": "urgent"}).content.decode()
    closed = client.get(url, {"status": "closed"}).content.decode()

    assert "Mine urgent" in mine and "Carol&#x27;s" not in mine
    assert "Mine urgent" in urgent and "Closed one" not in urgent
    assert "Closed one" in closed and "Mine urgent" not in closed


def test_the_ticket_list_pages_with_a_cursor(acme, bob, client_for):
    for n in range(55):
        factories.TicketFactory(organization=acme, subject=f"Numbered {n:02d}")
    client = client_for(bob)
    url = reverse("ticket_list", kwargs={"slug": "acme"})

    first = client.get(url)
    second = client.get(url, {"after": first.context["page"].next_cursor})

    assert len(first.context["page"].items) == 50
    assert len(second.context["page"].items) == 5
    assert "Numbered 00" in second.content.decode()


@pytest.mark.parametrize("page", ["project_list", "ticket_list"])
def test_list_pages_run_a_fixed_number_of_queries(
    acme, bob, carol, client_for, django_assert_max_num_queries, page
):
    client = client_for(bob)
    url = reverse(page, kwargs={"slug": "acme"})

    def add(count: int) -> None:
        for _n in range(count):
            company = factories.CompanyFactory(organization=acme)
            person = factories.ContactFactory(organization=acme)
            project = factories.ProjectFactory(organization=acme, client_company=company)
            factories.ProjectFactory(organization=acme, client_contact=person)
            factories.TicketFactory(organization=acme, project=project, assignee=carol)

    add(2)
    client.get(url)  # the first visit writes the organization into the session
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(12) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_project_page_runs_a_fixed_number_of_queries(
    acme, bob, gina, client_for, django_assert_max_num_queries
):
    project = factories.ProjectFactory(
        organization=acme, client_company=factories.CompanyFactory(organization=acme)
    )
    url = reverse("project_detail", kwargs={"slug": "acme", "pk": project.pk})
    client = client_for(bob)

    def add(count: int) -> None:
        for _n in range(count):
            factories.TaskFactory(project=project, assignee=gina)
            factories.TicketFactory(organization=acme, project=project, assignee=bob)
            factories.connect(project, factories.ContactFactory(organization=acme))
            factories.connect(project, factories.CompanyFactory(organization=acme))

    add(3)
    client.get(url)  # the first visit writes the organization into the session
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(14) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)
