"""Importing contacts and companies from a file (issue 17): check, run, report, revert.

The flow (`transfers/import_views.py`): an upload records an `ImportJob` with the file
and a guessed mapping of its columns → the user confirms the mapping (remembered for the
organization) → a dry run counts what each row would do (new, update, unchanged, error)
→ the user chooses "import the valid rows" or "all or nothing" and runs it → the report
offers the rows in error as a CSV to fix and import again, and a revert.

Every row goes through the rules of the forms: phones to E.164 in the organization's
country, VAT numbers and fiscal codes by python-stdnum (`normalize_tax_numbers`), emails
and PEC by Django's validator, lengths by the model's fields. A row matches a record
the importer can see — a contact by one of its emails, a company by its VAT number — and
updates it: a non-empty cell replaces the field, a new email, phone or address is added
beside the others up to three (what does not fit is reported), only the creator changes
the visibility and a private record's description gains no mention from someone else. A
record the importer cannot see is never matched: the row creates a new one.

The file is walked in chunks of `IMPORT_CHUNK` rows; each chunk costs a fixed number of
queries (its matches, then one `bulk_create` per table for its new records), so memory
stays bounded by the chunk and 100,000 rows take a few hundred statements. The run is one
transaction, written with the history source "import"; "all or nothing" rolls it back
when a row is in error.
"""

import functools
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies.models import Affiliation, Company
from contacts.models import Contact
from directory.markup import render_description
from directory.models import MAX_DETAILS, AddressLabel, EmailLabel, PhoneLabel
from directory.services import check_audience, normalize_tax_numbers
from directory.validators import normalize_phone, validate_description_length
from history.context import Source, context
from organizations.countries import normalize_country
from organizations.deletion import delete_to_trash
from organizations.mentions import sync_mentions
from organizations.models import Organization, RecordType, Sector, User
from organizations.scoping import scopes_disabled
from organizations.visibility import Visibility
from transfers.columns import ADDRESS_PARTS, column_keys, columns, guess_mapping
from transfers.jobs import RunnerLock
from transfers.models import (
    ImportJob,
    ImportMapping,
    ImportMode,
    ImportRow,
    ImportRowAction,
    ImportStatus,
)
from transfers.reading import (
    UNREADABLE,
    ReadError,
    Table,
    country_code,
    file_format,
    read_table,
    vcard_keys,
)

logger = logging.getLogger(__name__)

IMPORT_CHUNK = 2000
PREVIEW_ROWS = 20
MODELS = {"contacts": Contact, "companies": Company}
RECORD_FIELDS = {
    "contacts": ["first_name", "last_name", "role", "fiscal_code"],
    "companies": ["name"],
}
SHARED_FIELDS = ["vat_number", "tax_country", "pec", "description", "visibility"]
REQUIRED = {"contacts": ["first_name", "last_name"], "companies": ["name"]}
# A trash batch holds at most this many records of a revert.
REVERT_BATCH = 500


def inline_rows() -> int:
    """Imports of up to this many rows are checked, run and reverted in the request."""
    return getattr(settings, "IMPORT_INLINE_ROWS", 500)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 200_000)


class ImportRefused(Exception):
    """What the user asked cannot be done; the message says why."""


# --- Upload and mapping ---------------------------------------------------------------------


def import_job_create(
    *, organization: Organization, user: User, kind: str, name: str, data: bytes
) -> ImportJob:
    """Record an uploaded file with its headers, its row count and a guessed mapping."""
    if len(data) > max_bytes():
        raise ImportRefused(
            _("The file is larger than %(size)d MB.") % {"size": max_bytes() // (1024 * 1024)}
        )
    fmt = file_format(name)
    try:
        table = read_table(data, fmt, kind)
        total = sum(1 for _row in table.rows)
    except ReadError as error:
        raise ImportRefused(str(error)) from error
    if not total:
        raise ImportRefused(_("The file has no rows to import."))
    if total > max_rows():
        raise ImportRefused(
            _("The file has %(count)d rows; an import takes at most %(max)d.")
            % {"count": total, "max": max_rows()}
        )
    remembered = ImportMapping.objects.filter(organization=organization, kind=kind).first()
    if fmt == "vcf":
        mapping = vcard_keys(kind)
    else:
        mapping = guess_mapping(kind, table.headers, remembered.columns if remembered else None)
    return ImportJob.objects.create(
        organization=organization,
        requested_by=user,
        kind=kind,
        file_name=name[:255],
        file_format=fmt,
        data=data,
        headers=table.headers,
        mapping=mapping,
        rows_total=total,
    )


def check_mapping(kind: str, mapping: list[str]) -> None:
    """Refuse a mapping that fills a field twice or cannot identify or name a record."""
    keys = column_keys(kind)
    chosen = [key for key in mapping if key]
    unknown = [key for key in chosen if key not in keys]
    if unknown:
        raise ValidationError(_("Choose a field from the list for every column."))
    twice = sorted({key for key in chosen if chosen.count(key) > 1})
    if twice:
        labels = {column.key: column.header() for column in columns(kind)}
        raise ValidationError(
            _("Each field can be filled by one column only: %(fields)s.")
            % {"fields": ", ".join(labels[key] for key in twice)}
        )
    if kind == "contacts":
        enough = {"first_name", "last_name"} <= set(chosen) or any(
            key.startswith("email_") and not key.endswith("_label") for key in chosen
        )
        message = _("Choose the columns of the first and last name, or of an email address.")
    else:
        enough = "name" in chosen or "vat_number" in chosen
        message = _("Choose the column of the name or of the VAT number.")
    if not enough:
        raise ValidationError(message)


# --- Rows -----------------------------------------------------------------------------------


@dataclass
class RowResult:
    """What one row of the file is, once cleaned and matched."""

    row_no: int
    cells: list[str]
    action: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    emails: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    addresses: list[dict] = field(default_factory=list)
    type_name: str = ""
    sector_name: str = ""
    company: str = ""
    record: object = None
    changes: dict = field(default_factory=dict)

    @property
    def messages(self) -> list[str]:
        return [*self.errors, *self.notes]


def _choice(value: str, choices) -> str | None:
    """A choice given by its value or its label (in the reader's language), or None."""
    lowered = value.strip().lower()
    if not lowered:
        return None
    return _choice_names(choices, translation.get_language() or "").get(lowered)


@functools.cache
def _choice_names(choices, language: str) -> dict[str, str]:
    """Each choice's value and label, lower-cased → its value (read once per language)."""
    names = {}
    with translation.override(language or None):
        for value, label in choices.choices:
            names[str(label).lower()] = value
    for value, _label in choices.choices:
        names[str(value).lower()] = value
    return names


def _unquoted(value: str) -> str:
    """A cell without the apostrophe an export puts before =, +, -, @ against formulas."""
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for errors in error.message_dict.values() for message in errors]
    return list(error.messages)


class _Context:
    """What every row of one import is checked and written against."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.organization = job.organization
        self.user = job.requested_by
        self.kind = job.kind
        self.model = MODELS[job.kind]
        self.mapping = list(job.mapping)
        self.labels = {column.key: column.header() for column in columns(job.kind)}
        self.types = {
            entry.name.lower(): entry
            for entry in RecordType.objects.filter(organization=self.organization)
        }
        self.type_names = {entry.pk: entry.name.lower() for entry in self.types.values()}
        self.sectors = {}
        if job.kind == "companies":
            self.sectors = {
                entry.name.lower(): entry
                for entry in Sector.objects.filter(organization=self.organization)
            }
        self.sector_names = {entry.pk: entry.name.lower() for entry in self.sectors.values()}
        self.seen: dict[str, int] = {}  # a matching key (email, VAT) → the row that had it
        self.touched: dict[int, int] = {}  # a matched record → the row that updates it
        self.companies: dict[str, int] = {}  # a company name → the visible company it names
        self.created_companies: list[int] = []
        self.max_lengths = {
            f.name: f.max_length
            for f in self.model._meta.concrete_fields
            if getattr(f, "max_length", None)
        }

    def visible(self):
        return self.model.objects.visible_to(self.user, self.organization)

    def list_entry(self, name: str, entries: dict, model):
        """The type or sector named `name`, created in the organization when missing."""
        key = name.lower()
        if key not in entries:
            entries[key] = model.objects.create(organization=self.organization, name=name)
        return entries[key]


def _clean(ctx: _Context, row_no: int, cells: list[str]) -> RowResult:
    """Read and check one row with the forms' rules; nothing is looked up or written."""
    result = RowResult(row_no, list(cells))
    if cells == [UNREADABLE]:
        result.errors.append(_("This row could not be read."))
        return result
    values = {}
    for index, key in enumerate(ctx.mapping):
        if key and index < len(cells):
            values[key] = _unquoted(str(cells[index] or "").strip())
    for name in [*RECORD_FIELDS[ctx.kind], *SHARED_FIELDS]:
        if values.get(name):
            result.fields[name] = values[name]
    for name, value in list(result.fields.items()):
        limit = ctx.max_lengths.get(name)
        if limit and len(value) > limit and name != "visibility":
            result.errors.append(
                _("%(field)s: at most %(max)d characters.")
                % {"field": ctx.labels[name], "max": limit}
            )
    if "visibility" in result.fields:
        visibility = _choice(result.fields["visibility"], Visibility)
        if visibility is None:
            result.errors.append(
                _("%(field)s: “%(value)s” is neither public nor private.")
                % {"field": ctx.labels["visibility"], "value": result.fields["visibility"][:40]}
            )
            del result.fields["visibility"]
        else:
            result.fields["visibility"] = visibility
    if "description" in result.fields:
        try:
            validate_description_length(result.fields["description"])
        except ValidationError as error:
            result.errors += error.messages
    if result.fields.get("pec"):
        try:
            validate_email(result.fields["pec"])
        except ValidationError:
            result.errors.append(
                _("“%(value)s” is not a valid email address.") % {"value": result.fields["pec"]}
            )
        result.fields["pec"] = result.fields["pec"].lower()
    _clean_tax_numbers(ctx, result)
    result.type_name = values.get("type", "")[:80]
    result.sector_name = values.get("sector", "")[:80] if ctx.kind == "companies" else ""
    if ctx.kind == "contacts":
        result.company = values.get("company", "")
        if len(result.company) > 200:
            result.errors.append(
                _("%(field)s: at most %(max)d characters.")
                % {"field": ctx.labels["company"], "max": 200}
            )
    _clean_details(ctx, result, values)
    if not (
        result.fields
        or result.emails
        or result.phones
        or result.addresses
        or result.company
        or result.type_name
        or result.errors
    ):
        result.action = ImportRowAction.SKIP
        result.notes.append(_("The row is empty."))
    return result


def _clean_tax_numbers(ctx: _Context, result: RowResult) -> None:
    names = ["vat_number", "tax_country"] + (["fiscal_code"] if ctx.kind == "contacts" else [])
    if not any(result.fields.get(name) for name in names):
        return
    probe = ctx.model(organization=ctx.organization)
    for name in names:
        setattr(probe, name, result.fields.get(name, ""))
    try:
        normalize_tax_numbers(probe, ctx.organization)
    except ValidationError as error:
        result.errors += _messages(error)
        return
    for name in names:
        if result.fields.get(name):
            result.fields[name] = getattr(probe, name)


def _clean_details(ctx: _Context, result: RowResult, values: dict) -> None:
    for n in range(1, MAX_DETAILS + 1):
        email = values.get(f"email_{n}", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.errors.append(
                    _("“%(value)s” is not a valid email address.") % {"value": email[:80]}
                )
            else:
                if email.lower() not in {row["email"] for row in result.emails}:
                    label = _choice(values.get(f"email_{n}_label", ""), EmailLabel)
                    result.emails.append(
                        {"label": label or EmailLabel.WORK, "email": email.lower()}
                    )
        phone = values.get(f"phone_{n}", "")
        if phone:
            try:
                number = normalize_phone(phone, ctx.organization.default_country)
            except ValidationError as error:
                result.errors += error.messages
            else:
                if number not in {row["number"] for row in result.phones}:
                    label = _choice(values.get(f"phone_{n}_label", ""), PhoneLabel)
                    result.phones.append({"label": label or PhoneLabel.WORK, "number": number})
        address = {
            part: values.get(f"address_{n}_{part}", "") for part in ADDRESS_PARTS if part != "label"
        }
        if any(address.values()):
            if address["country"]:
                try:
                    address["country"] = normalize_country(country_code(address["country"]))
                except ValidationError as error:
                    result.errors += error.messages
                    address["country"] = ""
            for part, limit in (
                ("street", 200),
                ("postal_code", 20),
                ("city", 100),
                ("region", 100),
            ):
                if len(address[part]) > limit:
                    result.errors.append(
                        _("%(field)s: at most %(max)d characters.")
                        % {"field": ctx.labels[f"address_{n}_{part}"], "max": limit}
                    )
            label = _choice(values.get(f"address_{n}_label", ""), AddressLabel)
            result.addresses.append({"label": label or AddressLabel.OFFICE, **address})


def _keys(ctx: _Context, result: RowResult) -> list[str]:
    """The values a row is matched on: its emails (contacts) or its VAT number (companies)."""
    if ctx.kind == "contacts":
        return [row["email"] for row in result.emails]
    vat = result.fields.get("vat_number", "")
    return [vat] if vat else []


def _matches(ctx: _Context, results: list[RowResult]) -> dict[str, int]:
    """Key → the id of a record the importer sees that has it (the oldest, when several)."""
    keys = {key for result in results if not result.errors for key in _keys(ctx, result)}
    if not keys:
        return {}
    found: dict[str, int] = {}
    if ctx.kind == "contacts":
        from contacts.models import ContactEmail

        pairs = (
            ContactEmail.objects.filter(
                organization=ctx.organization,
                email__in=keys,
                contact__in=ctx.visible().values("pk"),
            )
            .order_by("contact_id")
            .values_list("email", "contact_id")
        )
    else:
        pairs = (
            ctx.visible().filter(vat_number__in=keys).order_by("pk").values_list("vat_number", "pk")
        )
    for key, pk in pairs:
        found.setdefault(key, pk)
    return found


def _plan(ctx: _Context, chunk: list[tuple[int, list[str]]]) -> list[RowResult]:
    """Clean a chunk of rows and decide what each does: a fixed number of queries."""
    results = [_clean(ctx, row_no, cells) for row_no, cells in chunk]
    found = _matches(ctx, results)
    ids = {found[key] for key in found}
    records = {}
    affiliations: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    if ids:
        records = ctx.visible().prefetch_related("emails", "phones", "addresses").in_bulk(ids)
        if ctx.kind == "contacts":
            for contact_id, name, primary in Affiliation.objects.filter(
                organization=ctx.organization,
                contact_id__in=ids,
                company__in=Company.objects.visible_to(ctx.user, ctx.organization).values("pk"),
            ).values_list("contact_id", "company__name", "is_primary"):
                affiliations[contact_id].append((name, primary))
    for result in results:
        if result.action == ImportRowAction.SKIP:
            continue
        if result.errors:
            result.action = ImportRowAction.ERROR
            continue
        keys = _keys(ctx, result)
        earlier = next((ctx.seen[key] for key in keys if key in ctx.seen), None)
        for key in keys:
            ctx.seen.setdefault(key, result.row_no)
        if earlier is not None:
            result.errors.append(
                _("Row %(row)d has the same %(key)s; import it once.")
                % {
                    "row": earlier,
                    "key": _("email address") if ctx.kind == "contacts" else _("VAT number"),
                }
            )
            result.action = ImportRowAction.ERROR
            continue
        pk = next((found[key] for key in keys if key in found), None)
        record = records.get(pk) if pk is not None else None
        if record is None:
            missing = [
                ctx.labels[name] for name in REQUIRED[ctx.kind] if not result.fields.get(name)
            ]
            if missing:
                result.errors.append(
                    _("A new record needs: %(fields)s.") % {"fields": ", ".join(missing)}
                )
                result.action = ImportRowAction.ERROR
            else:
                result.action = ImportRowAction.CREATE
            continue
        if record.pk in ctx.touched:
            result.errors.append(
                _("Row %(row)d already updates the same record; import it once.")
                % {"row": ctx.touched[record.pk]}
            )
            result.action = ImportRowAction.ERROR
            continue
        ctx.touched[record.pk] = result.row_no
        result.record = record
        _plan_update(ctx, result, record, affiliations.get(record.pk, []))
    return results


def _plan_update(ctx: _Context, result: RowResult, record, affiliations: list) -> None:
    """What the row changes on `record`: fields it gives, contact points it adds."""
    fields = {}
    for name, value in result.fields.items():
        if (
            name == "visibility"
            and value != record.visibility
            and record.created_by_id != ctx.user.pk
        ):
            result.notes.append(
                _("The visibility was not changed: only who created the record can.")
            )
            continue
        if getattr(record, name) != value:
            fields[name] = [getattr(record, name), value]
    if "description" in fields and record.visibility == Visibility.PRIVATE:
        saved = record.description
        record.description = fields["description"][1]
        try:
            check_audience(record, editor=ctx.user)
        except ValidationError as error:
            result.errors += _messages(error)
        finally:
            record.description = saved
    if result.type_name and ctx.type_names.get(record.type_id) != result.type_name.lower():
        fields["type_id"] = [record.type_id, None]
    if result.sector_name and ctx.sector_names.get(record.sector_id) != result.sector_name.lower():
        fields["sector_id"] = [record.sector_id, None]
    added = {}
    what = {"emails": _("emails"), "phones": _("phones"), "addresses": _("addresses")}
    for kind, rows, same in [
        ("emails", result.emails, lambda a, b: a["email"] == b.email),
        ("phones", result.phones, lambda a, b: a["number"] == b.number),
        (
            "addresses",
            result.addresses,
            lambda a, b: all(a[p] == getattr(b, p) for p in ADDRESS_PARTS if p != "label"),
        ),
    ]:
        stored = list(getattr(record, kind).all())
        new = [row for row in rows if not any(same(row, old) for old in stored)]
        free = MAX_DETAILS - len(stored)
        if new[:free]:
            added[kind] = new[: max(free, 0)]
        if len(new) > free:
            left = new[max(free, 0) :]
            shown = ", ".join(
                row.get("email")
                or row.get("number")
                or ", ".join(v for k, v in row.items() if v and k != "label")
                for row in left
            )
            result.notes.append(
                _("Not added, a record has at most %(max)d %(what)s: %(values)s.")
                % {"max": MAX_DETAILS, "what": what[kind], "values": shown}
            )
    if result.company and result.company.lower() not in {name.lower() for name, _p in affiliations}:
        added["company"] = {
            "name": result.company,
            "primary": not any(primary for _name, primary in affiliations),
        }
    if result.errors:
        result.action = ImportRowAction.ERROR
        return
    result.changes = {"fields": fields, "add": added}
    result.action = ImportRowAction.UPDATE if fields or added else ImportRowAction.SKIP


# --- Writing --------------------------------------------------------------------------------


def _write(ctx: _Context, results: list[RowResult]) -> list[ImportRow]:
    """Write a planned chunk: new records in bulk, updates one by one; their ImportRows."""
    rows = []
    creates = [result for result in results if result.action == ImportRowAction.CREATE]
    if creates:
        rows += _write_creates(ctx, creates)
    for result in results:
        if result.action == ImportRowAction.UPDATE:
            row = _write_update(ctx, result)
            if row is not None:
                rows.append(row)
    return rows


def _detail_models(model):
    return {
        kind: getattr(model, kind).rel.related_model for kind in ("emails", "phones", "addresses")
    }


def _write_creates(ctx: _Context, creates: list[RowResult]) -> list[ImportRow]:
    model = ctx.model
    owner = model._meta.model_name
    records = []
    for result in creates:
        record = model(organization=ctx.organization, created_by=ctx.user, **result.fields)
        if result.type_name:
            record.type = ctx.list_entry(result.type_name, ctx.types, RecordType)
            ctx.type_names[record.type_id] = result.type_name.lower()
        if result.sector_name:
            record.sector = ctx.list_entry(result.sector_name, ctx.sectors, Sector)
            ctx.sector_names[record.sector_id] = result.sector_name.lower()
        if record.description:
            record.description_html = render_description(record.description)
        records.append(record)
    model.objects.bulk_create(records, batch_size=1000)
    organization_id = ctx.organization.pk
    for kind, detail_model in _detail_models(model).items():
        names = None
        rows = []
        for record, result in zip(records, creates, strict=True):
            for position, row in enumerate(getattr(result, kind)):
                names = names or list(row)
                rows.append((organization_id, record.pk, position, *(row[n] for n in names)))
        if rows:
            _insert_rows(detail_model, ["organization_id", f"{owner}_id", "position", *names], rows)
    for record in records:
        if "@" in record.description:
            sync_mentions(record)
    if ctx.kind == "contacts":
        companies = _companies(
            ctx,
            [
                (result.company, record)
                for record, result in zip(records, creates, strict=True)
                if result.company
            ],
        )
        now = timezone.now()
        _insert_rows(
            Affiliation,
            ["organization_id", "contact_id", "company_id", "role", "is_primary", "created_at"],
            [
                (organization_id, record.pk, companies[result.company], record.role, True, now)
                for record, result in zip(records, creates, strict=True)
                if result.company
            ],
        )
    _insert_rows(
        ImportRow,
        ["organization_id", "job_id", "row_no", "action", "object_id", "messages", "noted"],
        [
            (
                organization_id,
                ctx.job.pk,
                result.row_no,
                ImportRowAction.CREATE.value,
                record.pk,
                result.notes,
                bool(result.notes),
            )
            for record, result in zip(records, creates, strict=True)
        ],
    )
    return []


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain `rows` (values of `columns`, attnames) into `model`'s table.

    On PostgreSQL one `INSERT … SELECT FROM unnest(…)` per call, an array per column:
    no model instance, one short statement to compile (the history triggers see an
    ordinary INSERT). Elsewhere `bulk_create`.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=1000
        )
        return
    fields = [model._meta.get_field(name) for name in columns]
    rows = [
        tuple(
            json.dumps(value) if isinstance(field, models.JSONField) else value
            for field, value in zip(fields, row, strict=True)
        )
        for row in rows
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608 - fixed names
            f"SELECT * FROM unnest({arrays})",
            [list(column) for column in zip(*rows, strict=True)],
        )


def _companies(ctx: _Context, wanted: Iterable[tuple[str, object]]) -> dict[str, int]:
    """The visible company of each name (exact name, the oldest); missing ones are created,
    as private as the first contact that names them."""
    wanted = list(wanted)
    names = {name for name, _record in wanted} - set(ctx.companies)
    if names:
        for name, pk in (
            Company.objects.visible_to(ctx.user, ctx.organization)
            .filter(name__in=names)
            .order_by("pk")
            .values_list("name", "pk")
        ):
            ctx.companies.setdefault(name, pk)
    missing = {}
    for name, record in wanted:
        if name not in ctx.companies and name not in missing:
            missing[name] = Company(
                organization=ctx.organization,
                created_by=ctx.user,
                name=name,
                visibility=record.visibility,
            )
    if missing:
        Company.objects.bulk_create(list(missing.values()), batch_size=1000)
        for name, company in missing.items():
            ctx.companies[name] = company.pk
            ctx.created_companies.append(company.pk)
    return ctx.companies


def _write_update(ctx: _Context, result: RowResult) -> ImportRow | None:
    record = result.record
    owner = record._meta.model_name
    fields = result.changes["fields"]
    added = result.changes["add"]
    saved = {}
    for name, (old, new) in fields.items():
        if name == "type_id":
            new = ctx.list_entry(result.type_name, ctx.types, RecordType).pk
            ctx.type_names[new] = result.type_name.lower()
        elif name == "sector_id":
            new = ctx.list_entry(result.sector_name, ctx.sectors, Sector).pk
            ctx.sector_names[new] = result.sector_name.lower()
        setattr(record, name, new)
        saved[name] = [old, new]
    if saved:
        record.save(update_fields=[*saved, "updated_at"])
    done = {}
    for kind, detail_model in _detail_models(type(record)).items():
        rows = added.get(kind)
        if not rows:
            continue
        used = {row.position for row in getattr(record, kind).all()}
        free = [position for position in range(MAX_DETAILS) if position not in used]
        made = detail_model.objects.bulk_create(
            [
                detail_model(
                    organization=ctx.organization, position=position, **{owner: record}, **row
                )
                for position, row in zip(free, rows, strict=False)
            ]
        )
        done[kind] = [row.pk for row in made]
    company = added.get("company")
    if company:
        companies = _companies(ctx, [(company["name"], record)])
        affiliation = Affiliation.objects.create(
            organization=ctx.organization,
            contact=record,
            company_id=companies[company["name"]],
            role=record.role,
            is_primary=company["primary"],
        )
        done["affiliations"] = [affiliation.pk]
    return ImportRow(
        organization=ctx.organization,
        job=ctx.job,
        row_no=result.row_no,
        action=ImportRowAction.UPDATE,
        object_id=record.pk,
        messages=result.notes,
        noted=bool(result.notes),
        changes={"fields": saved, "added": done},
    )


# --- Running --------------------------------------------------------------------------------


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def preview(job: ImportJob, limit: int = PREVIEW_ROWS) -> list[RowResult]:
    """What the first `limit` rows would do, with their errors (nothing is written)."""
    ctx = _Context(job)
    table = read_table(bytes(job.data), job.file_format, job.kind)
    return _plan(ctx, list(islice(table.rows, limit)))


class _Rollback(Exception):
    pass


class _Progress:
    """The job's `rows_done`, written where its page can read it while the run goes on.

    Like the copies' `ProgressRecorder`: on PostgreSQL through a second, autocommit
    connection (the run is one long transaction); on SQLite only at the end.
    """

    def __init__(self, job_id: int, *, live: bool = True) -> None:
        self.job_id = job_id
        self.side = None
        if live and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        self.table = connection.ops.quote_name(ImportJob._meta.db_table)

    def __call__(self, done: int) -> None:
        if self.side is None:
            return
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {self.table} SET rows_done = %s WHERE id = %s",  # noqa: S608 - fixed name
                    [done, self.job_id],
                )
        except Exception:
            logger.warning("Could not record the progress of import %s.", self.job_id)
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


IMPORT_LOCK_NAMESPACE = 0x524F4C49  # "ROLI": the imports' runner locks


class ImportLock(RunnerLock):
    """The copies' runner lock (`transfers.jobs.RunnerLock`) under the imports' own key."""

    def __init__(self, job_id: int) -> None:
        super().__init__(job_id)
        self.key = [IMPORT_LOCK_NAMESPACE, job_id % 2**31]


STARTING = {
    "check": (ImportStatus.CHECKING, ImportStatus.CHECKING),
    "run": (ImportStatus.QUEUED, ImportStatus.RUNNING),
    "revert": (ImportStatus.REVERTING, ImportStatus.REVERTING),
}


def import_job_execute(*, job_id: int, step: str, live_progress: bool = True) -> None:
    """Check, run or revert an import; once, under a lock (the worker has no scope).

    `live_progress` writes the progress as it goes (the worker's runs); a step run in
    the request has nobody polling it.
    """
    with scopes_disabled(), ImportLock(job_id) as held:
        if not held:
            return
        job = ImportJob.objects.select_related("organization", "requested_by").get(pk=job_id)
        before, during = STARTING[step]
        started = ImportJob.objects.filter(pk=job.pk, status=before).update(
            status=during, started_at=timezone.now()
        )
        if not started:
            return
        try:
            if step == "check":
                counts = _walk(job, write=False, live_progress=live_progress)
                _finish(job, status=ImportStatus.CHECKED, checked=counts)
            elif step == "run":
                counts = _walk(job, write=True, live_progress=live_progress)
                status = ImportStatus.DONE if counts["imported"] else ImportStatus.FAILED
                error = (
                    ""
                    if counts["imported"]
                    else _(
                        "%(count)d rows have errors, so nothing was imported (all or nothing). "
                        "Download them, fix them and import the file again."
                    )
                    % {"count": counts["error"]}
                )
                _finish(job, status=status, counts=counts, error=error, finished_at=timezone.now())
            else:
                report = _revert(job)
                _finish(
                    job,
                    status=ImportStatus.REVERTED,
                    revert_report=report,
                    reverted_at=timezone.now(),
                )
        except Exception:
            logger.exception("Import %s failed at its %s.", job.pk, step)
            message = {
                "check": _("The file could not be checked. Try again later."),
                "run": _("The import failed unexpectedly; nothing was imported. Try again later."),
                "revert": _(
                    "The revert failed unexpectedly; nothing was changed. Try again later."
                ),
            }[step]
            # A failed revert leaves the import as it was: done, and revertible again.
            status = ImportStatus.DONE if step == "revert" else ImportStatus.FAILED
            _finish(job, status=status, error=message)


# What a step that lost its worker leaves the import as: a check can be started again
# from the columns, a run imported nothing, a revert changed nothing.
ABANDONED = {
    ImportStatus.CHECKING: ImportStatus.MAPPING,
    ImportStatus.RUNNING: ImportStatus.FAILED,
    ImportStatus.REVERTING: ImportStatus.DONE,
}


def reap_abandoned(job: ImportJob) -> ImportJob:
    """End a step whose runner died (PostgreSQL only, like the copies' `reap_abandoned`).

    A runner holds `ImportLock` for as long as it works, and sets `started_at` when it
    begins; a busy import whose runner began but whose lock anyone can take has lost its
    worker, and PostgreSQL rolled its transaction back. A step still waiting for the
    worker has no `started_at` and is left alone.
    """
    if job.status not in ABANDONED or job.started_at is None or connection.vendor != "postgresql":
        return job
    with ImportLock(job.pk) as free:
        if free:
            ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ABANDONED[job.status],
                error=_(
                    "The work on this import stopped before it finished (its worker was "
                    "interrupted); nothing was changed. Start it again."
                ),
            )
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, **values) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**values)


def _walk(job: ImportJob, *, write: bool, live_progress: bool = True) -> dict:
    """Check (write=False) or import the whole file; the counts of each action."""
    ctx = _Context(job)
    counts = dict.fromkeys(ImportRowAction.values, 0)
    counts["notes"] = 0
    errors: list[ImportRow] = []
    progress = _Progress(job.pk, live=live_progress)
    done = 0
    rolled_back = False
    try:
        with context(user=ctx.user, source=Source.IMPORT):
            try:
                with transaction.atomic():
                    table: Table = read_table(bytes(job.data), job.file_format, job.kind)
                    for chunk in _chunks(table.rows, IMPORT_CHUNK):
                        results = _plan(ctx, chunk)
                        if write:
                            ImportRow.objects.bulk_create(_write(ctx, results), batch_size=1000)
                        for result in results:
                            counts[result.action] += 1
                            counts["notes"] += bool(result.notes) and result.action in (
                                ImportRowAction.CREATE,
                                ImportRowAction.UPDATE,
                            )
                            if result.action == ImportRowAction.ERROR:
                                errors.append(
                                    ImportRow(
                                        organization=ctx.organization,
                                        job=job,
                                        row_no=result.row_no,
                                        action=ImportRowAction.ERROR,
                                        cells=result.cells,
                                        messages=result.messages,
                                    )
                                )
                        done += len(chunk)
                        progress(done)
                    if write and job.mode == ImportMode.ALL_OR_NOTHING and counts["error"]:
                        raise _Rollback
                    if write:
                        job.created_companies = ctx.created_companies
                        job.save(update_fields=["created_companies"])
            except _Rollback:
                rolled_back = True
                counts.update({ImportRowAction.CREATE: 0, ImportRowAction.UPDATE: 0, "notes": 0})
    finally:
        progress.close()
    ImportJob.objects.filter(pk=job.pk).update(rows_done=done)
    if write:
        ImportRow.objects.bulk_create(errors, batch_size=1000)
    counts["imported"] = write and not rolled_back
    return counts


# --- Reverting ------------------------------------------------------------------------------


def _revert(job: ImportJob) -> dict:
    """Put back what the import changed and move what it created to the trash."""
    user, organization = job.requested_by, job.organization
    model = MODELS[job.kind]
    visible = model.objects.visible_to(user, organization)
    report = {"restored": 0, "kept": 0, "trashed": 0, "missing": 0}
    rows = ImportRow.objects.filter(organization=organization, job=job)
    with context(user=user, source=Source.IMPORT), transaction.atomic():
        updates = list(rows.filter(action=ImportRowAction.UPDATE).order_by("-row_no"))
        records = visible.in_bulk([row.object_id for row in updates])
        details = _detail_models(model)
        for row in updates:
            record = records.get(row.object_id)
            if record is None:
                report["missing"] += 1
                continue
            back = {}
            for name, (old, new) in (row.changes or {}).get("fields", {}).items():
                if getattr(record, name) == new:
                    setattr(record, name, old)
                    back[name] = old
                else:
                    report["kept"] += 1  # changed since the import: that later change stays
            if back:
                record.save(update_fields=[*back, "updated_at"])
            added = (row.changes or {}).get("added", {})
            for kind, detail_model in details.items():
                if added.get(kind):
                    detail_model.objects.filter(
                        organization=organization, pk__in=added[kind]
                    ).delete()
            if added.get("affiliations"):
                Affiliation.objects.filter(
                    organization=organization, pk__in=added["affiliations"]
                ).delete()
            report["restored"] += 1
        created = rows.filter(action=ImportRowAction.CREATE).values_list("object_id", flat=True)
        report["trashed"] += _trash(visible, list(created), user)
        if job.created_companies:
            # Companies the import created for a contact's company column, unless someone
            # has linked them to another contact since.
            companies = Company.objects.visible_to(user, organization).filter(
                pk__in=job.created_companies
            )
            unlinked = companies.exclude(
                pk__in=Affiliation.objects.filter(organization=organization).values("company_id")
            )
            report["companies_trashed"] = _trash(
                Company.objects.visible_to(user, organization),
                list(unlinked.values_list("pk", flat=True)),
                user,
            )
    return report


def _trash(visible, ids: list[int], user) -> int:
    """Move the records `ids` (those still there and visible) to the trash, in batches."""
    trashed = 0
    model = visible.model
    for start in range(0, len(ids), REVERT_BATCH):
        chunk = ids[start : start + REVERT_BATCH]
        by_visibility = defaultdict(list)
        for record in visible.filter(pk__in=chunk).order_by("pk"):
            by_visibility[record.visibility].append(record)
        for records in by_visibility.values():
            root = records[0]
            pks = [record.pk for record in records]
            delete_to_trash(
                root,
                user=user,
                delete=lambda pks=pks, root=root: model.objects.filter(
                    organization=root.organization_id, pk__in=pks
                ).delete(),
                extra=records[1:],
            )
            trashed += len(records)
    return trashed


# --- The error file -------------------------------------------------------------------------


NOTED_SHOWN = 50


def noted_rows(job: ImportJob) -> list[ImportRow]:
    """The first rows imported with a note, for the report."""
    return list(
        ImportRow.objects.filter(organization=job.organization, job=job, noted=True).order_by(
            "row_no"
        )[:NOTED_SHOWN]
    )


def error_rows(job: ImportJob) -> Iterator[list[str]]:
    """The rows in error as the file had them, with a last column saying why."""
    yield [*job.headers, _("Errors")]
    rows = ImportRow.objects.filter(
        organization=job.organization, job=job, action=ImportRowAction.ERROR
    ).order_by("row_no")
    last = -1
    while True:
        chunk = list(rows.filter(row_no__gt=last)[:1000])
        if not chunk:
            return
        for row in chunk:
            cells = [cell for cell in (row.cells or []) if cell != UNREADABLE]
            cells += [""] * (len(job.headers) - len(cells))
            yield [*cells, " ".join(row.messages)]
        last = chunk[-1].row_no
