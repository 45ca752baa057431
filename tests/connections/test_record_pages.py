"""The contact and company pages: connected work, and the client's projects with totals."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from connections.models import Connection
from tests import factories

pytestmark = pytest.mark.django_db


def page(client, kind: str, record) -> str:
    response = client.get(reverse(f"{kind}_detail", kwargs={"slug": "acme", "pk": record.pk}))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_a_contact_page_shows_every_connected_item_with_status_due_date_and_assignee(
    acme, bob, gina, client_for
):
    person = factories.ContactFactory(organization=acme)
    project = factories.ProjectFactory(
        organization=acme, name="Atlas", status="on_hold", due_date=date(2026, 9, 30)
    )
    task = factories.TaskFactory(
        project=project,
        title="Draft plan",
        status="in_progress",
        assignee=gina,
        due_date=date(2026, 5, 4),
    )
    ticket = factories.TicketFactory(
        organization=acme, subject="Login fails", status="waiting", assignee=bob
    )
    for item in (project, task, ticket):
        factories.connect(item, person)

    html = section(page(client_for(bob), "contact", person), "connected-work")
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)

    # Most recently connected first: the ticket, then the task, then the project.
    assert ["Login fails" in rows[1], "Draft plan" in rows[2], "Atlas" in rows[3]] == [True] * 3
    assert "Waiting" in rows[1] and "Bob Member" in rows[1]
    assert "In progress" in rows[2] and "Gina Guest" in rows[2] and "4 May 2026" in rows[2]
    assert "in Atlas" in rows[2]
    assert "On hold" in rows[3] and "30 Sep 2026" in rows[3]


def test_a_company_page_lists_its_client_projects_with_totals_by_status_and_currency(
    acme, bob, client_for
):
    company = factories.CompanyFactory(organization=acme, name="Enel")
    for name, status, budget, currency in [
        ("One", "active", "1000.00", "EUR"),
        ("Two", "active", "2500.50", "EUR"),
        ("Three", "completed", "400.00", "EUR"),
        ("Four", "active", "900.00", "USD"),
    ]:
        factories.ProjectFactory(
            organization=acme,
            name=name,
            status=status,
            budget=Decimal(budget),
            currency=currency,
            client_company=company,
        )
    factories.ProjectFactory(organization=acme, name="Not theirs", budget=Decimal("7"))

    html = section(page(client_for(bob), "company", company), "client-projects")
    totals = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("client-totals") :]))

    assert 'Projects as client <span class="muted">(4)</span>' in html
    assert "Not theirs" not in html
    assert "Active 2 3,500.50 EUR" in totals
    assert "Active 1 900.00 USD" in totals
    assert "Completed 1 400.00 EUR" in totals
    assert "Total 3 3,900.50 EUR" in totals and "Total 1 900.00 USD" in totals


def test_a_contact_client_page_lists_its_projects_too(acme, bob, client_for):
    person = factories.ContactFactory(organization=acme)
    factories.ProjectFactory(
        organization=acme, name="Portrait", budget=Decimal("300"), client_contact=person
    )

    html = section(page(client_for(bob), "contact", person), "client-projects")

    assert "Portrait" in html and "300.00 EUR" in html


@pytest.mark.parametrize("kind", ["contact", "company"])
def test_the_record_page_runs_the_same_number_of_queries_for_3_and_20_connections(
    acme, bob, gina, client_for, django_assert_max_num_queries, kind
):
    factory = factories.ContactFactory if kind == "contact" else factories.CompanyFactory
    record = factory(organization=acme)
    client = client_for(bob)

    def add(count: int) -> None:
        for _n in range(count):
            project = factories.ProjectFactory(organization=acme, **{f"client_{kind}": record})
            task = factories.TaskFactory(project=project, assignee=gina)
            ticket = factories.TicketFactory(organization=acme, assignee=bob, project=project)
            for item in (project, task, ticket):
                factories.connect(item, record)

    add(1)  # 3 connections
    page(client, kind, record)  # the first visit writes the organization into the session
    with django_assert_max_num_queries(20) as few:
        html = page(client, kind, record)
    assert "(3)" in section(html, "connected-work")
    add(6)  # 21 connections
    with django_assert_max_num_queries(20) as many:
        html = page(client, kind, record)
    assert "(21)" in section(html, "connected-work")

    assert len(few.captured_queries) == len(many.captured_queries)


def test_connecting_from_a_contact_page_returns_there_with_a_message(
    acme, bob, client_for, unscoped
):
    person = factories.ContactFactory(organization=acme, first_name="Mia", last_name="Linked")
    task = factories.TaskFactory(project=factories.ProjectFactory(organization=acme), title="Go")
    contact_url = reverse("contact_detail", kwargs={"slug": "acme", "pk": person.pk})
    data = {"item": f"task:{task.pk}", "contact_id": person.pk, "next": contact_url}
    client = client_for(bob)

    first = client.post(reverse("connection_add", kwargs={"slug": "acme"}), data)
    again = client.post(reverse("connection_add", kwargs={"slug": "acme"}), data, follow=True)

    assert first.url == contact_url
    assert Connection.objects.filter(task=task, contact=person, organization=acme).count() == 1
    assert "Mia Linked was already connected to Go." in again.content.decode()
    assert "Go" in section(again.content.decode(), "connected-work")


def test_connecting_a_company_from_a_ticket_page_and_disconnecting_it(
    acme, bob, client_for, unscoped
):
    company = factories.CompanyFactory(organization=acme, name="Linkco")
    ticket = factories.TicketFactory(organization=acme)
    ticket_url = reverse("ticket_detail", kwargs={"slug": "acme", "pk": ticket.pk})
    client = client_for(bob)

    response = client.post(
        reverse("connection_add", kwargs={"slug": "acme"}),
        {"item": f"ticket:{ticket.pk}", "company_id": company.pk, "next": ticket_url},
        follow=True,
    )
    connection = Connection.objects.get()
    assert "Linkco connected to" in response.content.decode()
    assert "Linkco" in section(response.content.decode(), "connections")

    response = client.post(
        reverse("connection_remove", kwargs={"slug": "acme", "pk": connection.pk}),
        {"next": ticket_url},
    )
    assert response.url == ticket_url
    assert not Connection.objects.exists()


def test_a_next_address_outside_the_organization_is_ignored(acme, bob, client_for):
    company = factories.CompanyFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme)

    response = client_for(bob).post(
        reverse("connection_add", kwargs={"slug": "acme"}),
        {
            "item": f"project:{project.pk}",
            "company_id": company.pk,
            "next": "https://evil.example/",
        },
    )

    assert response.url == reverse("project_detail", kwargs={"slug": "acme", "pk": project.pk})
