"""Records that look like the one being saved: same email, phone, VAT number or name (issue 17).

Floor 1: works on the record model it is given (`contacts.Contact`, `companies.Company`)
through its `visible_to` door, so a record the user may not see is never named — not even
counted. Each reason is one query on an index: emails and phones on
`(organization, email|number)`, the VAT number on `(organization, vat_number)`, a similar
name among the persons of the chosen company (`(organization, company, contact)`), compared
with pg_trgm's `similarity` (on SQLite, the same function in Python:
`directory.search.register_sqlite_functions`). At most four queries on a create, three
more on an edit (the stored values, so that only what the edit changes is checked).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from directory.models import DirectoryRecord
from directory.search import Fold, Similarity
from organizations.models import Organization, User

# How many records a warning names at most, per reason.
LIMIT = 5
# pg_trgm's similarity of two folded full names from which they "look alike".
NAME_SIMILARITY = 0.6

REASONS = {
    "email": _("same email"),
    "phone": _("same phone"),
    "vat": _("same VAT number"),
    "name": _("similar name at the same company"),
}


@dataclass
class Match:
    """A visible record that looks like the one being saved, and why (keys of REASONS)."""

    record: DirectoryRecord
    reasons: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[reason]) for reason in self.reasons]


@dataclass(frozen=True)
class Wanted:
    """The values of the record being saved that a duplicate could share."""

    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    vat: str = ""
    name: str = ""
    company_id: int | None = None


def _point_model(model: type[DirectoryRecord], related_name: str):
    return model._meta.get_field(related_name).related_model


def _owner(model: type[DirectoryRecord]) -> str:
    return f"{model._meta.model_name}_id"


def full_name_expression():
    """A contact's folded "first last" name, as the duplicates compare it."""
    return Fold(Concat("first_name", Value(" "), "last_name"))


def fold_name(name: str) -> str:
    return " ".join(name.split())


def find_duplicates(
    model: type[DirectoryRecord],
    user: User,
    organization: Organization,
    wanted: Wanted,
    *,
    exclude_pk: int | None = None,
) -> list[Match]:
    """Visible records of `model` sharing an email, phone or VAT number, or (contacts with
    a company) a very similar name at the same company; most reasons first."""
    visible = model.objects.visible_to(user, organization)
    if exclude_pk is not None:
        visible = visible.exclude(pk=exclude_pk)
    found: dict[int, Match] = {}

    def add(records: Iterable[DirectoryRecord], reason: str) -> None:
        for record in records:
            match = found.setdefault(record.pk, Match(record))
            match.reasons.append(reason)

    owner = _owner(model)
    emails = sorted({email.strip().lower() for email in wanted.emails if email and email.strip()})
    if emails:
        rows = _point_model(model, "emails").objects.filter(
            organization=organization, email__in=emails
        )
        add(visible.filter(pk__in=rows.values(owner))[:LIMIT], "email")
    phones = sorted({phone for phone in wanted.phones if phone})
    if phones:
        rows = _point_model(model, "phones").objects.filter(
            organization=organization, number__in=phones
        )
        add(visible.filter(pk__in=rows.values(owner))[:LIMIT], "phone")
    if wanted.vat:
        add(visible.filter(vat_number=wanted.vat)[:LIMIT], "vat")
    name = fold_name(wanted.name)
    if name and wanted.company_id and hasattr(model, "affiliations"):
        similar = (
            visible.filter(affiliations__company_id=wanted.company_id)
            .annotate(name_similarity=Similarity(full_name_expression(), Fold(Value(name))))
            .filter(name_similarity__gte=NAME_SIMILARITY)
            .order_by("-name_similarity", "pk")
        )
        add(similar[:LIMIT], "name")
    return sorted(found.values(), key=lambda match: (-len(match.reasons), str(match.record)))


def changed_values(record: DirectoryRecord, wanted: Wanted, *, name_fields=()) -> Wanted:
    """Of `wanted`, only what differs from what `record` stores (an edit warns about
    what it changes, not again about a duplicate the record already had)."""
    model = type(record)
    stored = (
        model._base_manager.filter(organization_id=record.organization_id, pk=record.pk)
        .values("vat_number", *name_fields)
        .first()
        or {}
    )
    emails = set(record.emails.values_list("email", flat=True)) if wanted.emails else set()
    phones = set(record.phones.values_list("number", flat=True)) if wanted.phones else set()
    stored_name = fold_name(" ".join(stored.get(name, "") for name in name_fields))
    return Wanted(
        emails=tuple(e for e in wanted.emails if e.strip().lower() not in emails),
        phones=tuple(p for p in wanted.phones if p not in phones),
        vat=wanted.vat if wanted.vat != stored.get("vat_number") else "",
        name=wanted.name if fold_name(wanted.name).lower() != stored_name.lower() else "",
        company_id=wanted.company_id,
    )
