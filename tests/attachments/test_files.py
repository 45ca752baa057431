"""Names, keys, types and download headers of stored files."""

import re

import pytest

from attachments.files import (
    OCTET_STREAM,
    content_disposition,
    content_type_for,
    decimal_size,
    new_storage_key,
    safe_name,
)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\bob\\offer.docx", "offer.docx"),
        ("..", "file"),
        ("", "file"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        ("tab\tand\x00null.txt", "tabandnull.txt"),
        ("right\u202eto-left.txt", "rightto-left.txt"),
        ("  spaced out.txt  ", "spaced out.txt"),
        ("Cafe\u0301.txt", "Café.txt"),
    ],
)
def test_a_file_name_keeps_only_a_printable_base_name(raw, name):
    assert safe_name(raw) == name


def test_a_very_long_file_name_is_shortened_keeping_its_extension():
    name = safe_name("a" * 500 + ".pdf")

    assert len(name) == 200
    assert name.endswith("a.pdf")


def test_a_storage_key_is_the_organization_and_a_uuid():
    first, second = new_storage_key(42), new_storage_key(42)

    assert re.fullmatch(r"42/[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("offer.PDF", "application/pdf"),
        ("notes.txt", "text/plain"),
        ("photo.jpeg", "image/jpeg"),
        ("page.html", OCTET_STREAM),
        ("page.htm", OCTET_STREAM),
        ("logo.svg", OCTET_STREAM),
        ("feed.xml", OCTET_STREAM),
        ("app.js", OCTET_STREAM),
        ("no-extension", OCTET_STREAM),
        # Leading dots are not an extension; the last one after a name is.
        ("..pdf", OCTET_STREAM),
        (".pdf", OCTET_STREAM),
        ("a..pdf", "application/pdf"),
        ("folder.d/report", OCTET_STREAM),
        ("report.pdf.", OCTET_STREAM),
    ],
)
def test_the_content_type_comes_from_a_safe_list_by_extension(name, content_type):
    assert content_type_for(name) == content_type


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("offer.pdf", "attachment; filename=\"offer.pdf\"; filename*=UTF-8''offer.pdf"),
        (
            "Relazione è pronta.pdf",
            'attachment; filename="Relazione e pronta.pdf"; '
            "filename*=UTF-8''Relazione%20%C3%A8%20pronta.pdf",
        ),
        (
            'say "hi"; \\ 100%.txt',
            'attachment; filename="say _hi__ _ 100_.txt"; '
            "filename*=UTF-8''say%20%22hi%22%3B%20%5C%20100%25.txt",
        ),
        (
            "見積書.pdf",
            'attachment; filename="download.pdf"; '
            "filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf",
        ),
        ("報告", "attachment; filename=\"download\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A"),
    ],
)
def test_content_disposition_is_an_attachment_with_an_rfc_6266_filename(name, header):
    assert content_disposition(name) == header


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1 kB"),
        (4_100_000, "4.1 MB"),
        (99_999_999, "99.9 MB"),
        (100_000_000, "100 MB"),
        (1_000_000_000, "1 GB"),
        (10_000_000_000, "10 GB"),
    ],
)
def test_sizes_are_shown_in_decimal_units_rounded_down(size, text):
    assert decimal_size(size) == text
