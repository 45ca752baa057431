"""Reading a record's history, with values shown as a reader knows them."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from companies.models import Company
from contacts.models import Contact
from directory.models import MentionBase, PhoneBase
from directory.validators import format_phone
from history.models import Action, Change
from history.triggers import WATCHED
from organizations.models import Organization, RecordType, Sector, User

PER_PAGE = 50
# Record fields a restore may set back (through the record's form and service).
RESTORABLE_FIELDS = {
    "contact": {
        "first_name",
        "last_name",
        "role",
        "type",
        "fiscal_code",
        "description",
        "pec",
        "vat_number",
        "tax_country",
        "visibility",
    },
    "company": {
        "name",
        "type",
        "sector",
        "description",
        "pec",
        "vat_number",
        "tax_country",
        "visibility",
    },
}
# Contact-point fields a restore may set back on a row that still exists.
DETAIL_KINDS = {
    "contactemail": "emails",
    "contactphone": "phones",
    "contactaddress": "addresses",
    "companyemail": "emails",
    "companyphone": "phones",
    "companyaddress": "addresses",
}
_WATCHED = {watched.name: watched for watched in WATCHED}


def record_changes(
    user: User, organization: Organization, *, contact=None, company=None, project=None
) -> QuerySet:
    """The changes of one record `user` already sees, newest first.

    An affiliation names a contact and a company: on a contact's history it shows only
    when the reader may see the company, and the other way round.
    """
    changes = Change.objects.filter(organization=organization).select_related("user")
    if contact is not None:
        companies = Company.objects.visible_to(user, organization).filter(pk=OuterRef("company_id"))
        changes = changes.filter(contact_id=contact.pk).filter(
            Q(company_id__isnull=True) | Exists(companies)
        )
    elif company is not None:
        contacts = Contact.objects.visible_to(user, organization).filter(pk=OuterRef("contact_id"))
        changes = changes.filter(company_id=company.pk).filter(
            Q(contact_id__isnull=True) | Exists(contacts)
        )
    else:
        changes = changes.filter(project_id=project.pk)
    # An affiliation's own side is the record whose history this is: not repeated.
    kind = "contact" if contact is not None else "company" if company is not None else ""
    return changes.exclude(model="affiliation", field=kind).order_by("-id")


def change_for_record(changes: QuerySet, pk: int) -> Change | None:
    return changes.filter(pk=pk).first()


@dataclass
class Page:
    rows: list["Entry"]
    older: int | None


@dataclass
class Entry:
    change: Change
    what: str
    field: str
    old: str
    new: str
    restorable: bool


def page_of(
    changes: QuerySet,
    *,
    before: int | None,
    user: User,
    organization: Organization,
    record_kind: str,
    can_restore: bool,
) -> Page:
    """One page of `changes` (older than the change `before`), described for reading."""
    if before is not None:
        changes = changes.filter(pk__lt=before)
    rows = list(changes[: PER_PAGE + 1])
    older = rows[PER_PAGE - 1].pk if len(rows) > PER_PAGE else None
    rows = rows[:PER_PAGE]
    names = _Names(rows, user=user, organization=organization)
    entries = []
    for change in rows:
        watched = _WATCHED.get(change.model)
        model = watched.model if watched else None
        restorable = (
            can_restore
            and change.action == Action.UPDATE
            and (
                (
                    change.model == record_kind
                    and change.field in RESTORABLE_FIELDS.get(record_kind, ())
                )
                or change.model in DETAIL_KINDS
            )
        )
        entries.append(
            Entry(
                change=change,
                what=""
                if change.model == record_kind or model is None
                else str(model._meta.verbose_name),
                field=_field_label(model, change.field),
                old=names.show(model, change.field, change.old_value),
                new=names.show(model, change.field, change.new_value),
                restorable=restorable,
            )
        )
    return Page(rows=entries, older=older)


def _field_label(model, name: str) -> str:
    if model is None or not name:
        return ""
    if issubclass(model, MentionBase):
        return _("member mentioned")
    return str(model._meta.get_field(name).verbose_name)


class _Names:
    """Names for the ids a page of changes holds, one query per kind of name.

    Companies and contacts are named only when the reader may see them.
    """

    def __init__(self, rows: list[Change], *, user: User, organization: Organization):
        wanted: dict[str, set[int]] = {}
        for change in rows:
            watched = _WATCHED.get(change.model)
            if watched is None or not change.field:
                continue
            target = _target(watched.model, change.field)
            if target is not None:
                for value in (change.old_value, change.new_value):
                    if value and value.isdigit():
                        wanted.setdefault(target, set()).add(int(value))
        self.names: dict[str, dict[int, str]] = {}
        readers = {
            "company": lambda ids: Company.objects.visible_to(user, organization).filter(
                pk__in=ids
            ),
            "contact": lambda ids: Contact.objects.visible_to(user, organization).filter(
                pk__in=ids
            ),
            "recordtype": lambda ids: RecordType.objects.filter(
                organization=organization, pk__in=ids
            ),
            "sector": lambda ids: Sector.objects.filter(organization=organization, pk__in=ids),
            "user": lambda ids: User.objects.filter(pk__in=ids),
        }
        for target, ids in wanted.items():
            self.names[target] = {row.pk: str(row) for row in readers[target](ids)}

    def show(self, model, name: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if model is None or not name:
            return value
        field = model._meta.get_field(name)
        target = _target(model, name)
        if target is not None:
            return self.names.get(target, {}).get(int(value), "—") if value.isdigit() else "—"
        if issubclass(model, PhoneBase) and name == "number":
            return format_phone(value)
        if field.get_internal_type() == "BooleanField":
            return (
                pgettext("history value", "yes")
                if value.lower() in ("1", "true", "t")
                else pgettext("history value", "no")
            )
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.get_internal_type() == "DecimalField":
            try:
                return number_format(
                    Decimal(value),
                    decimal_pos=field.decimal_places,
                    use_l10n=True,
                    force_grouping=True,
                )
            except InvalidOperation:
                return value
        return value


def _target(model, name: str) -> str | None:
    field = model._meta.get_field(name)
    if not field.is_relation:
        return None
    return field.related_model._meta.model_name
