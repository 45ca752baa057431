"""The main pages in a browser under Rolo's Content-Security-Policy: nothing is refused.

Every journey's pages are watched by tests/e2e/conftest.py; this one visits the main pages
on purpose (htmx search, the pickers, files, projects, tickets, the admin) and asserts the
list of refusals is empty after each, and a last test proves the watch sees a refusal.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from tests import factories
from tests.e2e.conftest import (
    TIMEOUT_MS,
    axe_check,
    checked,
    log_in,
    watch_accessibility,
    watch_for_csp_violations,
)
from tests.test_security_headers import PERMISSIONS_POLICY

pytestmark = pytest.mark.e2e


@pytest.fixture
def watched(browser, request) -> Iterator[tuple]:
    """A page and the list of what the policy refused on it so far (axe checks it too)."""
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_for_csp_violations(context)
    inaccessible = watch_accessibility(context)
    page = checked(context.new_page())
    yield page, violations
    if "policy_refuses_nothing" in request.node.name:
        axe_check(page, again=True)
    context.close()
    assert inaccessible == [], "\n".join(inaccessible)


@pytest.fixture
def directory(transactional_db, acme, alice, bob):
    """A company with a contact person, a file and a link, a project and a ticket."""
    company = factories.CompanyFactory(organization=acme, name="Initech", created_by=alice)
    contact = factories.ContactFactory(
        organization=acme,
        first_name="Peter",
        last_name="Gibbons",
        description="**Bold**, `code` and a link: https://example.com",
        created_by=alice,
    )
    factories.AffiliationFactory(contact=contact, company=company, is_primary=True)
    factories.AttachmentFactory(contact=contact, name="notes.txt")
    factories.LinkFactory(contact=contact)
    project = factories.ProjectFactory(organization=acme, name="Migration", created_by=alice)
    ticket = factories.TicketFactory(organization=acme, subject="Printer jam", project=project)
    factories.connect(project, company)
    factories.connect(ticket, contact)
    return {"company": company, "contact": contact, "project": project, "ticket": ticket}


def visit(page, url: str, violations: list[str]) -> None:
    """Open `url`, check it came with the policy, and that nothing was refused so far."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    headers = response.all_headers()
    assert "object-src 'none'" in headers["content-security-policy"], url
    assert headers["permissions-policy"] == PERMISSIONS_POLICY, url
    page.wait_for_load_state("load")
    assert violations == [], url


def test_a_member_uses_the_main_pages_and_the_policy_refuses_nothing(
    watched, live_server, directory, bob
):
    page, violations = watched
    base = f"{live_server.url}/o/acme"
    contact, company = directory["contact"], directory["company"]

    visit(page, f"{live_server.url}/accounts/login/", violations)
    log_in(page, live_server.url, bob)
    visit(page, f"{base}/", violations)
    # htmx loaded with its settings and injected no <style> of its own.
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("style").count() == 0

    # The nav search (htmx) and the contact list's search (htmx, pushes the URL).
    page.get_by_role("searchbox", name="Search contacts and companies").press_sequentially(
        "Gibb", delay=30
    )
    expect(page.locator("#navsearch-results")).to_contain_text("Peter Gibbons")
    visit(page, f"{base}/contacts/", violations)
    page.locator("form.filters input[name=q]").press_sequentially("Pet", delay=30)
    page.wait_for_url(re.compile(r"\?.*q=Pet"))
    expect(page.locator("#contact-results")).to_contain_text("Gibbons")
    assert violations == []

    # A contact with its files, a company, the contact form with the company picker.
    visit(page, f"{base}/contacts/{contact.pk}/", violations)
    expect(page.locator("#files")).to_contain_text("notes.txt")
    expect(page.locator("#files meter.usage-bar")).to_be_visible()
    visit(page, f"{base}/companies/{company.pk}/", violations)
    visit(page, f"{base}/contacts/new/", violations)
    page.locator("#id_company_name").press_sequentially("Init", delay=30)
    option = page.locator(".options button.option", has_text="Initech")
    option.wait_for(state="visible")
    option.click()
    expect(page.locator("#id_company_name")).to_have_value("Initech")
    # The description's @ picker.
    page.locator("#id_description").click()
    page.locator("#id_description").press_sequentially("ask @ali", delay=30)
    expect(page.locator(".mentions-field .options")).to_contain_text("Alice")
    assert violations == []

    # Projects, tickets, storage, a page that is not there.
    for path in (
        "/projects/",
        f"/projects/{directory['project'].pk}/",
        "/tickets/",
        f"/tickets/{directory['ticket'].pk}/",
        "/tickets/new/",
        "/storage/",
        "/search/?q=Init",
    ):
        visit(page, base + path, violations)
    page.goto(f"{base}/contacts/999999/")
    expect(page.locator("h1")).to_contain_text("Not found")

    # An htmx in-place edit of a list row, then logging out (a form post).
    visit(page, f"{base}/contacts/", violations)
    row = page.locator(f"#contact-{contact.pk}")
    row.get_by_role("button", name="Edit").click()
    expect(row.locator("input").first).to_be_visible()
    page.locator("details.usermenu summary").click()
    page.get_by_role("menuitem", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert violations == []


def test_an_operator_uses_the_admin_and_the_policy_refuses_nothing(
    watched, live_server, directory, acme
):
    page, violations = watched
    operator = factories.UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    factories.MembershipFactory(organization=acme, user=operator, role=Role.OWNER)

    visit(page, f"{live_server.url}/admin/login/", violations)
    page.locator("#id_username").fill(operator.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert violations == []

    visit(page, f"{live_server.url}/admin/organizations/organization/", violations)
    page.locator("#searchbar").fill("acm")
    page.locator("#changelist-search input[type=submit]").click()
    expect(page.locator("#result_list")).to_contain_text("Acme")
    page.locator("#result_list a", has_text="Acme").first.click()
    page.wait_for_url(re.compile(r"/admin/organizations/organization/\d+/change/"))
    visit(page, f"{live_server.url}/admin/contacts/contact/", violations)
    visit(page, f"{live_server.url}/admin/organizations/user/add/", violations)
    assert violations == []


def test_the_watch_reports_what_the_policy_refuses(watched, live_server, transactional_db):
    """The guard can fail: an inline style, an inline script and an eval are each reported."""
    page, violations = watched

    def inject(route) -> None:
        response = route.fetch()  # Rolo's login page with its real headers, policy included
        body = response.text().replace(
            "</body>",
            '<p style="color: red">styled</p><script>document.title = "inline ran";</script>'
            '<script src="/static/js/evaluates.js"></script></body>',
        )
        route.fulfill(response=response, body=body)

    page.route("**/accounts/login/", inject)
    # A script file of Rolo's own origin (allowed) that evaluates a string (refused).
    page.route(
        "**/static/js/evaluates.js",
        lambda route: route.fulfill(
            content_type="text/javascript", body="document.title = eval('\"eval ran\"');"
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_load_state("load")

    assert "ran" not in page.title()
    refused = "\n".join(violations)
    assert "inline style" in refused
    assert "inline script" in refused
    assert "unsafe-eval" in refused
