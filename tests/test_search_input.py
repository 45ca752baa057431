"""Every ?q= search answers a NUL character (which PostgreSQL refuses) like any text."""

import pytest
from django.urls import reverse

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
