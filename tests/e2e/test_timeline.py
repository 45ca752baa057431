"""Browser journey: alice mentions bob in a contact's description; bob's bell leads him there,
and the contact's timeline (loaded after the page, filtered in place) tells what happened."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.e2e


def test_a_mention_rings_the_bell_and_the_timeline_tells_the_story(
    page,  # noqa: F811
    new_page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
    bob,
):
    contact = factories.ContactFactory(
        organization=acme, first_name="Grace", last_name="Hopper", created_by=alice
    )
    base = live_server.url
    login(page, alice)
    page.goto(f"{base}/o/acme/contacts/{contact.pk}/edit/")
    page.locator("#id_role").fill("Rear admiral")
    page.locator("#id_description").fill("Ask @bob@example.com to call her.")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(re.compile(rf"/o/acme/contacts/{contact.pk}/$"))
    timeline = page.locator("#timeline-events")
    timeline.wait_for()
    assert "Alice Owner edited" in timeline.inner_text()
    assert "Rear admiral" in timeline.inner_text()
    assert "Alice Owner mentioned Bob Member" in timeline.inner_text()

    bobs = new_page()
    login(bobs, bob)
    bobs.goto(f"{base}/o/acme/")
    bell = bobs.locator("#bell")
    assert "1 unread" in bell.inner_text()
    bell.click()
    bobs.wait_for_url(re.compile(r"/o/acme/notifications/$"))
    bobs.get_by_role("button", name=re.compile("Alice Owner mentioned you")).click()
    bobs.wait_for_url(re.compile(rf"/o/acme/contacts/{contact.pk}/$"))
    assert "unread" not in bobs.locator("#bell").inner_text()

    bobs.locator("#timeline-events").wait_for()
    # htmx wires the swapped-in filters up when the swap settles; a change before that is lost.
    bobs.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    bobs.locator("select[name=kind]").select_option("mentions")
    bobs.wait_for_function(
        "() => !document.querySelector('#timeline-events')"
        " || !document.querySelector('#timeline-events').innerText.includes('edited')"
    )
    assert "mentioned Bob Member" in bobs.locator("#timeline-events").inner_text()
    assert "Rear admiral" not in bobs.locator("#timeline-events").inner_text()
