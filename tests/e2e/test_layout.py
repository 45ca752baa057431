"""Phone and desktop (issue 18): at 390 px the top bar is one line with a menu button, the
page never scrolls sideways and a table's buttons are reached by scrolling the table itself;
at 1280 px the top bar is one row and list cells keep names and phone numbers on one line."""

import pytest
from playwright.sync_api import expect

from contacts.models import ContactEmail, ContactPhone
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# One line of the top bar: its tallest control (a button or the search box) and its padding.
ONE_LINE = 64


@pytest.fixture
def records(transactional_db, acme, alice, bob, carol, gina):
    with scopes_disabled():
        company = factories.CompanyFactory(
            organization=acme, name="Enel Green Power Società Benefit", created_by=bob
        )
        contact = factories.ContactFactory(
            organization=acme,
            first_name="Maria Antonietta",
            last_name="Bianchi Esposito",
            role="Procurement Manager",
            created_by=bob,
        )
        factories.AffiliationFactory(contact=contact, company=company, is_primary=True)
        ContactPhone.objects.create(organization=acme, contact=contact, number="+393475550101")
        ContactEmail.objects.create(
            organization=acme,
            contact=contact,
            email="maria.antonietta.bianchi@enelgreenpower.example",
        )
    return {"company": company, "contact": contact}


def lines_of_text(locator) -> int:
    """How many lines the text inside `locator` takes (distinct tops of its line boxes)."""
    return locator.evaluate(
        """el => { const range = document.createRange(); range.selectNodeContents(el);
        return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size; }"""
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def test_on_a_phone_the_top_bar_is_one_line_and_opens_as_a_menu(
    new_page, login, live_server, records, alice
):
    page = new_page(viewport=PHONE)
    login(page, alice)
    base = f"{live_server.url}/o/acme"
    for path in (
        "/",
        "/contacts/",
        "/companies/",
        f"/contacts/{records['contact'].pk}/",
        f"/companies/{records['company'].pk}/",
        "/projects/",
        "/members/",
        "/contacts/new/",
    ):
        page.goto(base + path)
        assert page.locator("header.topbar").bounding_box()["height"] <= ONE_LINE, path
        no_sideways_scroll(page)

    toggle = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Organization")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    no_sideways_scroll(page)
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()

    toggle.click()
    nav.get_by_role("link", name="Contacts").click()
    page.wait_for_url(f"{base}/contacts/")
    expect(page.locator("h1")).to_have_text("Contacts")


def test_on_a_phone_the_members_table_scrolls_in_its_box_to_its_remove_buttons(
    new_page, login, live_server, records, alice, bob
):
    page = new_page(viewport=PHONE)
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/members/")
    remove = page.locator("#members tr", has_text="Bob Member").get_by_role("button", name="Remove")
    remove.scroll_into_view_if_needed()
    box = remove.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate("() => window.scrollX") == 0  # the table scrolled, not the page
    assert page.locator("#members").evaluate("el => el.scrollLeft") > 0
    no_sideways_scroll(page)
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.locator("#members")).not_to_contain_text("Bob Member")


def test_on_a_desktop_the_top_bar_is_one_row_and_list_cells_do_not_wrap(
    new_page, login, live_server, records, alice
):
    page = new_page(viewport=DESKTOP)
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/contacts/")
    assert page.locator("header.topbar").bounding_box()["height"] <= ONE_LINE
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Organization")).to_be_visible()

    row = page.locator(f"#contact-{records['contact'].pk}")
    assert lines_of_text(row.locator("td.phone")) == 1
    assert lines_of_text(row.locator("td").first.get_by_role("link")) <= 2  # the name
    assert lines_of_text(row.locator("td.company")) <= 2
    # Every column, actions included, fits without scrolling the table.
    table = page.locator("#contacts-table")
    assert table.evaluate("el => el.scrollWidth <= el.parentElement.clientWidth")
    no_sideways_scroll(page)
