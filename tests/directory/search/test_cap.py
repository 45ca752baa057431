"""The candidate cap: a search ranks at most SEARCH_CANDIDATES rows per way of matching."""

import pytest

from companies.selectors import company_search
from contacts.selectors import SORTS, contact_search
from directory.pagination import keyset_paginate
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.directory.search.conftest import company_ids, contact_ids, found, url

pytestmark = pytest.mark.django_db

CAPPED = "Many records match: these are the best of them."


@pytest.fixture
def berubes(acme, carol):
    """Michel Bérubé, and six people found only through companies named after him."""
    with scopes_disabled():
        michel = factories.ContactFactory(
            organization=acme, first_name="Michel", last_name="Bérubé", created_by=carol
        )
        others = []
        for n in range(6):
            company = factories.CompanyFactory(
                organization=acme, name=f"Bérubé et fils {n}", created_by=carol
            )
            person = factories.ContactFactory(
                organization=acme, first_name="Ann", last_name=f"Other{n}", created_by=carol
            )
            factories.AffiliationFactory(contact=person, company=company)
            others.append(person)
    return {"michel": michel, "others": others}


def test_a_search_under_the_cap_says_nothing_about_it(client_for, bob, berubes):
    response = client_for(bob).get(url("contact_list"), {"q": "bérubé"})

    assert set(contact_ids(response)) == {berubes["michel"].pk} | {
        person.pk for person in berubes["others"]
    }
    assert CAPPED not in response.content.decode()


def test_the_contact_list_says_when_the_cap_was_hit(client_for, bob, berubes, settings):
    settings.SEARCH_CANDIDATES = 3

    response = client_for(bob).get(url("contact_list"), {"q": "bérubé"})
    page = response.content.decode()

    assert CAPPED in page
    assert "More than" in page
    assert len(contact_ids(response)) < 7


def test_the_company_list_says_when_the_cap_was_hit(client_for, bob, berubes, settings):
    settings.SEARCH_CANDIDATES = 2

    response = client_for(bob).get(url("company_list"), {"q": "bérubé"})

    # The name prefix alone fills the cap: its first two names, and no other way is run.
    assert CAPPED in response.content.decode()
    assert len(company_ids(response)) == 2


def test_the_global_search_shows_the_best_match_when_the_cap_was_hit(
    client_for, bob, berubes, settings, django_assert_max_num_queries
):
    settings.SEARCH_CANDIDATES = 3

    client = client_for(bob)

    # Session, user, membership, the session's first write (two savepoint statements
    # and the UPDATE), then for each kind the matching ids and the rows: 10.
    with django_assert_max_num_queries(10):
        response = client.get(url("search"), {"q": "bérubé"})

    assert found(response, "contacts")[0] == berubes["michel"].pk


def test_private_matches_never_raise_the_refine_message(client_for, acme, alice, bob, settings):
    """The message is judged on what the reader sees: hidden matches must not show through."""
    settings.SEARCH_CANDIDATES = 3
    with scopes_disabled():
        factories.ContactFactory(organization=acme, first_name="Zoé", last_name="Quignard")
        for n in range(5):
            factories.ContactFactory(
                organization=acme,
                first_name=f"Hidden{n}",
                last_name="Quignard",
                visibility="private",
                created_by=alice,
            )

    page = client_for(bob).get(url("contact_list"), {"q": "quignard"}).content.decode()

    assert CAPPED not in page
    assert "More than" not in page
    assert "Hidden" not in page


def test_the_exact_name_ranks_first_when_many_match_through_company_names(
    acme, bob, berubes, settings
):
    settings.SEARCH_CANDIDATES = 2

    with scope(organization=acme):
        ranked = list(contact_search(bob, acme, q="bérubé").order_by(*SORTS["relevance"]))

    assert ranked[0] == berubes["michel"]


def test_a_full_name_is_found_however_many_share_its_first_name(acme, bob, carol, settings):
    settings.SEARCH_CANDIDATES = 2
    with scopes_disabled():
        for n in range(5):
            factories.ContactFactory(
                organization=acme, first_name="Marco", last_name=f"Bianchi{n}", created_by=carol
            )
        rossi = factories.ContactFactory(
            organization=acme, first_name="Marco", last_name="Rossi", created_by=carol
        )

    with scope(organization=acme):
        ranked = list(contact_search(bob, acme, q="marco rosi").order_by(*SORTS["relevance"]))

    assert ranked == [rossi]


def test_capped_candidates_are_the_same_on_every_load(acme, bob, berubes, settings):
    settings.SEARCH_CANDIDATES = 3

    with scope(organization=acme):
        loads = [
            [contact.pk for contact in contact_search(bob, acme, q="bérubé").order_by("pk")]
            for _ in range(3)
        ]
        companies = [
            [company.pk for company in company_search(bob, acme, q="bérubé").order_by("pk")]
            for _ in range(2)
        ]

    assert loads[0] == loads[1] == loads[2]
    assert companies[0] == companies[1]


def test_walking_the_relevance_pages_returns_each_candidate_once(acme, bob, berubes, settings):
    settings.SEARCH_CANDIDATES = 4

    with scope(organization=acme):
        everything = [c.pk for c in contact_search(bob, acme, q="bérubé").order_by("pk")]
        walked, after = [], None
        while True:
            page = keyset_paginate(
                contact_search(bob, acme, q="bérubé"),
                order=SORTS["relevance"],
                per_page=2,
                after=after,
            )
            walked += [contact.pk for contact in page.items]
            if not page.next_cursor:
                break
            after = page.next_cursor

    assert sorted(walked) == everything
    assert len(walked) == len(set(walked))


def test_a_private_candidate_stays_hidden_from_an_unmentioned_member(
    acme, alice, bob, berubes, settings
):
    settings.SEARCH_CANDIDATES = 3
    with scopes_disabled():
        secret = factories.ContactFactory(
            organization=acme,
            first_name="Secret",
            last_name="Bérubé",
            visibility="private",
            created_by=alice,
        )

    with scope(organization=acme):
        shown = {contact.pk for contact in contact_search(bob, acme, q="bérubé")}

    assert secret.pk not in shown
