"""Exporting what a list shows: its filter and search, as CSV, XLSX or vCard (issue 17).

The records are the list's own selection (`contact_search` / `company_search` with the
list's query string, every match, through `visible_to`): never a record the reader
cannot see. They are walked by keyset on the id, `EXPORT_CHUNK` at a time (no open
cursor, no huge queryset), each chunk read with its types, contact points and visible
primary companies in a fixed number of queries, and written as it is read: CSV and
vCard are streamed, XLSX is written by openpyxl's write-only workbook into a temporary
file. A cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab
or a carriage return) gets a leading apostrophe.

The columns are those of imports (`transfers.columns`), so an export imports back as it is.
"""

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterator

import vobject
from django.db.models import QuerySet

from companies.models import Affiliation, Company
from companies.selectors import company_search
from contacts.models import Contact
from contacts.selectors import contact_search
from directory.models import MAX_DETAILS
from organizations.models import Organization, RecordType, Sector, User
from transfers.columns import ADDRESS_PARTS, columns

EXPORT_CHUNK = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's last row, less the header.
XLSX_MAX_ROWS = 1_048_575


def neutralize(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def selection(user: User, organization: Organization, kind: str, query) -> QuerySet:
    """The records the list shows with `query` (its GET parameters), every match."""

    def number(name):
        value = (query.get(name) or "").strip()
        return int(value) if value.isdigit() and len(value) < 19 else None

    visibility = query.get("visibility", "")
    visibility = visibility if visibility in ("public", "private") else ""
    q = (query.get("q") or "").strip()[:200]
    if kind == "contacts":
        return contact_search(
            user,
            organization,
            q=q,
            type_id=number("type"),
            visibility=visibility,
            company_id=number("company"),
            every_match=True,
        )
    return company_search(
        user,
        organization,
        q=q,
        type_id=number("type"),
        sector_id=number("sector"),
        visibility=visibility,
        every_match=True,
    )


DETAIL_COLUMNS = {
    "emails": ("email", "label"),
    "phones": ("number", "label"),
    "addresses": ("street", "postal_code", "city", "region", "country", "label"),
}


def _records(queryset: QuerySet, organization: Organization, kind: str) -> Iterator[list]:
    """The selection in chunks of records with their contact points, by keyset on the id.

    Contact points are read as plain values, one query per kind and chunk, and given to
    each record as `details[kind]`: Django's prefetching would build a queryset per
    record and kind, which costs more than the queries themselves.
    """
    model = Contact if kind == "contacts" else Company
    owner = model._meta.model_name
    last = 0
    while True:
        records = list(
            queryset.filter(pk__gt=last).order_by("pk").defer("description_html")[:EXPORT_CHUNK]
        )
        if not records:
            return
        # The chunk's contact points are read by the range of its ids (no list of a
        # thousand ids to send and bind); those of records outside the selection in
        # that range are dropped here, never written.
        first, last = records[0].pk, records[-1].pk
        details = {record.pk: {name: [] for name in DETAIL_COLUMNS} for record in records}
        for name, columns_read in DETAIL_COLUMNS.items():
            detail_model = getattr(model, name).rel.related_model
            for row in (
                detail_model.objects.filter(
                    organization=organization,
                    **{f"{owner}_id__gte": first, f"{owner}_id__lte": last},
                )
                .order_by(f"{owner}_id", "position")
                .values_list(f"{owner}_id", *columns_read)
            ):
                if row[0] in details:
                    details[row[0]][name].append(dict(zip(columns_read, row[1:], strict=True)))
        for record in records:
            record.details = details[record.pk]
        yield records


def export_rows(
    user: User, organization: Organization, kind: str, query, *, header: bool = True
) -> Iterator[list[str]]:
    """The header, then one row of text per record of the list's selection."""
    cols = columns(kind)
    if header:
        yield [column.header() for column in cols]
    queryset = selection(user, organization, kind, query)
    types = dict(RecordType.objects.filter(organization=organization).values_list("pk", "name"))
    sectors = dict(Sector.objects.filter(organization=organization).values_list("pk", "name"))
    visible_companies = Company.objects.visible_to(user, organization).values("pk")
    for records in _records(queryset, organization, kind):
        companies = {}
        if kind == "contacts":
            companies = defaultdict(str)
            chunk = {record.pk for record in records}
            for contact_id, name in Affiliation.objects.filter(
                organization=organization,
                contact_id__gte=records[0].pk,
                contact_id__lte=records[-1].pk,
                is_primary=True,
                company__in=visible_companies,
            ).values_list("contact_id", "company__name"):
                if contact_id in chunk:
                    companies[contact_id] = name
        for record in records:
            values = _values(record, kind, types, sectors, companies)
            yield [neutralize(values.get(column.key, "")) for column in cols]


def _values(record, kind: str, types: dict, sectors: dict, companies: dict) -> dict:
    values = {
        "vat_number": record.vat_number,
        "tax_country": record.tax_country,
        "pec": record.pec,
        "visibility": record.visibility,
        "description": record.description,
        "type": types.get(record.type_id, ""),
    }
    if kind == "contacts":
        values.update(
            first_name=record.first_name,
            last_name=record.last_name,
            role=record.role,
            fiscal_code=record.fiscal_code,
            company=companies.get(record.pk, ""),
        )
    else:
        values.update(name=record.name, sector=sectors.get(record.sector_id, ""))
    for n, email in enumerate(record.details["emails"][:MAX_DETAILS], start=1):
        values[f"email_{n}"], values[f"email_{n}_label"] = email["email"], email["label"]
    for n, phone in enumerate(record.details["phones"][:MAX_DETAILS], start=1):
        values[f"phone_{n}"], values[f"phone_{n}_label"] = phone["number"], phone["label"]
    for n, address in enumerate(record.details["addresses"][:MAX_DETAILS], start=1):
        for part in ADDRESS_PARTS:
            values[f"address_{n}_{part}"] = address[part]
    return values


class _Echo:
    """A file-like object whose write returns what it was given (for a streamed CSV)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    """The rows as CSV text, line by line, after a BOM (so that Excel reads UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterator[list[str]]):
    """The rows as an XLSX workbook in a temporary file (write-only: rows are not kept)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for count, row in enumerate(rows):
        if count > XLSX_MAX_ROWS:
            break
        sheet.append(row)
    # Handed to the FileResponse, which closes it when the response is sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


VCARD_EMAIL_TYPES = {"work": "WORK", "home": "HOME"}
VCARD_PHONE_TYPES = {"work": "WORK", "mobile": "CELL", "home": "HOME", "fax": "FAX"}
VCARD_ADDRESS_TYPES = {"home": "HOME", "office": "WORK", "headquarters": "WORK"}


def vcard_stream(user: User, organization: Organization, kind: str, query) -> Iterator[str]:
    """One vCard 3.0 per record of the list's selection (companies with KIND:org)."""
    keys = [column.key for column in columns(kind)]
    for row in export_rows(user, organization, kind, query, header=False):
        values = dict(zip(keys, row, strict=True))
        yield _vcard(values, kind).serialize()


def _plain(value: str) -> str:
    # The vCard is not a spreadsheet: undo the apostrophe the rows got against formulas.
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _vcard(values: dict, kind: str):
    values = {key: _plain(value) for key, value in values.items()}
    card = vobject.vCard()
    if kind == "contacts":
        card.add("n").value = vobject.vcard.Name(
            family=values["last_name"], given=values["first_name"]
        )
        card.add("fn").value = f"{values['first_name']} {values['last_name']}".strip()
        if values["role"]:
            card.add("title").value = values["role"]
        if values["company"]:
            card.add("org").value = [values["company"]]
    else:
        card.add("n").value = vobject.vcard.Name(family=values["name"])
        card.add("fn").value = values["name"]
        card.add("org").value = [values["name"]]
        card.add("x-addressbookserver-kind").value = "org"
    if values["description"]:
        card.add("note").value = values["description"]
    for n in range(1, MAX_DETAILS + 1):
        if values.get(f"email_{n}"):
            prop = card.add("email")
            prop.value = values[f"email_{n}"]
            prop.type_param = VCARD_EMAIL_TYPES.get(values[f"email_{n}_label"], "INTERNET")
        if values.get(f"phone_{n}"):
            prop = card.add("tel")
            prop.value = values[f"phone_{n}"]
            prop.type_param = VCARD_PHONE_TYPES.get(values[f"phone_{n}_label"], "VOICE")
        parts = {part: values.get(f"address_{n}_{part}", "") for part in ADDRESS_PARTS}
        if any(value for part, value in parts.items() if part != "label"):
            prop = card.add("adr")
            prop.value = vobject.vcard.Address(
                street=parts["street"],
                city=parts["city"],
                region=parts["region"],
                code=parts["postal_code"],
                country=parts["country"],
            )
            prop.type_param = VCARD_ADDRESS_TYPES.get(parts["label"], "POSTAL")
    return card
