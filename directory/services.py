"""Writes shared by contacts and companies: details, tax numbers, mentions."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from directory.models import MAX_DETAILS, DirectoryRecord
from directory.validators import (
    normalize_fiscal_code,
    normalize_phone,
    normalize_vat,
)
from organizations.countries import normalize_country
from organizations.mentions import (
    mention_names,
    mention_readers,
    mentioned_emails,
    sync_mentions,
)
from organizations.models import Organization, User
from organizations.scoping import TenantModel
from organizations.visibility import Visibility

DETAIL_NAMES = {
    "emails": _("emails"),
    "phones": _("phones"),
    "addresses": _("addresses"),
}
ADDRESS_FIELDS = ("street", "postal_code", "city", "region", "country")

__all__ = ["mention_names", "mention_readers", "sync_mentions"]


def check_detail_limits(**details: Sequence) -> None:
    """Refuse more than three emails, phones or addresses, naming the field."""
    errors = {
        name: _("At most %(max)d %(what)s are allowed; you gave %(count)d.")
        % {"max": MAX_DETAILS, "what": DETAIL_NAMES[name], "count": len(rows)}
        for name, rows in details.items()
        if rows is not None and len(rows) > MAX_DETAILS
    }
    if errors:
        raise ValidationError(errors)


def normalize_tax_numbers(record: DirectoryRecord, organization: Organization) -> None:
    """Validate and normalize the record's VAT number (and fiscal code, if it has one)."""
    errors = {}
    try:
        record.tax_country = normalize_country(record.tax_country)
    except ValidationError as error:
        errors["tax_country"] = error
        record.tax_country = ""
    country = record.tax_country or (organization.default_country or "").upper()
    try:
        record.vat_number = normalize_vat(record.vat_number, country)
    except ValidationError as error:
        errors["vat_number"] = error
    if hasattr(record, "fiscal_code"):
        try:
            record.fiscal_code = normalize_fiscal_code(record.fiscal_code, country)
        except ValidationError as error:
            errors["fiscal_code"] = error
    if errors:
        raise ValidationError(errors)


def clean_emails(rows: Iterable[dict]) -> list[dict]:
    cleaned = []
    for row in rows:
        email = (row.get("email") or "").strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(
                {"emails": _("“%(value)s” is not a valid email address.") % {"value": email}}
            ) from error
        cleaned.append({"label": row.get("label") or "work", "email": email.lower()})
    return cleaned


def clean_phones(rows: Iterable[dict], default_country: str) -> list[dict]:
    cleaned = []
    for row in rows:
        try:
            number = normalize_phone((row.get("number") or "").strip(), default_country)
        except ValidationError as error:
            raise ValidationError({"phones": error.messages}) from error
        cleaned.append({"label": row.get("label") or "work", "number": number})
    return cleaned


def clean_addresses(rows: Iterable[dict]) -> list[dict]:
    cleaned = []
    for row in rows:
        values = {field: (row.get(field) or "").strip() for field in ADDRESS_FIELDS}
        values["country"] = values["country"].upper()
        if not any(values.values()):
            continue
        cleaned.append({"label": row.get("label") or "office", **values})
    return cleaned


def replace_details(record: DirectoryRecord, *, emails=None, phones=None, addresses=None) -> None:
    """Replace the record's emails, phones and addresses (None leaves a kind untouched).

    Rows are validated and normalized here as well as in forms: the limits and formats
    hold for every caller, including commands and the duplication service.
    """
    check_detail_limits(emails=emails, phones=phones, addresses=addresses)
    organization = record.organization
    owner = {record._meta.model_name: record}
    for related_name, rows, clean in [
        ("emails", emails, clean_emails),
        ("phones", phones, lambda r: clean_phones(r, organization.default_country)),
        ("addresses", addresses, clean_addresses),
    ]:
        if rows is None:
            continue
        rows = clean(rows)
        check_detail_limits(**{related_name: rows})
        # Rows are changed in place, position by position, so that the field history
        # (history/) records an edited email as changed, not as removed and added again.
        manager = getattr(record, related_name)
        stored = {row.position: row for row in manager.all()}
        added = []
        for index, row in enumerate(rows):
            current = stored.pop(index, None)
            if current is None:
                added.append(
                    manager.model(organization=organization, position=index, **owner, **row)
                )
            elif any(getattr(current, name) != value for name, value in row.items()):
                for name, value in row.items():
                    setattr(current, name, value)
                current.save(update_fields=list(row))
        if stored:
            manager.filter(pk__in=[row.pk for row in stored.values()]).delete()
        manager.model.objects.bulk_create(added)


def check_audience(record: DirectoryRecord, *, editor: User) -> None:
    """Refuse a private record's description that names someone new, unless `editor` created it.

    A mention lets a member see a private record, so adding one widens its audience,
    and only the record's creator may change who sees it (PRODUCT §3.6). Anyone who
    may edit the record may keep or remove mentions; owners gain no extra power. Only
    a changed description is checked, before anything is saved.
    """
    if (
        record.pk is None
        or record.visibility != Visibility.PRIVATE
        or record.created_by_id == editor.pk
        or record.description == getattr(record, "_saved_description", None)
    ):
        return
    mentioned = set(
        record.mention_model()
        .objects.filter(
            organization=record.organization, **{record.mention_model().target_field: record}
        )
        .values_list("user_id", flat=True)
    )
    newcomers = sorted(
        user.display_name
        for user in mention_readers(record.organization, mentioned_emails(record.description))
        if user.pk not in mentioned and user.pk != record.created_by_id
    )
    if newcomers:
        raise ValidationError(
            {
                "description": _(
                    "Only the person who created this private record can share it with "
                    "more people. Remove the mention of %(names)s, or ask them to add it."
                )
                % {"names": ", ".join(newcomers)}
            }
        )


def check_tenant_links(record: DirectoryRecord) -> None:
    """Refuse a foreign key (type, sector) that points into another organization."""
    for field in record._meta.concrete_fields:
        if not field.is_relation or not issubclass(field.related_model, TenantModel):
            continue
        if field.name == "organization":
            continue
        related = getattr(record, field.name)
        if related is not None and related.organization_id != record.organization_id:
            raise ValidationError({field.name: _("Choose a value from this organization.")})
