"""Copying from the contact list in a browser (PRODUCT §6).

alice owns Acme and is a member of Globex: she ticks one of two contacts, copies it into
Globex, and the list's search still works afterwards.
"""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from organizations.models import Role
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_an_owner_copies_a_ticked_contact_into_another_organization(
    page, login, live_server, transactional_db, acme, globex, alice
):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
    factories.ContactFactory(organization=acme, first_name="Bea", last_name="Bishop")
    login(page, alice)

    page.goto(f"{live_server.url}/o/acme/contacts/")
    page.get_by_label("Select Ada Lovelace").check()
    page.get_by_text("Copy to…").click()
    page.get_by_label("Copy to", exact=True).select_option("globex")
    page.get_by_label("Skip records it already has").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Copy", exact=True).click()

    expect(page.locator("#messages")).to_contain_text("contacts: 1 copied, 0 skipped")
    with scopes_disabled():  # the test's own assertion, in the target organization
        copies = list(Contact.objects.filter(organization=globex))
    assert [(c.first_name, c.created_by_id) for c in copies] == [("Ada", alice.pk)]
    assert ada.pk != copies[0].pk

    page.locator("#q").fill("Bishop")
    expect(page.locator("#contacts-table tbody tr")).to_have_count(1)
    expect(page.locator("#contacts-table")).to_contain_text("Bishop")
