"""Leaks: what each role sees of clients and connected contacts and companies.

carol created the private records; bob, a member who is neither their creator nor
mentioned, must not see them; gina, a guest, sees no contact or company at all.
"""

import re

import pytest
from django.urls import reverse

from connections import selectors
from organizations.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db


def html_of(client, name: str, **kwargs) -> str:
    response = client.get(reverse(name, kwargs={"slug": "acme", **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def secret_contact(acme, carol):
    return factories.ContactFactory(
        organization=acme,
        first_name="Priscilla",
        last_name="Secretwood",
        visibility="private",
        created_by=carol,
    )


@pytest.fixture
def open_company(acme, carol):
    return factories.CompanyFactory(organization=acme, name="Openfield Ltd", created_by=carol)


def test_a_private_contact_connected_to_a_ticket_is_invisible_to_a_member_who_cannot_see_it(
    acme, bob, carol, secret_contact, open_company, client_for
):
    ticket = factories.TicketFactory(organization=acme, subject="Broken invoice")
    factories.connect(ticket, secret_contact)
    factories.connect(ticket, open_company)

    html = html_of(client_for(bob), "ticket_detail", pk=ticket.pk)

    assert "Secretwood" not in html and "Priscilla" not in html
    assert "Openfield Ltd" in html
    assert 'Contacts and companies <span class="muted">(1)</span>' in html


def test_the_creator_of_the_private_contact_sees_it_connected_and_counted(
    acme, carol, secret_contact, open_company, client_for
):
    ticket = factories.TicketFactory(organization=acme)
    factories.connect(ticket, secret_contact)
    factories.connect(ticket, open_company)

    html = html_of(client_for(carol), "ticket_detail", pk=ticket.pk)

    assert "Priscilla Secretwood" in html
    assert 'Contacts and companies <span class="muted">(2)</span>' in html


def test_a_member_mentioned_in_a_private_contact_sees_it_on_the_project_page(
    acme, bob, secret_contact, client_for
):
    project = factories.ProjectFactory(organization=acme)
    factories.connect(project, secret_contact)
    factories.mention(secret_contact, bob)

    assert "Priscilla Secretwood" in html_of(client_for(bob), "project_detail", pk=project.pk)


def test_a_private_client_renders_as_a_dash_for_a_member_who_cannot_see_it(
    acme, bob, carol, client_for
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Quietmoney Inc", visibility="private", created_by=carol
    )
    project = factories.ProjectFactory(organization=acme, name="Deal", client_company=hidden)

    detail = html_of(client_for(bob), "project_detail", pk=project.pk)
    listing = html_of(client_for(bob), "project_list")

    assert "Quietmoney" not in detail and "Quietmoney" not in listing
    assert '<dd id="project-client"><span class="muted">—</span></dd>' in detail
    assert "Quietmoney Inc" in html_of(client_for(carol), "project_detail", pk=project.pk)


def test_filtering_the_project_list_by_a_client_one_cannot_see_matches_nothing(
    acme, bob, carol, client_for
):
    hidden = factories.CompanyFactory(organization=acme, visibility="private", created_by=carol)
    factories.ProjectFactory(organization=acme, name="Hush project", client_company=hidden)

    response = client_for(bob).get(
        reverse("project_list", kwargs={"slug": "acme"}), {"company": hidden.pk}
    )

    assert "Hush project" not in response.content.decode()
    assert "0 projects" in response.content.decode()


@pytest.fixture
def gina_world(acme, gina, bob, carol):
    """A project whose public client and connections a member sees, with gina's work in it."""
    client = factories.CompanyFactory(organization=acme, name="Clientcorp Visible")
    person = factories.ContactFactory(organization=acme, first_name="Connie", last_name="Linked")
    partner = factories.CompanyFactory(organization=acme, name="Partnerco Linked")
    project = factories.ProjectFactory(
        organization=acme, name="Guest project", client_company=client, budget=5000
    )
    contact_client_project = factories.ProjectFactory(
        organization=acme, name="Contact-client project", client_contact=person
    )
    task = factories.TaskFactory(project=project, title="Gina's task", assignee=gina)
    factories.TaskFactory(project=project, title="Bob's private work", assignee=bob)
    other_task = factories.TaskFactory(project=contact_client_project, assignee=gina)
    ticket = factories.TicketFactory(
        organization=acme, subject="Gina's ticket", assignee=gina, project=project
    )
    factories.TicketFactory(organization=acme, subject="Someone else's ticket", assignee=carol)
    for item in (project, task, ticket, contact_client_project):
        factories.connect(item, person)
        factories.connect(item, partner)
    return {
        "project": project,
        "contact_client_project": contact_client_project,
        "task": task,
        "other_task": other_task,
        "ticket": ticket,
        "names": ["Clientcorp", "Connie", "Linked", "Partnerco"],
    }


def gina_pages(world) -> list[tuple[str, dict]]:
    project, task, ticket = world["project"], world["task"], world["ticket"]
    return [
        ("dashboard", {}),
        ("project_list", {}),
        ("project_detail", {"pk": project.pk}),
        ("project_detail", {"pk": world["contact_client_project"].pk}),
        ("task_detail", {"project_pk": project.pk, "pk": task.pk}),
        (
            "task_detail",
            {"project_pk": world["contact_client_project"].pk, "pk": world["other_task"].pk},
        ),
        ("ticket_list", {}),
        ("ticket_detail", {"pk": ticket.pk}),
    ]


def test_a_guest_never_sees_client_or_connected_names_on_any_page(gina_world, gina, client_for):
    client = client_for(gina)
    for name, kwargs in gina_pages(gina_world):
        html = html_of(client, name, **kwargs)
        for secret in gina_world["names"]:
            assert secret not in html, (name, secret)
        assert "Disconnect" not in html and "Connect a contact" not in html


def test_a_member_sees_the_same_pages_with_client_and_connected_names(gina_world, bob, client_for):
    project = gina_world["project"]

    html = html_of(client_for(bob), "project_detail", pk=project.pk)

    for name in gina_world["names"]:
        assert name in html


def test_a_guest_sees_only_their_own_tasks_and_tickets_of_a_project(gina_world, gina, client_for):
    html = html_of(client_for(gina), "project_detail", pk=gina_world["project"].pk)

    assert "Gina&#x27;s task" in html and "Gina&#x27;s ticket" in html
    assert "Bob&#x27;s private work" not in html
    assert "5,000" not in html  # budgets are the client's business, not the guest's


def test_a_guest_lists_only_the_projects_and_tickets_assigned_to_them(
    gina_world, acme, gina, client_for
):
    factories.ProjectFactory(organization=acme, name="Nothing for gina")

    projects = html_of(client_for(gina), "project_list")
    tickets = html_of(client_for(gina), "ticket_list")

    assert "Guest project" in projects and "Contact-client project" in projects
    assert "Nothing for gina" not in projects
    assert "Gina&#x27;s ticket" in tickets and "Someone else" not in tickets


def test_a_guest_cannot_filter_projects_by_client_to_learn_who_the_client_is(
    gina_world, gina, client_for
):
    company_pk = gina_world["project"].client_company_id
    response = client_for(gina).get(
        reverse("project_list", kwargs={"slug": "acme"}), {"company": company_pk}
    )

    # The filter is ignored for guests: same list as without it, no client badge.
    assert "Guest project" in response.content.decode()
    assert "Clientcorp" not in response.content.decode()


def test_selectors_give_a_removed_guest_and_an_outsider_nothing(gina_world, acme, gina, mallory):
    from organizations.models import Membership

    Membership.objects.filter(user=gina, organization=acme).delete()
    with scope(organization=acme):
        for user in (gina, mallory):
            assert not selectors.projects_visible_to(user, acme).exists()
            assert not selectors.tasks_visible_to(user, acme).exists()
            assert not selectors.tickets_visible_to(user, acme).exists()
            assert not selectors.visible_connections(user, acme).exists()


def test_a_member_cannot_remove_a_connection_to_a_contact_they_cannot_see(
    acme, bob, secret_contact, client_for, unscoped
):
    from connections.models import Connection

    project = factories.ProjectFactory(organization=acme)
    connection = factories.connect(project, secret_contact)

    response = client_for(bob).post(
        reverse("connection_remove", kwargs={"slug": "acme", "pk": connection.pk})
    )

    assert response.status_code == 404
    assert Connection.objects.filter(pk=connection.pk).exists()


def test_a_member_cannot_connect_a_contact_they_cannot_see(
    acme, bob, secret_contact, client_for, unscoped
):
    from connections.models import Connection

    project = factories.ProjectFactory(organization=acme)

    response = client_for(bob).post(
        reverse("connection_add", kwargs={"slug": "acme"}),
        {"item": f"project:{project.pk}", "contact_id": secret_contact.pk},
        follow=True,
    )

    assert not Connection.objects.exists()
    assert "Choose a contact or a company from the list." in response.content.decode()
    assert "Secretwood" not in response.content.decode()


def test_connecting_a_record_of_another_organization_is_refused(
    acme, globex, bob, client_for, unscoped
):
    from connections.models import Connection

    project = factories.ProjectFactory(organization=acme)
    foreign = factories.CompanyFactory(organization=globex, name="Globex Foreign")
    foreign_project = factories.ProjectFactory(organization=globex)
    mine = factories.CompanyFactory(organization=acme)

    client = client_for(bob)
    url = reverse("connection_add", kwargs={"slug": "acme"})
    client.post(url, {"item": f"project:{project.pk}", "company_id": foreign.pk})
    client.post(url, {"item": f"project:{foreign_project.pk}", "company_id": mine.pk})

    assert not Connection.objects.exists()


def test_the_work_picker_offers_only_what_the_member_may_see_of_their_organization(
    acme, globex, bob, client_for
):
    factories.ProjectFactory(organization=acme, name="Zephyr launch")
    factories.ProjectFactory(organization=globex, name="Zephyr foreign")
    project = factories.ProjectFactory(organization=acme, name="Other")
    factories.TaskFactory(project=project, title="Zephyr checklist")
    factories.TicketFactory(organization=acme, subject="Zephyr bug")

    html = (
        client_for(bob)
        .get(reverse("connection_autocomplete", kwargs={"slug": "acme"}), {"q": "zephyr"})
        .content.decode()
    )

    assert "Zephyr launch" in html and "Zephyr checklist" in html and "Zephyr bug" in html
    assert "Zephyr foreign" not in html
    assert 'data-value="project:' in html and 'data-value="task:' in html


def test_the_dashboard_counts_only_the_projects_and_tickets_one_may_see(
    gina_world, acme, gina, bob, client_for
):
    factories.ProjectFactory(organization=acme)
    numbers = r'class="stat-number">(\d+)<'

    guest = re.findall(numbers, html_of(client_for(gina), "dashboard"))
    member = re.findall(numbers, html_of(client_for(bob), "dashboard"))

    assert guest == ["2", "1"]  # two projects hold her work; one ticket is hers
    assert member[2:4] == ["3", "2"]  # after contacts and companies: all of them


def test_the_connections_of_a_visible_record_are_exactly_its_visible_connections(
    acme, cast, carol, gina
):
    """record_connections skips the record's own visibility (the page read it through
    visible_to) and the items' (all visible to owners and members): for every reader it
    must still give exactly what visible_connections gives for that record."""
    from organizations.models import Membership

    person = factories.ContactFactory(organization=acme, created_by=carol)
    firm = factories.CompanyFactory(organization=acme, created_by=carol)
    project = factories.ProjectFactory(organization=acme)
    task = factories.TaskFactory(project=project, assignee=gina)
    ticket = factories.TicketFactory(organization=acme, assignee=carol)
    for item in (project, task, ticket):
        factories.connect(item, person)
        factories.connect(item, firm)
    other = factories.TaskFactory(project=factories.ProjectFactory(organization=acme))
    factories.connect(other, factories.ContactFactory(organization=acme))

    def both(user, **record):
        with scope(organization=acme):
            fast = {c.pk for c in selectors.record_connections(user, acme, **record)}
            reference = set(
                selectors.visible_connections(user, acme)
                .filter(**record)
                .values_list("pk", flat=True)
            )
        return fast, reference

    for user in cast.values():
        for record in ({"contact": person}, {"company": firm}):
            fast, reference = both(user, **record)
            assert fast == reference, (user.email, record)
            # Owners and members see the three; the guest and the outsider nothing.
            expected = 0 if user in (gina, cast["mallory"]) else 3
            assert len(fast) == expected, (user.email, record)

    # A member removed from the organization sees nothing at once.
    Membership.objects.filter(user=cast["bob"], organization=acme).delete()
    assert both(cast["bob"], contact=person) == (set(), set())


def test_the_client_projects_of_a_visible_record_are_exactly_its_visible_projects(
    acme, cast, carol, gina
):
    """client_portfolio skips the guest subqueries of projects_visible_to (no guest sees
    the client): for every reader it must still give exactly the visible projects."""
    person = factories.ContactFactory(organization=acme, created_by=carol)
    firm = factories.CompanyFactory(organization=acme, created_by=carol)
    for client in ({"client_contact": person}, {"client_company": firm}):
        guest_project = factories.ProjectFactory(organization=acme, **client)
        factories.TaskFactory(project=guest_project, assignee=gina)
        factories.ProjectFactory(organization=acme, **client)
    factories.ProjectFactory(organization=acme)

    for user in cast.values():
        for record, field in (
            ({"contact": person}, "client_contact"),
            ({"company": firm}, "client_company"),
        ):
            with scope(organization=acme):
                fast = {p.pk for p in selectors.client_portfolio(user, acme, **record).projects}
                reference = set(
                    selectors.projects_visible_to(user, acme)
                    .filter(**{field: next(iter(record.values()))})
                    .values_list("pk", flat=True)
                )
            if user in (gina, cast["mallory"]):
                # Guests see the project they work on, but never the client's page.
                assert fast == set(), (user.email, record)
            else:
                assert fast == reference and len(fast) == 2, (user.email, record)
