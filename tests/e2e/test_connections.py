"""Browser journey: two projects get one client from the list, and the client sees both."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.e2e


def create_project(tab, base: str, name: str, budget: str) -> None:
    tab.goto(f"{base}/o/acme/projects/new/")
    tab.locator("#id_name").fill(name)
    tab.locator("#id_budget").fill(budget)
    tab.get_by_role("button", name="Create project").click()
    tab.wait_for_url(re.compile(r"/o/acme/projects/\d+/$"))
    assert f"Project {name} created." in tab.locator("#messages").inner_text()


def test_a_client_company_is_assigned_to_two_projects_at_once_and_sees_their_total(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    factories.CompanyFactory(organization=acme, name="Enel Green Power")
    factories.CompanyFactory(organization=acme, name="Enigma Labs")
    base = live_server.url
    login(page, alice)

    create_project(page, base, "Solar park A", "1000")
    create_project(page, base, "Solar park B", "2500.50")

    page.get_by_role("navigation", name="Organization").get_by_role("link", name="Projects").click()
    page.get_by_label("Select Solar park A").check()
    page.get_by_label("Select Solar park B").check()
    page.locator("summary", has_text="Assign client").click()
    page.locator("#id_client_company_name").press_sequentially("Enel")
    page.get_by_role("option").get_by_text("Enel Green Power").click()
    assert page.locator("#id_client_company_name").input_value() == "Enel Green Power"
    page.get_by_role("button", name="Assign to selected projects").click()

    assert "2 projects updated." in page.locator("#messages").inner_text()
    table = page.locator("#projects-table")
    assert table.locator("tr", has_text="Solar park A").get_by_text("Enel Green Power").count() == 1
    assert table.locator("tr", has_text="Solar park B").get_by_text("Enel Green Power").count() == 1

    table.get_by_role("link", name="Enel Green Power").first.click()
    page.wait_for_url(re.compile(r"/o/acme/companies/\d+/$"))
    client_projects = page.locator("#client-projects")
    assert "Solar park A" in client_projects.inner_text()
    assert "Solar park B" in client_projects.inner_text()
    total = client_projects.locator("#client-totals tfoot").inner_text()
    assert "3,500.50 EUR" in total
