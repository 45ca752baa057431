"""The first journey: two people end up in one organization; outsiders see nothing of it."""

import re

import pytest
from django.core import mail

from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "a brand new passphrase 42"


def sign_up(page, email: str, full_name: str) -> None:
    """Ask for a sign-up link, open the mailed link, and choose a name and a password."""
    sent = len(mail.outbox)
    page.locator("#id_email").fill(email)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert [message.to for message in mail.outbox[sent:]] == [[email]]
    page.goto(re.search(r"https?://\S+/accounts/signup/\S+/", mail.outbox[-1].body).group(0))
    page.locator("#id_full_name").fill(full_name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def member_emails(page) -> list[str]:
    return page.locator("#members tbody tr").all_inner_texts()


def test_owner_invites_a_colleague_who_signs_up_and_joins(new_page, live_server, transactional_db):
    owner = new_page()
    owner.goto(f"{live_server.url}/accounts/signup/")
    sign_up(owner, "olivia@example.com", "Olivia Owner")
    owner.wait_for_url(f"{live_server.url}/orgs/")

    owner.locator("#id_name").fill("Umbrella Works")
    owner.get_by_role("button", name="Create").click()
    owner.wait_for_url(f"{live_server.url}/o/umbrella-works/")
    assert "Umbrella Works is ready" in owner.locator("#messages").inner_text()

    # The organization's own pages are in its menu in the top bar.
    owner.locator("details.switcher summary").first.click()
    owner.get_by_role("menuitem", name="Members", exact=True).click()
    owner.locator("#id_email").fill("max@example.com")
    owner.locator("#id_role").select_option("member")
    owner.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to max@example.com." in owner.locator("#messages").inner_text()

    assert [message.to for message in mail.outbox[-1:]] == [["max@example.com"]]
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)

    colleague = new_page()
    colleague.goto(link)
    colleague.get_by_role("link", name="Create an account").click()
    assert colleague.locator("#id_email").input_value() == "max@example.com"
    sign_up(colleague, "max@example.com", "Max Member")
    colleague.wait_for_url(link)
    colleague.get_by_role("button", name="Accept invitation").click()
    colleague.wait_for_url(f"{live_server.url}/o/umbrella-works/")
    assert "You joined Umbrella Works." in colleague.locator("#messages").inner_text()

    colleague.goto(f"{live_server.url}/o/umbrella-works/members/")
    owner.reload()
    for page in (owner, colleague):
        rows = " ".join(member_emails(page))
        assert "Olivia Owner" in rows and "olivia@example.com" in rows
        assert "Max Member" in rows and "max@example.com" in rows

    # The link worked once.
    assert colleague.goto(link).status == 404


def test_a_non_member_gets_404_on_every_organization_url(
    page, login, live_server, transactional_db, acme, alice, mallory
):
    login(page, mallory)

    for path in ("/o/acme/", "/o/acme/members/", "/o/no-such-org/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path
        assert "Acme" not in page.content()

    # Mallory's own organization still opens.
    assert page.goto(f"{live_server.url}/o/globex/").status == 200


def test_the_organization_switcher_moves_between_organizations(
    page, login, live_server, transactional_db, acme, alice
):
    initech = factories.OrganizationFactory(name="Initech", slug="initech")
    factories.MembershipFactory(organization=initech, user=alice, role="guest")
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/")

    page.locator("details.switcher summary").first.click()
    page.get_by_role("menuitem", name=re.compile("Initech")).click()

    page.wait_for_url(f"{live_server.url}/o/initech/")
    assert "Guest" in page.locator("details.switcher summary").first.inner_text()
