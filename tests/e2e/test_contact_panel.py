"""The contact panel's journey (issue 13): alice writes a note mentioning bob and plans a
call for tomorrow assigned to him; bob sees the bell, opens the contact, marks the call
done; the timeline shows both."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.e2e


def test_a_note_and_a_call_from_alice_reach_bob_and_the_timeline(
    page,  # noqa: F811
    new_page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
    bob,
):
    ada = factories.ContactFactory(
        organization=acme, first_name="Ada", last_name="Lovelace", created_by=alice
    )
    factories.ActivityKindFactory(organization=acme, name="Call")
    contact_url = f"{live_server.url}/o/acme/contacts/{ada.pk}/"

    login(page, alice)
    page.goto(contact_url)
    page.locator("#id_note_body").fill("Ada wants a demo. @bob@example.com can you call her?")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-list li.note").first).to_contain_text("Ada wants a demo.")

    activities = page.locator(f"#activities-contact-{ada.pk}")
    activities.get_by_role("link", name="New activity").click()
    form = activities.locator("form.activity-form")
    form.get_by_label("Kind").select_option(label="Call")
    form.get_by_label("Subject").fill("Demo call with Ada")
    tomorrow = timezone.localdate() + timedelta(days=1)
    form.get_by_label("Due date").fill(tomorrow.isoformat())
    form.get_by_label("Time").fill("10:30")
    form.get_by_label("Alice Owner").uncheck()
    form.get_by_label("Bob Member").check()
    form.get_by_role("button", name="Plan activity").click()
    activities.locator("li", has_text="Demo call with Ada").wait_for()

    bobs = new_page()
    login(bobs, bob)
    bobs.goto(f"{live_server.url}/o/acme/")
    expect(bobs.locator("#bell")).to_contain_text("2 unread")
    bobs.locator("#bell").click()
    bobs.wait_for_url(re.compile(r"/o/acme/notifications/$"))
    expect(bobs.locator("#notifications")).to_contain_text("assigned an activity to you")
    bobs.get_by_role("button", name=re.compile("mentioned you in a note")).click()
    bobs.wait_for_url(re.compile(rf"/o/acme/contacts/{ada.pk}/"))
    expect(bobs.locator("#bell")).to_contain_text("1 unread")

    row = bobs.locator(f"#activities-contact-{ada.pk} li", has_text="Demo call with Ada")
    row.locator("summary", has_text="Done").click()
    row.get_by_label("Outcome (optional)").fill("Demo booked for Friday")
    row.get_by_role("button", name="Mark done").click()
    bobs.locator(f"#activities-contact-{ada.pk}").get_by_text("No upcoming activities.").wait_for()

    bobs.reload()
    timeline = bobs.locator("#timeline-events")
    timeline.wait_for()
    expect(timeline).to_contain_text("Alice Owner added a note")
    expect(timeline).to_contain_text("Demo call with Ada")
    expect(timeline).to_contain_text("Bob Member marked done")
    expect(timeline).to_contain_text("Demo booked for Friday")
