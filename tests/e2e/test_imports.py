"""Importing a CSV in a browser (issue 17): 50 rows, 3 of them wrong; the error file is
downloaded, fixed and imported again.

alice uploads the file from the contact list's Import button, keeps the guessed
columns, sees the check's counts and the first rows' errors, imports the valid rows,
downloads the rows in error, fixes them and imports that file: 50 contacts in the end.
"""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from organizations.scoping import scopes_disabled

pytestmark = pytest.mark.e2e


def people_csv() -> str:
    lines = ["First name,Last name,Email,Phone"]
    for n in range(50):
        email = f"person{n}@example" if n in (3, 17, 41) else f"person{n}@example.com"
        lines.append(f"Person{n},Surname{n:02d},{email},02 1234 {5600 + n}")
    return "\n".join(lines) + "\n"


def test_a_csv_with_three_wrong_rows_is_imported_then_fixed(
    page, login, live_server, transactional_db, acme, alice, tmp_path
):
    login(page, alice)
    page.goto(f"{live_server.url}/o/acme/contacts/")
    page.get_by_role("link", name="Import", exact=True).click()
    source = tmp_path / "people.csv"
    source.write_text(people_csv())
    page.get_by_label("File", exact=True).set_input_files(str(source))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("heading", name="Which field does each column fill?")).to_be_visible()
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-checked")).to_contain_text("47")
    expect(page.locator("#import-preview")).to_contain_text("is not a valid email address")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.locator("#import-status")).to_have_text("Done")
    expect(page.locator("#import-report")).to_contain_text("47")
    with page.expect_download() as download:
        page.locator("#import-errors").click()
    errors = download.value.path().read_text(encoding="utf-8-sig")
    assert errors.count("\n") == 4  # the header and three rows
    fixed = tmp_path / "people-errors.csv"
    fixed.write_text(errors.replace("@example,", "@example.com,"))

    page.goto(f"{live_server.url}/o/acme/imports/")
    page.get_by_label("File", exact=True).set_input_files(str(fixed))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-checked")).to_contain_text("3")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-status")).to_have_text("Done")

    page.get_by_role("link", name="Open the list").click()
    expect(page.locator(".count")).to_contain_text("50 contacts")
    with scopes_disabled():  # the test's own assertion
        assert Contact.objects.filter(organization=acme).count() == 50
