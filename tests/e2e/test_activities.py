"""Browser journey: alice plans a call for tomorrow on a contact, assigned to bob; bob
marks it done in place, with an outcome."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import Activity
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_alice_plans_a_call_for_bob_who_marks_it_done_in_place(
    page,  # noqa: F811
    new_page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
    bob,
):
    ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
    factories.ActivityKindFactory(organization=acme, name="Call")
    contact_url = f"{live_server.url}/o/acme/contacts/{ada.pk}/"
    section = page.locator(f"#activities-contact-{ada.pk}")

    login(page, alice)
    page.goto(contact_url)
    section.get_by_role("link", name="New activity").click()
    form = section.locator("form.activity-form")
    form.get_by_label("Kind").select_option(label="Call")
    form.get_by_label("Subject").fill("Call Ada about the offer")
    tomorrow = timezone.localdate() + timedelta(days=1)
    form.get_by_label("Due date").fill(tomorrow.isoformat())
    form.get_by_label("Time").fill("10:30")
    form.get_by_label("Alice Owner").uncheck()
    form.get_by_label("Bob Member").check()
    assert form.get_by_label("Ada Lovelace").is_checked()  # prefilled: this contact
    form.get_by_role("button", name="Plan activity").click()

    row = section.locator("li", has_text="Call Ada about the offer")
    row.wait_for()
    assert page.url == contact_url  # in place, no navigation
    assert section.locator("form.activity-form").count() == 0

    page = new_page()  # bob, in his own browser
    section = page.locator(f"#activities-contact-{ada.pk}")
    login(page, bob)
    page.goto(contact_url)
    row = section.locator("li", has_text="Call Ada about the offer")
    row.locator("summary", has_text="Done").click()
    row.get_by_label("Outcome (optional)").fill("Agreed on a demo")
    row.get_by_role("button", name="Mark done").click()
    section.get_by_text("No upcoming activities.").wait_for()
    assert page.url == contact_url

    with scopes_disabled():
        activity = Activity.objects.get()
    assert activity.done_by == bob and activity.outcome == "Agreed on a demo"
    page.goto(f"{live_server.url}/o/acme/activities/{activity.pk}/")
    assert re.search(r"By Bob Member on", page.locator("#activity-facts").inner_text())
