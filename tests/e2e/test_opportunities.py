"""Browser journey: alice creates an opportunity from a company's panel, moves it across
the board with the keyboard (the stage select and Move), then by dragging it, marks it
won, and sees all of it in the company's timeline."""

import pytest

from opportunities.models import Opportunity
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_alice_takes_an_opportunity_from_the_panel_to_won(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    initech = factories.CompanyFactory(organization=acme, created_by=alice, name="Initech")
    factories.pipeline(acme)
    company_url = f"{live_server.url}/o/acme/companies/{initech.pk}/"
    section = page.locator(f"#opportunities-company-{initech.pk}")

    login(page, alice)
    page.goto(company_url)
    section.get_by_text("No open opportunities.").wait_for()
    section.get_by_role("link", name="New opportunity").click()
    assert page.get_by_label("Company").input_value() == "Initech"  # prefilled
    page.get_by_label("Title").fill("Printers for every floor")
    page.get_by_label("Value").fill("12000")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(company_url)
    row = section.locator("li", has_text="Printers for every floor")
    row.wait_for()
    assert "Lead" in row.inner_text() and "12000.00 EUR" in row.inner_text()

    # The board, with the keyboard: the card's stage select, then Move.
    page.goto(f"{live_server.url}/o/acme/opportunities/board/")
    card = page.locator(".board-card", has_text="Printers for every floor")
    select = card.get_by_label("Stage of Printers for every floor")
    select.focus()
    select.select_option(label="Negotiation")
    page.keyboard.press("Tab")  # to the Move button
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    negotiation = page.locator(".board-column", has_text="Negotiation")
    negotiation.locator(".board-card", has_text="Printers for every floor").wait_for()
    assert "weighted 9000.00" in negotiation.inner_text()

    # And by dragging it back to Proposal.
    card = page.locator(".board-card", has_text="Printers for every floor")
    proposal = page.locator(".board-column", has_text="Proposal").first
    card.drag_to(proposal)
    proposal.locator(".board-totals", has_text="weighted 6000.00").wait_for()

    # Won, with a reason.
    card = page.locator(".board-card", has_text="Printers for every floor")
    card.get_by_role("link", name="Printers for every floor").click()
    page.get_by_label("Won").check()
    page.get_by_label("Reason").fill("Best price")
    page.get_by_role("button", name="Close the opportunity").click()
    page.locator("#opportunity-stage", has_text="Won").wait_for()

    page.goto(company_url)
    section.get_by_text("No open opportunities.").wait_for()  # no longer open
    timeline = page.locator("#timeline-body")
    timeline.get_by_text("won the opportunity “Printers for every floor”").wait_for()
    text = timeline.inner_text()
    assert "from Lead to Negotiation" in text and "from Negotiation to Proposal" in text
    assert "Best price" in text
    with scopes_disabled():
        won = Opportunity.objects.get(title="Printers for every floor")
    assert (won.state, won.close_reason, won.company_id) == ("won", "Best price", initech.pk)
