"""Copying from the contact list in a browser (PRODUCT §6).

alice owns Acme and is a member of Globex: she ticks three of four contacts, chooses
"Copy to organization…", checks the preview, confirms, and finds the copies in Globex.
"""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from organizations.models import Role
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_an_owner_copies_three_ticked_contacts_into_another_organization(
    page, login, live_server, transactional_db, acme, globex, alice
):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.MEMBER)
    for first, last in [("Ada", "Lovelace"), ("Bea", "Bishop"), ("Cy", "Young"), ("Dan", "Dorn")]:
        factories.ContactFactory(organization=acme, first_name=first, last_name=last)
    login(page, alice)

    page.goto(f"{live_server.url}/o/acme/contacts/")
    for name in ("Ada Lovelace", "Bea Bishop", "Cy Young"):
        page.get_by_label(f"Select {name}").check()
    page.get_by_text("Copy to organization…").click()
    page.get_by_label("Copy to", exact=True).select_option("globex")
    page.get_by_role("button", name="Preview the copy").click()

    expect(page.locator("#preview-contacts")).to_contain_text("3 copied, 0 skipped")
    page.get_by_role("button", name="Confirm and copy").click()

    expect(page.locator("#copy-status")).to_have_text("Done")
    expect(page.locator("#copy-report")).to_contain_text("3 copied")
    page.get_by_role("link", name="Open the contacts of Globex").click()
    expect(page.locator("#contacts-table tbody tr")).to_have_count(3)
    for last in ("Lovelace", "Bishop", "Young"):
        expect(page.locator("#contacts-table")).to_contain_text(last)
    with scopes_disabled():  # the test's own assertion, in the target organization
        copies = list(Contact.objects.filter(organization=globex))
    assert {c.created_by_id for c in copies} == {alice.pk}
    assert all(c.copied_from_organization_id == acme.pk for c in copies)
