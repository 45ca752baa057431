"""Notes in a real browser: alice writes a note mentioning bob on a contact, then pins one."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Notification
from organizations.scoping import scopes_disabled
from tests.factories import ContactFactory, NoteFactory

pytestmark = pytest.mark.e2e


def test_alice_writes_a_note_mentioning_bob_in_place_and_pins_it(
    page, live_server, login, acme, alice, bob
):
    contact = ContactFactory(
        organization=acme, created_by=alice, first_name="Giulia", last_name="Rossi"
    )
    NoteFactory(contact=contact, author=bob, body="An older note by Bob.")
    login(page, alice)
    url = f"{live_server.url}/o/acme/contacts/{contact.pk}/"
    page.goto(url)

    body = page.locator("#id_note_body")
    body.click()
    body.press_sequentially("Offer accepted. @bo", delay=30)
    choice = page.locator("#notes .mentions-field .options button.option", has_text="Bob Member")
    choice.wait_for(state="visible")
    choice.click()
    body.press_sequentially("please send the contract.")
    expect(body).to_have_value("Offer accepted. @bob@example.com please send the contract.")
    page.get_by_role("button", name="Add note").click()

    # The section was swapped in place: no navigation, the new note on top, the form empty.
    newest = page.locator("#note-list li.note").first
    expect(newest).to_contain_text("Offer accepted.")
    expect(newest.locator(".mention")).to_have_text("@Bob Member")
    expect(page.locator("#id_note_body")).to_have_value("")
    assert page.url == url
    with scopes_disabled():
        assert Notification.objects.filter(recipient=bob, kind="note_mention").count() == 1

    # Pinning the older note puts it on top, in place.
    older = page.locator("#note-list li.note", has_text="An older note by Bob.")
    older.get_by_role("button", name="Pin").click()
    first = page.locator("#note-list li.note").first
    expect(first).to_contain_text("An older note by Bob.")
    expect(first).to_contain_text("Pinned")
    expect(page.locator("#notes-notice")).to_have_text("Note pinned.")
    expect(first).to_have_attribute("id", re.compile(r"note-\d+"))
