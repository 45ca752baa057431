"""Assigning one client to many projects from the list, in a fixed number of queries."""

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connections.models import Project
from events.models import Event, EventKind
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("project_assign_client", kwargs={"slug": "acme"})


def projects(organization, count: int) -> list[Project]:
    return [
        factories.ProjectFactory(organization=organization, name=f"Bulk {n}") for n in range(count)
    ]


def assign(client, chosen, **client_fields):
    return client.post(URL, {"projects": [p.pk for p in chosen], **client_fields}, follow=True)


def test_three_hundred_projects_get_their_client_in_a_bounded_number_of_queries(
    acme, bob, client_for, django_assert_max_num_queries, unscoped
):
    chosen = projects(acme, 300)
    company = factories.CompanyFactory(organization=acme, name="Bigclient")
    client = client_for(bob)

    # The old clients are read (locked) in one query and the 300 "client of" timeline
    # events written in one insert, inside a savepoint.
    with django_assert_max_num_queries(12):
        response = client.post(
            URL, {"projects": [p.pk for p in chosen], "client_company_id": company.pk}
        )

    assert response.status_code == 302
    assert Project.objects.filter(client_company=company).count() == 300
    assert (
        Event.objects.filter(
            organization=acme, company=company, kind=EventKind.CLIENT_ASSIGNED
        ).count()
        == 300
    )
    assert "300 projects updated." in client.get(response.url).content.decode()


def test_the_number_of_queries_does_not_grow_with_the_number_of_projects(
    acme, bob, client_for, unscoped
):
    company = factories.CompanyFactory(organization=acme)
    client = client_for(bob)
    few, many = projects(acme, 3), projects(acme, 120)
    client.get(reverse("project_list", kwargs={"slug": "acme"}))  # writes the session once
    counts = []
    for chosen in (few, many):
        with CaptureQueriesContext(db_connection) as queries:
            client.post(URL, {"projects": [p.pk for p in chosen], "client_company_id": company.pk})
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_contact_can_be_the_client_of_many_projects_at_once(acme, alice, client_for, unscoped):
    chosen = projects(acme, 4)
    person = factories.ContactFactory(organization=acme)
    factories.ProjectFactory(organization=acme, name="Untouched")

    response = assign(client_for(alice), chosen[:3], client_contact_id=person.pk)

    assert "3 projects updated." in response.content.decode()
    assert set(Project.objects.filter(client_contact=person).values_list("name", flat=True)) == {
        "Bulk 0",
        "Bulk 1",
        "Bulk 2",
    }


def test_replacing_a_previous_client_of_the_other_kind_once_confirmed(
    acme, bob, client_for, unscoped
):
    person = factories.ContactFactory(organization=acme)
    project = factories.ProjectFactory(organization=acme, client_contact=person)
    company = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), [project], client_company_id=company.pk, replace="all")

    project.refresh_from_db()
    assert "1 project updated." in response.content.decode()
    assert (project.client_company_id, project.client_contact_id) == (company.pk, None)


# Issue 14: projects that already have another client are not overwritten silently.


def test_it_asks_before_replacing_clients_and_changes_nothing_until_answered(
    acme, bob, client_for, unscoped
):
    chosen = projects(acme, 5)
    old = factories.CompanyFactory(organization=acme, name="Oldclient")
    Project.objects.filter(pk__in=[chosen[0].pk, chosen[1].pk]).update(client_company=old)
    new = factories.CompanyFactory(organization=acme, name="Newclient")
    Project.objects.filter(pk=chosen[2].pk).update(client_company=new)  # already this one

    response = assign(client_for(bob), chosen, client_company_id=new.pk)

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 of the 5 selected projects already have another client." in page
    assert "Bulk 0" in page and "Bulk 1" in page and "Bulk 3" not in page
    assert Project.objects.filter(client_company=old).count() == 2
    assert Project.objects.filter(client_company=new).count() == 1
    # The answer carries the whole choice again.
    assert page.count('name="projects" value=') == 5
    assert f'name="client_company_id" value="{new.pk}"' in page


def test_only_those_without_a_client_keeps_the_others(acme, bob, client_for, unscoped):
    chosen = projects(acme, 4)
    old = factories.CompanyFactory(organization=acme)
    Project.objects.filter(pk=chosen[0].pk).update(client_company=old)
    new = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), chosen, client_company_id=new.pk, replace="empty")

    assert "3 projects updated. 1 kept its client." in response.content.decode()
    assert Project.objects.get(pk=chosen[0].pk).client_company == old
    assert Project.objects.filter(client_company=new).count() == 3


def test_replace_all_overwrites_every_selected_client(acme, bob, client_for, unscoped):
    chosen = projects(acme, 3)
    person = factories.ContactFactory(organization=acme)
    Project.objects.filter(pk=chosen[0].pk).update(client_contact=person)
    new = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), chosen, client_company_id=new.pk, replace="all")

    assert "3 projects updated." in response.content.decode()
    assert Project.objects.filter(client_company=new, client_contact=None).count() == 3


def test_a_hidden_previous_client_counts_but_is_never_named(acme, bob, carol, client_for, unscoped):
    hidden = factories.CompanyFactory(
        organization=acme, name="Secretco", visibility="private", created_by=carol
    )
    project = factories.ProjectFactory(organization=acme, name="Visible", client_company=hidden)
    new = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), [project], client_company_id=new.pk)

    page = response.content.decode()
    assert "1 of the 1 selected projects already has another client." in page
    assert "Secretco" not in page
    assert Project.objects.get(pk=project.pk).client_company == hidden


def test_an_unknown_answer_is_refused(acme, bob, client_for, unscoped):
    chosen = projects(acme, 1)
    new = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), chosen, client_company_id=new.pk, replace="everything")

    assert response.status_code == 400
    assert not Project.objects.filter(client_company=new).exists()


def test_a_client_from_another_organization_is_refused_and_nothing_changes(
    acme, globex, bob, client_for, unscoped
):
    chosen = projects(acme, 3)
    foreign = factories.CompanyFactory(organization=globex, name="Globex Client")

    response = assign(client_for(bob), chosen, client_company_id=foreign.pk)

    assert response.status_code == 400
    assert "Choose a company from the list." in response.content.decode()
    assert not Project.objects.filter(client_company__isnull=False).exists()
    # The ticked projects stay ticked for a second try.
    assert response.content.decode().count('name="projects" value=') == 3
    assert response.content.decode().count("checked") >= 3


def test_a_private_client_the_member_cannot_see_is_refused(acme, bob, carol, client_for, unscoped):
    chosen = projects(acme, 2)
    hidden = factories.CompanyFactory(
        organization=acme, name="Hiddenco", visibility="private", created_by=carol
    )

    response = assign(client_for(bob), chosen, client_company_id=hidden.pk)

    assert response.status_code == 400
    assert "Hiddenco" not in response.content.decode()
    assert not Project.objects.filter(client_company=hidden).exists()


def test_projects_of_another_organization_are_never_touched(
    acme, globex, bob, client_for, unscoped
):
    mine = projects(acme, 1)
    theirs = factories.ProjectFactory(organization=globex, name="Globex project")
    company = factories.CompanyFactory(organization=acme)

    response = assign(client_for(bob), [*mine, theirs], client_company_id=company.pk)

    theirs.refresh_from_db()
    assert "1 project updated." in response.content.decode()
    assert theirs.client_company_id is None


def test_choosing_no_client_or_both_kinds_is_refused_with_a_message(
    acme, bob, client_for, unscoped
):
    chosen = projects(acme, 2)
    company = factories.CompanyFactory(organization=acme)
    person = factories.ContactFactory(organization=acme)
    client = client_for(bob)

    nothing = assign(client, chosen)
    both = assign(client, chosen, client_company_id=company.pk, client_contact_id=person.pk)

    assert nothing.status_code == 400 and both.status_code == 400
    assert "Choose the client: a company or a contact." in nothing.content.decode()
    assert "company or a contact, not both" in both.content.decode()
    assert not Project.objects.filter(client_company__isnull=False).exists()


def test_no_project_ticked_is_refused_with_a_message(acme, bob, client_for):
    company = factories.CompanyFactory(organization=acme)

    response = client_for(bob).post(URL, {"client_company_id": company.pk})

    assert response.status_code == 400
    assert "Select at least one project." in response.content.decode()


def test_a_guest_cannot_assign_clients(acme, gina, client_for, unscoped):
    project = factories.ProjectFactory(organization=acme)
    factories.TaskFactory(project=project, assignee=gina)
    company = factories.CompanyFactory(organization=acme)

    response = client_for(gina).post(
        URL, {"projects": [project.pk], "client_company_id": company.pk}
    )

    project.refresh_from_db()
    assert response.status_code == 403
    assert project.client_company_id is None


def test_the_list_offers_the_bulk_action_to_members_but_not_to_guests(acme, bob, gina, client_for):
    project = factories.ProjectFactory(organization=acme)
    factories.TaskFactory(project=project, assignee=gina)
    list_url = reverse("project_list", kwargs={"slug": "acme"})

    member_html = client_for(bob).get(list_url).content.decode()
    guest_html = client_for(gina).get(list_url).content.decode()

    assert "Assign client" in member_html and 'name="projects"' in member_html
    assert "Assign client" not in guest_html and 'name="projects"' not in guest_html
