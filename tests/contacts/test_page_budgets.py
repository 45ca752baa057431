"""The pages issue 6 measures run at most ten queries, the same for few rows as for many.

Counted with the test client logged in through the session, as a browser would be.
"""

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled
from tests import factories

BUDGET = 10


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def hub_contact(acme, bob, carol, *, connections: int):
    """A contact with 3 emails, phones and addresses, 3 companies, `connections` connected
    items and as many files and links, mentioning bob in its description."""
    with scopes_disabled():
        contact = factories.ContactFactory(
            organization=acme, created_by=carol, description="Ask @bob@example.com first."
        )
        for position in range(3):
            contact.emails.create(
                organization=acme, email=f"hub{position}@example.com", position=position
            )
            contact.phones.create(
                organization=acme, number=f"+39021234567{position}", position=position
            )
            contact.addresses.create(organization=acme, city="Milano", position=position)
            factories.AffiliationFactory(
                contact=contact,
                company=factories.CompanyFactory(organization=acme),
                is_primary=position == 0,
            )
        for _n in range(connections // 3):
            project = factories.ProjectFactory(organization=acme, client_contact=contact, budget=10)
            task = factories.TaskFactory(project=project, assignee=carol)
            ticket = factories.TicketFactory(organization=acme, project=project, assignee=bob)
            for item in (project, task, ticket):
                factories.connect(item, contact)
            factories.AttachmentFactory(contact=contact)
            factories.LinkFactory(contact=contact)
    return contact


def measured(client, django_assert_max_num_queries, path: str, params=None) -> int:
    client.get(path, params or {})  # the first visit writes the organization into the session
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_a_contact_page_with_3_companies_costs_the_same_with_3_or_60_connections(
    acme, bob, carol, client_for, django_assert_max_num_queries
):
    client = client_for(bob)
    few = hub_contact(acme, bob, carol, connections=3)
    many = hub_contact(acme, bob, carol, connections=60)

    counts = [
        measured(client, django_assert_max_num_queries, record.get_absolute_url())
        for record in (few, many)
    ]

    assert counts[0] == counts[1]
    page = client.get(many.get_absolute_url()).text
    assert "(60)" in page  # every connection is listed
    assert "hub2@example.com" in page and "Milano" in page


def persons_company(acme, carol, persons: int):
    with scopes_disabled():
        company = factories.CompanyFactory(organization=acme, name="Hub company", created_by=carol)
        for index in range(persons):
            person = factories.ContactFactory(organization=acme, last_name=f"Person{index:04}")
            factories.AffiliationFactory(contact=person, company=company, is_primary=index % 2 == 0)
    return company


@pytest.mark.django_db
def test_a_company_page_costs_the_same_with_3_or_60_persons(
    acme, bob, carol, client_for, django_assert_max_num_queries
):
    client = client_for(bob)
    counts = [
        measured(
            client,
            django_assert_max_num_queries,
            persons_company(acme, carol, n).get_absolute_url(),
        )
        for n in (3, 60)
    ]
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_company_page_shows_twenty_persons_primary_first_and_links_to_the_rest(
    acme, bob, carol, client_for
):
    company = persons_company(acme, carol, 30)

    response = client_for(bob).get(company.get_absolute_url())

    persons = response.context["persons"]
    assert len(persons.shown) == 20
    assert (persons.total, persons.more) == (30, False)
    assert all(a.is_primary for a in persons.shown[:15])
    assert f"?company={company.pk}" in response.text
    assert "See all 30 persons in the contact list" in response.text


@pytest.mark.django_db
def test_a_company_with_more_persons_than_counted_says_so(
    acme, bob, carol, client_for, monkeypatch
):
    from companies import selectors

    monkeypatch.setattr(selectors, "PERSONS_COUNTED", 25)
    company = persons_company(acme, carol, 30)

    response = client_for(bob).get(company.get_absolute_url())

    assert (response.context["persons"].total, response.context["persons"].more) == (25, True)
    assert "See all 25+ persons in the contact list" in response.text


@pytest.mark.django_db
def test_a_company_page_never_counts_a_private_person_its_reader_may_not_see(
    acme, bob, carol, client_for
):
    company = persons_company(acme, carol, 3)
    with scopes_disabled():
        hidden = factories.ContactFactory(
            organization=acme, created_by=carol, visibility="private", last_name="Hiddenperson"
        )
        factories.AffiliationFactory(contact=hidden, company=company)

    response = client_for(bob).get(company.get_absolute_url())

    assert response.context["persons"].total == 3
    assert "Hiddenperson" not in response.text


def people(acme, count: int) -> None:
    with scopes_disabled():
        for index in range(count):
            factories.ContactFactory(organization=acme, last_name=f"Walk{index:03}")


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["name", "-name", "created", "-created", "updated", "-updated"])
def test_a_deep_page_reached_by_cursor_costs_what_the_first_page_costs(
    acme, bob, client_for, django_assert_max_num_queries, sort
):
    people(acme, 80)
    client = client_for(bob)
    first = measured(client, django_assert_max_num_queries, url("contact_list"), {"sort": sort})
    cursor = client.get(url("contact_list"), {"sort": sort}).context["page"].next_cursor
    for _page in range(2):  # to the third page
        params = {"sort": sort, "after": cursor}
        cursor = client.get(url("contact_list"), params).context["page"].next_cursor

    deep = measured(client, django_assert_max_num_queries, url("contact_list"), params)

    assert deep == first


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["name", "-name", "created", "-created", "updated", "-updated"])
def test_the_contact_list_walks_every_visible_contact_once_in_each_order(
    acme, bob, carol, client_for, sort
):
    people(acme, 30)
    with scopes_disabled():
        factories.ContactFactory(organization=acme, created_by=carol, visibility="private")
    client = client_for(bob)
    seen, params = [], {"sort": sort}
    while True:
        page = client.get(url("contact_list"), params).context["page"]
        seen += [contact.pk for contact in page.items]
        if page.next_cursor is None:
            break
        params = {"sort": sort, "after": page.next_cursor}

    assert len(seen) == len(set(seen)) == 30


@pytest.mark.django_db
def test_a_search_walks_every_match_once_by_relevance_with_ties(acme, bob, client_for, monkeypatch):
    from directory import views as directory_views

    monkeypatch.setattr(directory_views, "PER_PAGE", 5)
    with scopes_disabled():
        for index in range(12):
            # Same names in pairs: equal ranks that only the id can order.
            factories.ContactFactory(organization=acme, last_name=f"Walker{index // 2}")
        factories.ContactFactory(organization=acme, last_name="Unrelated")
    client = client_for(bob)
    params = {"q": "walker", "sort": "relevance"}
    seen = []
    while True:
        response = client.get(url("contact_list"), params)
        page = response.context["page"]
        seen += [contact.pk for contact in page.items]
        if page.next_cursor is None:
            break
        params = {"q": "walker", "sort": "relevance", "after": page.next_cursor}

    assert len(seen) == len(set(seen)) == 12
    assert response.context["params"].sort == "relevance"
