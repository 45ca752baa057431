"""Browser journey: creating a contact that already exists is caught before saving; the
Duplicates page offers the pair, the merge page keeps the best of both, and Undo merge
gives both records back."""

import re

import pytest

from contacts.models import Contact
from organizations.scoping import scope, scopes_disabled
from tests import factories

pytestmark = pytest.mark.e2e


def test_duplicate_caught_then_merged_then_unmerged(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    with scope(organization=acme):
        ada = factories.ContactFactory(
            organization=acme, first_name="Ada", last_name="Lovelace", created_by=alice
        )
        ada.emails.create(organization=acme, email="ada@example.com", position=0)
    base = live_server.url
    login(page, alice)

    page.goto(f"{base}/o/acme/contacts/new/")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("King")
    page.get_by_label("Role").fill("Countess")
    page.locator("input[name='emails-0-email']").fill("ADA@example.com")
    page.get_by_role("button", name="Create contact").click()
    warning = page.locator("#duplicates")
    assert "This looks like Ada Lovelace" in warning.inner_text()
    assert "same email" in warning.inner_text()
    # Nothing saved yet; what was typed is still there.
    with scopes_disabled():
        assert Contact.objects.count() == 1
    assert page.get_by_label("Role").input_value() == "Countess"
    page.get_by_role("button", name="Save anyway").click()
    page.wait_for_url(re.compile(r"/o/acme/contacts/\d+/$"))
    with scopes_disabled():
        king = Contact.objects.get(last_name="King")

    page.goto(f"{base}/o/acme/duplicates/")
    row = page.locator(f"#pair-{ada.pk}-{king.pk}")
    assert "same email" in row.inner_text()
    row.get_by_role("link", name="Merge").click()
    page.wait_for_url(re.compile(r"/o/acme/merge/contacts/"))
    page.locator("#merge-fields").get_by_label("Countess").check()
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(re.compile(rf"/o/acme/contacts/{ada.pk}/$"))
    assert "Merged into Ada Lovelace" in page.locator("#messages").inner_text()
    assert "Countess" in page.locator("main").inner_text()
    with scopes_disabled():
        assert not Contact.objects.filter(pk=king.pk).exists()

    page.goto(f"{base}/o/acme/merges/")
    page.get_by_role("link", name="Undo merge").click()
    page.get_by_role("button", name="Undo merge").click()
    page.wait_for_url(re.compile(rf"/o/acme/contacts/{ada.pk}/$"))
    assert "was undone" in page.locator("#messages").inner_text()
    with scopes_disabled():
        assert Contact.objects.get(pk=king.pk).role == "Countess"
        assert Contact.objects.get(pk=ada.pk).role == ""
