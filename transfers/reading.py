"""Reading an uploaded file as a table: headers, then rows of text (CSV, XLSX, vCard).

CSV files may be in UTF-8 (with or without a BOM) or in the Windows code page, and
separated by commas, semicolons, tabs or bars (sniffed). XLSX files are read from their
first sheet in openpyxl's read-only mode. vCards (3.0 or 4.0, many cards in one file)
become one row per card under fixed headers; photos and properties Rolo has no field
for are left out, and a card that cannot be read is a row in error, not a failed import.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pycountry
import vobject
from django.utils import translation
from django.utils.translation import gettext as _

from directory.models import MAX_DETAILS
from transfers.columns import columns

FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "vcf": "vCard"}
# A cell of the reading that is not a cell of the file: a card vobject could not parse.
UNREADABLE = "\x00unreadable"


class ReadError(Exception):
    """The file cannot be read as a table (its message says why, for the user)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, cells)


def file_format(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    if lowered.endswith((".vcf", ".vcard")):
        return "vcf"
    return "csv"


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), else the Windows code page, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(data: bytes, fmt: str, kind: str) -> Table:
    if fmt == "xlsx":
        return _xlsx(data)
    if fmt == "vcf":
        return _vcards(decode(data), kind)
    return _csv(decode(data))


def _csv(text: str) -> Table:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1_000_000)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        raise ReadError(_("The file is empty.")) from None
    except csv.Error as error:
        raise ReadError(_("The file is not a CSV file we can read.")) from error

    def rows():
        number = 1
        try:
            for cells in reader:
                number += 1
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error:
            yield number + 1, [UNREADABLE]

    return Table([header.strip() for header in headers], rows())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx(data: bytes) -> Table:
    # openpyxl is imported here: only an XLSX import or export pays for loading it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file: zipfile, XML or openpyxl errors
        raise ReadError(_("The file is not an Excel (XLSX) file we can read.")) from error
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell_text(value).strip() for value in next(values)]
    except StopIteration:
        workbook.close()
        raise ReadError(_("The file is empty.")) from None

    def rows():
        try:
            for number, row in enumerate(values, start=2):
                cells = [_cell_text(value) for value in row]
                if any(cell.strip() for cell in cells):
                    yield number, cells
        finally:
            workbook.close()

    return Table(headers, rows())


# The vCard's headers: the columns a card fills, under their English labels (an import
# maps them by themselves).
VCARD_KEYS = {
    "contacts": [
        "first_name",
        "last_name",
        "role",
        "company",
        "description",
    ],
    "companies": ["name", "description"],
}


def vcard_keys(kind: str) -> list[str]:
    keys = list(VCARD_KEYS[kind])
    for n in range(1, MAX_DETAILS + 1):
        keys += [f"email_{n}", f"email_{n}_label"]
    for n in range(1, MAX_DETAILS + 1):
        keys += [f"phone_{n}", f"phone_{n}_label"]
    for n in range(1, MAX_DETAILS + 1):
        keys += [f"address_{n}_{part}" for part in ("street", "postal_code", "city", "region")]
        keys += [f"address_{n}_country", f"address_{n}_label"]
    return keys


def vcard_headers(kind: str) -> list[str]:
    labels = {column.key: column for column in columns(kind)}
    with translation.override("en"):
        return [labels[key].header() for key in vcard_keys(kind)]


EMAIL_TYPES = {"work": "work", "home": "home", "internet": "", "pref": ""}
PHONE_TYPES = {"cell": "mobile", "fax": "fax", "home": "home", "work": "work", "voice": ""}
ADDRESS_TYPES = {"work": "office", "home": "home", "postal": "shipping", "parcel": "shipping"}


def _types(prop, known: dict) -> str:
    for value in prop.params.get("TYPE", []):
        for part in str(value).lower().split(","):
            if known.get(part.strip()):
                return known[part.strip()]
    return ""


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(part) for part in value if part).strip()
    return str(value or "").strip()


def country_code(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return value


def _name_parts(value) -> tuple:
    """(given, family) of an N property: parsed by vobject (3.0) or raw text (4.0)."""
    if isinstance(value, str):
        parts = [*value.split(";"), "", ""]
        return parts[1], parts[0]
    return value.given, value.family


ADDRESS_FIELDS = ("box", "extended", "street", "city", "region", "code", "country")


def _address_parts(value) -> dict:
    """The parts of an ADR property: parsed by vobject (3.0) or raw text (4.0)."""
    if isinstance(value, str):
        parts = [*value.split(";"), *[""] * len(ADDRESS_FIELDS)]
        return dict(zip(ADDRESS_FIELDS, parts, strict=False))
    return {name: getattr(value, name, "") for name in ADDRESS_FIELDS}


def card_cells(card, kind: str) -> list[str]:
    """One card as cells under `vcard_headers(kind)`."""
    values: dict[str, str] = {}
    contents = card.contents
    org = ""
    if "org" in contents:
        org = _text(contents["org"][0].value)
    name = contents.get("n")
    full = _text(contents["fn"][0].value) if "fn" in contents else ""
    if kind == "companies":
        values["name"] = org or full
    else:
        if name:
            given, family = _name_parts(name[0].value)
            values["first_name"], values["last_name"] = _text(given), _text(family)
        if not values.get("first_name") and not values.get("last_name") and full:
            first, _sep, last = full.rpartition(" ")
            values["first_name"], values["last_name"] = (first, last) if first else (last, "")
        values["company"] = org
        if "title" in contents:
            values["role"] = _text(contents["title"][0].value)
    if "note" in contents:
        values["description"] = _text(contents["note"][0].value)
    for n, prop in enumerate(contents.get("email", [])[:MAX_DETAILS], start=1):
        values[f"email_{n}"] = _text(prop.value)
        values[f"email_{n}_label"] = _types(prop, EMAIL_TYPES)
    for n, prop in enumerate(contents.get("tel", [])[:MAX_DETAILS], start=1):
        values[f"phone_{n}"] = _text(prop.value).removeprefix("tel:")
        values[f"phone_{n}_label"] = _types(prop, PHONE_TYPES)
    for n, prop in enumerate(contents.get("adr", [])[:MAX_DETAILS], start=1):
        address = _address_parts(prop.value)
        values[f"address_{n}_street"] = _text(address["street"])
        values[f"address_{n}_postal_code"] = _text(address["code"])
        values[f"address_{n}_city"] = _text(address["city"])
        values[f"address_{n}_region"] = _text(address["region"])
        values[f"address_{n}_country"] = country_code(_text(address["country"]))
        values[f"address_{n}_label"] = _types(prop, ADDRESS_TYPES)
    return [values.get(key, "") for key in vcard_keys(kind)]


def _vcards(text: str, kind: str) -> Table:
    if "BEGIN:VCARD" not in text.upper():
        raise ReadError(_("The file holds no vCard."))

    def rows():
        cards = vobject.readComponents(text, ignoreUnreadable=True)
        number = 0
        while True:
            number += 1
            try:
                card = next(cards)
            except StopIteration:
                return
            except Exception:
                # vobject stops at what it cannot parse: the rest of the file is one error.
                yield number, [UNREADABLE]
                return
            if card.name.upper() != "VCARD":
                continue
            try:
                cells = card_cells(card, kind)
            except Exception:
                cells = [UNREADABLE]
            yield number, cells

    return Table(vcard_headers(kind), rows())
