"""Browser journey: delete a company that is a client, read what the delete takes, undo
it from the flash message, and find everything back."""

import re
from decimal import Decimal

import pytest

from organizations.scoping import scope
from tests import factories

pytestmark = pytest.mark.e2e


def test_deleting_a_client_company_says_what_it_takes_and_undo_brings_it_all_back(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, name="Northwind", created_by=alice)
        company.emails.create(organization=acme, email="info@northwind.test", position=0)
        project = factories.ProjectFactory(
            organization=acme,
            name="Big deal",
            client_company=company,
            budget=Decimal("250000"),
            currency="GBP",
        )
        ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
        factories.AffiliationFactory(contact=ada, company=company, role="CTO")
        factories.AttachmentFactory(company=company, name="contract.pdf", content=b"%PDF" * 1000)
    base = live_server.url
    login(page, alice)

    page.goto(f"{base}/o/acme/companies/{company.pk}/")
    page.get_by_role("link", name="Delete").click()
    page.wait_for_url(re.compile(r"/companies/\d+/delete/$"))
    consequences = page.locator("#consequences").inner_text()
    assert "Client of 1 project (budget 250,000 GBP): it will have no client." in consequences
    assert "1 contact person loses this company" in consequences
    assert "1 file, 4 kB" in consequences
    page.get_by_role("button", name="Delete").click()

    page.wait_for_url(re.compile(r"/o/acme/companies/$"))
    messages = page.locator("#messages")
    assert "Company Northwind deleted." in messages.inner_text()
    assert page.locator("#companies-table, table").first.get_by_text("Northwind").count() == 0
    # Meanwhile, in another tab: the project has no client.
    other = page.context.new_page()
    other.goto(f"{base}/o/acme/projects/{project.pk}/")
    assert "Northwind" not in other.locator("#project-client").inner_text()
    other.close()

    page.locator("#messages").get_by_role("button", name="Undo").click()
    page.wait_for_url(re.compile(rf"/o/acme/companies/{company.pk}/$"))
    assert "Northwind restored." in page.locator("#messages").inner_text()
    main = page.locator("main").inner_text()
    assert "info@northwind.test" in main
    assert "Ada" in page.locator("#persons").inner_text()
    assert "contract.pdf" in main
    assert "Big deal" in main

    page.goto(f"{base}/o/acme/projects/{project.pk}/")
    assert "Northwind" in page.locator("#project-client").inner_text()
    page.goto(f"{base}/o/acme/trash/")
    assert "The trash is empty." in page.locator("main").inner_text()


def test_a_row_deleted_in_place_can_be_undone_from_the_list(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    with scope(organization=acme):
        factories.ContactFactory(organization=acme, first_name="Keep", last_name="Me")
        factories.ContactFactory(organization=acme, first_name="Drop", last_name="Me")
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/contacts/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="Drop").get_by_role("button", name="Delete").click()
    messages = page.locator("#messages")
    messages.get_by_text("Drop Me deleted.").wait_for()
    assert page.locator("tr", has_text="Drop").count() == 0

    messages.get_by_role("button", name="Undo").click()
    page.wait_for_url(re.compile(r"/o/acme/contacts/\d+/$"))
    assert "Drop Me restored." in page.locator("#messages").inner_text()
