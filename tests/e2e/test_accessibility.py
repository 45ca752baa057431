"""Accessibility in a browser (issue 18): axe-core's watch can fail, menus close with Escape,
the nav search's results are reached with the arrow keys, the keyboard focus is visible.

axe itself runs on every page of every browser test (tests/e2e/conftest.py); the first test
proves that watch reports what it should.
"""

import re

import pytest
from playwright.sync_api import expect

from organizations.scoping import scopes_disabled
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, axe_check, checked, watch_accessibility

pytestmark = pytest.mark.e2e


def test_the_axe_watch_reports_serious_violations(browser, live_server, transactional_db):
    """An image without a text alternative and an unlabelled field are reported; the page
    as Rolo serves it is not."""
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    findings = watch_accessibility(context)
    page = checked(context.new_page())
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        assert findings == []

        def inject(route) -> None:
            response = route.fetch()
            body = response.text().replace(
                "</main>", '<img src="/static/img/favicon.svg"><input type="text"></main>'
            )
            route.fulfill(response=response, body=body)

        page.route("**/accounts/password_reset/", inject)
        page.goto(f"{live_server.url}/accounts/password_reset/")
        axe_check(page, again=True)
        reported = "\n".join(findings)
        assert "[critical] image-alt" in reported
        assert "[critical] label" in reported
        assert "/accounts/password_reset/" in reported
    finally:
        context.close()


@pytest.fixture
def people(transactional_db, acme, alice, bob):
    with scopes_disabled():
        for first, last in (("Ada", "Lovelace"), ("Ada", "Byron"), ("Adam", "Smith")):
            factories.ContactFactory(
                organization=acme, first_name=first, last_name=last, created_by=bob
            )
    return acme


def test_the_arrow_keys_walk_the_nav_search_results_and_escape_closes_them(
    page, login, live_server, people, bob
):
    login(page, bob)
    page.goto(f"{live_server.url}/o/acme/")
    box = page.get_by_role("searchbox", name="Search contacts and companies")
    box.press_sequentially("ada", delay=30)
    results = page.locator("#navsearch-results")
    expect(results).to_contain_text("Ada Lovelace")
    links = results.locator("a")

    box.press("ArrowDown")
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("End")
    expect(links.last).to_be_focused()
    page.keyboard.press("ArrowDown")  # past the last: back to the first
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowUp")  # above the first: back in the box
    expect(box).to_be_focused()

    box.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/acme/contacts/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Ada")

    box = page.get_by_role("searchbox", name="Search contacts and companies")
    box.press_sequentially("ada", delay=30)
    expect(results).to_contain_text("Ada Lovelace")
    box.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(results).to_be_empty()
    expect(box).to_be_focused()


def test_menus_close_with_escape_and_the_focus_is_visible(page, login, live_server, acme, alice):
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/")
    for menu in (page.locator("details.switcher").first, page.locator("details.usermenu")):
        summary = menu.locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("open", "")
        axe_check(page, again=True)  # the open menu too
        page.keyboard.press("Tab")  # into the menu
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
        expect(summary).to_be_focused()

    # Tabbing from the top shows a focus ring (an outline) on each control it reaches.
    page.locator("body").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_the_sign_up_button_and_links_in_text_are_told_apart_without_colour(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    sign_up = page.locator(".topbar").get_by_role("link", name="Sign up")
    colours = sign_up.evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    )
    assert colours[0] != colours[1]
    create = page.get_by_role("link", name="Create an account")
    assert "underline" in create.evaluate("el => getComputedStyle(el).textDecorationLine")
