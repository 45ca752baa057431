"""Files on a contact page in a real browser: upload two, download one, delete one and
undo that."""

from pathlib import Path

import pytest

from tests.factories import ContactFactory

pytestmark = pytest.mark.e2e


def used_bytes(page) -> int:
    return int(page.locator("#files meter.usage-bar").get_attribute("value"))


def test_a_member_uploads_downloads_and_deletes_files_and_sees_the_usage_bar_move(
    page, live_server, login, acme, alice, bob
):
    contact = ContactFactory(
        organization=acme, created_by=alice, first_name="Giulia", last_name="Rossi"
    )
    login(page, bob)
    page.goto(f"{live_server.url}/o/acme/contacts/{contact.pk}/")
    assert used_bytes(page) == 0
    assert "No files or links yet." in page.locator("#files").inner_text()

    page.locator("#id_upload_files").set_input_files(
        [
            {"name": "meeting-notes.txt", "mimeType": "text/plain", "buffer": b"Notes: " * 300},
            {"name": "offer è.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 offer"},
        ]
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/#files")

    assert "2 files uploaded." in page.locator("#messages").inner_text()
    rows = page.locator("#file-list tbody tr")
    assert rows.count() == 2
    listing = page.locator("#file-list").inner_text()
    assert "meeting-notes.txt" in listing and "2.1 kB" in listing
    assert "offer è.pdf" in listing and "14 bytes" in listing
    assert "Bob Member" in listing
    assert used_bytes(page) == 2100 + 14

    with page.expect_download() as download_info:
        page.get_by_role("link", name="offer è.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "offer è.pdf"
    assert Path(download.path()).read_bytes() == b"%PDF-1.4 offer"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete meeting-notes.txt").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/#files")

    assert "“meeting-notes.txt” deleted." in page.locator("#messages").inner_text()
    assert page.locator("#file-list tbody tr").count() == 1
    assert "meeting-notes.txt" not in page.locator("#file-list").inner_text()
    # In the trash the file still counts, until the trash is emptied.
    assert used_bytes(page) == 2100 + 14

    page.locator("#messages").get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/#files")
    assert page.locator("#file-list tbody tr").count() == 2
    assert "meeting-notes.txt" in page.locator("#file-list").inner_text()
