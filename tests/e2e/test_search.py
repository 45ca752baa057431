"""The nav search in a browser: a member types a name and opens the contact it finds."""

import re

import pytest
from playwright.sync_api import expect

from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_a_member_types_in_the_nav_search_and_opens_a_contact(
    new_page, login, live_server, transactional_db, acme, bob, carol
):
    with scopes_disabled():
        jose = factories.ContactFactory(
            organization=acme, first_name="José", last_name="Müller", created_by=carol
        )
        factories.ContactFactory(
            organization=acme,
            first_name="Hidden",
            last_name="Muller",
            visibility="private",
            created_by=carol,
        )
        factories.CompanyFactory(organization=acme, name="Müller Logistik", created_by=carol)
    page = new_page()
    login(page, bob)
    page.goto(f"{live_server.url}/o/acme/")

    page.get_by_role("searchbox", name="Search contacts and companies").press_sequentially(
        "jose mull", delay=30
    )
    results = page.locator("#navsearch-results")
    expect(results).to_contain_text("José Müller")
    expect(results).not_to_contain_text("Hidden")
    expect(results.get_by_role("link", name=re.compile("See all contacts"))).to_be_visible()
    results.get_by_role("link", name="José Müller").click()

    page.wait_for_url(re.compile(rf"/o/acme/contacts/{jose.pk}/$"))
    expect(page.locator("h1")).to_contain_text("José Müller")


def test_a_member_finds_a_misspelt_full_name_in_the_contact_list(
    new_page, login, live_server, transactional_db, acme, bob, carol
):
    with scopes_disabled():
        andreas = factories.ContactFactory(
            organization=acme,
            first_name="Andreas",
            last_name="Esposito Neumann",
            created_by=carol,
        )
        factories.ContactFactory(
            organization=acme, first_name="Andreas", last_name="Schmidt", created_by=carol
        )
    page = new_page()
    login(page, bob)
    page.goto(f"{live_server.url}/o/acme/contacts/")

    page.get_by_role("searchbox", name="Search", exact=True).fill("andreas espsoito neumann")
    table = page.locator("#contacts-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Esposito Neumann")
    expect(table).not_to_contain_text("Schmidt")
    table.get_by_role("link", name=re.compile("Esposito Neumann")).first.click()

    page.wait_for_url(re.compile(rf"/o/acme/contacts/{andreas.pk}/$"))
