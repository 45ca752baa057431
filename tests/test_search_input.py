"""Every ?q= search answers odd input: a NUL character (which PostgreSQL refuses), the
longest query of every kind of word."""

import pytest
from django.urls import reverse

from tests import factories
from transfers.duplication import directory_duplicate

SEARCHES = [
    "contact_list",
    "contact_autocomplete",
    "company_list",
    "company_autocomplete",
    "member_autocomplete",
    "project_list",
    "ticket_list",
    "project_autocomplete",
    "connection_autocomplete",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEARCHES)
def test_a_nul_character_in_the_search_is_ignored(client_for, alice, name):
    response = client_for(alice).get(reverse(name, kwargs={"slug": "acme"}), {"q": "ro\x00ssi"})
    assert response.status_code == 200


LONG_QUERY = "ro a@b.example +39 02 1234 5678 & x bérubé mrco rossi-bianchi extra words"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*SEARCHES, "search"])
def test_the_longest_search_of_every_kind_of_word_answers(client_for, alice, name):
    """Ten words (the most a search reads): an email, digits, short words, punctuation."""
    response = client_for(alice).get(reverse(name, kwargs={"slug": "acme"}), {"q": LONG_QUERY})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contacts", "companies"])
def test_copying_all_that_match_the_longest_search_answers(acme, alice, kind):
    target = factories.OrganizationFactory()
    factories.MembershipFactory(organization=target, user=alice, role="owner")
    if kind == "contacts":
        filters = {"contact_filter": {"q": LONG_QUERY}, "company_ids": []}
    else:
        filters = {"company_filter": {"q": LONG_QUERY}, "contact_ids": []}

    report = directory_duplicate(source=acme, target=target, user=alice, **filters)

    assert report.contacts_copied == report.companies_copied == 0
