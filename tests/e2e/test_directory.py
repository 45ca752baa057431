"""The directory journey in a browser: a company, a contact linked to it, a private note.

bob (a member) builds the records with the pickers; carol (the member he mentions) sees
the private contact; dave (another member) and alice (the owner) get 404.
"""

import re

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.e2e


def pick(page, field: str, typed: str, option: str) -> None:
    """Type into a picker and choose `option` from what the server offers."""
    page.locator(field).press_sequentially(typed, delay=30)
    choice = page.locator(".options button.option", has_text=option)
    choice.wait_for(state="visible")
    choice.click()


def test_a_member_builds_a_company_and_its_contact_and_a_private_note_for_a_colleague(
    new_page, login, live_server, transactional_db, acme, alice, bob, carol
):
    dave = factories.member(acme, Role.MEMBER, email="dave@example.com", full_name="Dave Member")
    base = f"{live_server.url}/o/acme"
    page = new_page()
    login(page, bob)

    # A company.
    page.goto(f"{base}/companies/new/")
    page.locator("#id_name").fill("Initech")
    page.locator("#id_vat_number").fill("IT 00743110157")
    page.get_by_role("button", name="Create company").click()
    page.wait_for_url(re.compile(r"/o/acme/companies/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Initech")
    expect(page.locator("#messages")).to_contain_text("Company Initech created.")
    expect(page.locator(".facts")).to_contain_text("IT00743110157")
    company_url = page.url

    # A contact linked to it through the company picker, with two emails and a phone.
    page.goto(f"{base}/contacts/new/")
    page.locator("#id_first_name").fill("Peter")
    page.locator("#id_last_name").fill("Gibbons")
    page.locator("#id_role").fill("Programmer")
    pick(page, "#id_company_name", "Init", "Initech")
    expect(page.locator("#id_company_name")).to_have_value("Initech")
    assert page.locator("#id_company_id").input_value() != ""
    page.locator("#id_emails-0-email").fill("peter@initech.example")
    # One empty row to start with; the second email comes from "Add another email".
    page.get_by_role("button", name="Add another email").click()
    page.locator("#id_emails-1-label").select_option("home")
    page.locator("#id_emails-1-email").fill("peter@home.example")
    page.locator("#id_phones-0-label").select_option("mobile")
    page.locator("#id_phones-0-number").fill("347 123 4567")
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/o/acme/contacts/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Peter Gibbons")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("peter@initech.example")
    expect(facts).to_contain_text("peter@home.example")
    expect(facts).to_contain_text("+39 347 123 4567")
    expect(page.locator("#contact-companies")).to_contain_text("Initech")
    expect(page.locator("#contact-companies")).to_contain_text("primary")

    # The company lists its new contact person.
    page.goto(company_url)
    expect(page.locator("#persons")).to_contain_text("Peter Gibbons")

    # A private contact whose description mentions carol through the @ picker, chosen
    # with the keyboard.
    page.goto(f"{base}/contacts/new/")
    page.locator("#id_first_name").fill("Bill")
    page.locator("#id_last_name").fill("Lumbergh")
    description = page.locator("#id_description")
    description.click()
    description.press_sequentially("Confidential: ask @car", delay=30)
    choice = page.locator(".mentions-field .options button.option", has_text="Carol Member")
    choice.wait_for(state="visible")
    description.press("ArrowDown")
    expect(choice).to_have_class(re.compile("active"))
    description.press("Enter")
    expect(choice).to_be_hidden()
    description.press_sequentially("about the TPS reports.")
    expect(description).to_have_value("Confidential: ask @carol@example.com about the TPS reports.")
    page.get_by_label("Private").check()
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/o/acme/contacts/\d+/$"))
    private_url = page.url
    expect(page.locator("h1")).to_contain_text("Private")
    expect(page.locator(".description .mention")).to_have_text("@Carol Member")

    # carol, the member it mentions, sees it and finds it in her list.
    colleague = new_page()
    login(colleague, carol)
    assert colleague.goto(private_url).status == 200
    expect(colleague.locator("h1")).to_contain_text("Bill Lumbergh")
    colleague.goto(f"{base}/contacts/")
    expect(colleague.locator("#contacts-table")).to_contain_text("Lumbergh")

    # dave, another member, and alice, the owner, get 404 and no trace of it in the list.
    for user in (dave, alice):
        other = new_page()
        login(other, user)
        response = other.goto(private_url)
        assert response.status == 404, user.email
        assert "Lumbergh" not in other.content()
        other.goto(f"{base}/contacts/")
        expect(other.locator("#contacts-table")).to_contain_text("Gibbons")
        expect(other.locator("#contacts-table")).not_to_contain_text("Lumbergh")
