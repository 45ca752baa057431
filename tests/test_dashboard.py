"""The dashboard counts only what the user may see; it lists recent records and storage."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ProjectFactory,
    TaskFactory,
    TicketFactory,
)

DASHBOARD = reverse("dashboard", kwargs={"slug": "acme"})


def _numbers(html: str) -> list[str]:
    return re.findall(r'class="stat-number">([^<]+)<', html)


@pytest.mark.django_db
def test_dashboard_counts_exclude_private_records_of_others(acme, alice, bob, carol, client_for):
    ContactFactory.create_batch(3, organization=acme)
    ContactFactory(organization=acme, visibility="private", created_by=carol)
    CompanyFactory(organization=acme, visibility="private", created_by=carol)
    CompanyFactory(organization=acme)
    html = client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).content.decode()
    assert _numbers(html)[:2] == ["3", "1"]
    html = client_for(carol).get(reverse("dashboard", kwargs={"slug": "acme"})).content.decode()
    assert _numbers(html)[:2] == ["4", "2"]


@pytest.mark.django_db
def test_guests_get_no_directory_counts(acme, gina, client_for):
    ContactFactory(organization=acme)
    response = client_for(gina).get(reverse("dashboard", kwargs={"slug": "acme"}))
    assert response.status_code == 200
    assert "Contacts" not in response.content.decode()


def _labels(html: str) -> list[str]:
    return re.findall(r'class="stat-number">[^<]+</span><span>([^<]+)<', html)


@pytest.mark.django_db
def test_a_guest_with_one_project_reads_one_project(acme, bob, gina, client_for):
    project = ProjectFactory(organization=acme)
    TaskFactory(project=project, assignee=gina)
    TaskFactory(project=ProjectFactory(organization=acme), assignee=bob)
    TicketFactory(organization=acme, assignee=gina)
    TicketFactory(organization=acme, assignee=gina)

    html = client_for(gina).get(DASHBOARD).content.decode()

    assert _numbers(html) == ["1", "2"]
    assert _labels(html) == ["Project", "Tickets"]


def _age(model, record, days: int) -> None:
    model.objects.filter(pk=record.pk).update(
        updated_at=datetime(2026, 12, 1, tzinfo=UTC) - timedelta(days=days)
    )


def _recent(html: str) -> list[str]:
    start = html.index('id="recent-records"')
    section = html[start : html.index("</section>", start)]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', section)


@pytest.mark.django_db
def test_recent_records_are_the_visible_ones_newest_first(acme, bob, carol, client_for, unscoped):
    _age(Contact, ContactFactory(organization=acme, first_name="Old", last_name="Contact"), 9)
    _age(Company, CompanyFactory(organization=acme, name="Fresh Company"), 1)
    _age(Contact, ContactFactory(organization=acme, first_name="Mid", last_name="Contact"), 5)
    secret = ContactFactory(
        organization=acme,
        first_name="Secret",
        last_name="Contact",
        visibility="private",
        created_by=carol,
    )
    _age(Contact, secret, 0)

    assert _recent(client_for(bob).get(DASHBOARD).content.decode()) == [
        "Fresh Company",
        "Mid Contact",
        "Old Contact",
    ]
    assert _recent(client_for(carol).get(DASHBOARD).content.decode())[0] == "Secret Contact"


@pytest.mark.django_db
def test_recent_records_stop_at_six(acme, bob, client_for):
    ContactFactory.create_batch(5, organization=acme)
    CompanyFactory.create_batch(5, organization=acme)

    assert len(_recent(client_for(bob).get(DASHBOARD).content.decode())) == 6


@pytest.mark.django_db
def test_members_see_the_storage_bar_and_guests_neither_it_nor_records(acme, bob, gina, client_for):
    ContactFactory(organization=acme)
    member = client_for(bob).get(DASHBOARD).content.decode()
    guest = client_for(gina).get(DASHBOARD).content.decode()

    assert 'id="storage-summary"' in member and 'class="usage-bar"' in member
    assert 'id="recent-records"' not in guest and 'class="usage-bar"' not in guest


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "limit"), [("alice", 11), ("bob", 10), ("gina", 5)])
def test_the_dashboard_costs_the_same_however_many_records(
    request, acme, who, limit, client_for, django_assert_max_num_queries
):
    # Session, memberships, the counts, one query for "My activities" (its three groups),
    # the recent records (members), the members, the pending invitations (owners).
    user = request.getfixturevalue(who)
    client = client_for(user)
    for _round in range(2):
        ContactFactory.create_batch(4, organization=acme)
        CompanyFactory.create_batch(4, organization=acme)
        client.get(DASHBOARD)
        with django_assert_max_num_queries(limit):
            assert client.get(DASHBOARD).status_code == 200
