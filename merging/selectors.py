"""Reading duplicates and merges, always through the `visible_to` doors.

`duplicate_pairs` finds candidate pairs with set-based SQL: each reason is one self-join
on an indexed column (emails and phones by value, VAT numbers, persons of the same
company with pg_trgm-similar names), from the organization's `RECENT` most recently
changed records (duplicates come from recent entries and imports) to all of them, each
cut at `MAX_PAIRS` rows; then only the pairs whose two records the reader may see stay.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from companies.models import Affiliation, Company
from contacts.models import Contact
from directory.duplicates import NAME_SIMILARITY, REASONS
from directory.models import DirectoryRecord
from merging.models import Merge, MergeKind
from organizations.models import Organization, User

# How many rows each reason's query reads at most, and from how many of the most recently
# changed records: the page's work stays bounded at any size of the organization.
MAX_PAIRS = 500
RECENT = 10_000
# Names are compared with every person of the same companies: fewer records start it.
RECENT_NAMES = 2_000
# Points a pair gets per reason (a similar name: times its similarity), up to 100.
WEIGHTS = {"vat": 60, "email": 60, "phone": 50, "name": 50}


@dataclass
class Pair:
    first_id: int
    second_id: int
    reasons: set = field(default_factory=set)
    similarity: float = 0.0
    first: DirectoryRecord | None = None
    second: DirectoryRecord | None = None

    @property
    def score(self) -> int:
        total = sum(
            WEIGHTS[reason] * (self.similarity if reason == "name" else 1)
            for reason in self.reasons
        )
        return min(100, round(total))

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[reason]) for reason in sorted(self.reasons)]


def _fold(alias: str) -> str:
    return f"rolo_unaccent(lower({alias}.first_name || ' ' || {alias}.last_name))"


def _recent(table: str, count: int = 0) -> str:
    """The ids of the organization's `count` (RECENT) most recently changed records: an
    index range of `(organization, -updated_at, -id)`."""
    return (
        f"(SELECT id FROM {table} WHERE organization_id = %s"  # noqa: S608
        f" ORDER BY updated_at DESC, id DESC LIMIT {count or RECENT})"
    )


def _branches(model: type[DirectoryRecord]) -> list[tuple[str, str]]:
    """(reason, SQL) of each reason's self-join, from the recent records to all of them.

    Each SQL takes the organization's id twice (the recent records', the join's).
    """
    table = model._meta.db_table
    owner = f"{model._meta.model_name}_id"
    recent = _recent(table)
    branches = []
    points_columns = [("email", "emails", "email"), ("phone", "phones", "number")]
    for reason, related_name, column in points_columns:
        points = model._meta.get_field(related_name).related_model._meta.db_table
        branches.append(
            (
                reason,
                f"SELECT a.{owner}, b.{owner}, 1.0 FROM {recent} r"  # noqa: S608
                f" JOIN {points} a ON a.{owner} = r.id"
                f" JOIN {points} b ON b.organization_id = a.organization_id"
                f" AND b.{column} = a.{column} AND b.{owner} <> a.{owner}"
                " WHERE a.organization_id = %s",
            )
        )
    branches.append(
        (
            "vat",
            f"SELECT a.id, b.id, 1.0 FROM {recent} r"  # noqa: S608
            f" JOIN {table} a ON a.id = r.id"
            f" JOIN {table} b ON b.organization_id = a.organization_id"
            " AND b.vat_number = a.vat_number AND b.id <> a.id"
            " WHERE a.organization_id = %s AND a.vat_number <> ''",
        )
    )
    if model is Contact:
        affiliations = Affiliation._meta.db_table
        similarity = f"similarity({_fold('a')}, {_fold('b')})"
        branches.append(
            (
                "name",
                f"SELECT a.id, b.id, {similarity} FROM {_recent(table, RECENT_NAMES)} r"  # noqa: S608
                f" JOIN {affiliations} x ON x.contact_id = r.id"
                f" JOIN {affiliations} y ON y.organization_id = x.organization_id"
                " AND y.company_id = x.company_id AND y.contact_id <> x.contact_id"
                f" JOIN {table} a ON a.id = x.contact_id JOIN {table} b ON b.id = y.contact_id"
                f" WHERE x.organization_id = %s AND {similarity} >= {NAME_SIMILARITY}",
            )
        )
    return branches


def duplicate_pairs(
    model: type[DirectoryRecord], user: User, organization: Organization
) -> list[Pair]:
    """Candidate pairs among the records of `model` the reader may see, best first.

    One query per reason (four for contacts, three for companies) from the `RECENT` most
    recently changed records to every record, each cut at `MAX_PAIRS` rows, then one
    query keeping the pairs whose two records the reader may see: bounded work whatever
    the organization's size. The records of a page are read afterwards (`attach_records`).
    """
    pairs: dict[tuple[int, int], Pair] = {}
    with connection.cursor() as cursor:
        for reason, sql in _branches(model):
            cursor.execute(f"{sql} LIMIT {MAX_PAIRS}", [organization.pk, organization.pk])
            for one, other, similarity in cursor.fetchall():
                key = (min(one, other), max(one, other))
                pair = pairs.setdefault(key, Pair(*key))
                pair.reasons.add(reason)
                pair.similarity = max(pair.similarity, float(similarity))
    ids = {pk for key in pairs for pk in key}
    visible = set(
        model.objects.visible_to(user, organization).filter(pk__in=ids).values_list("pk", flat=True)
        if ids
        else ()
    )
    shown = [pair for key, pair in pairs.items() if visible.issuperset(key)]
    return sorted(shown, key=lambda pair: (-pair.score, pair.first_id, pair.second_id))


def attach_records(
    pairs: list[Pair], model: type[DirectoryRecord], user: User, organization: Organization
) -> list[Pair]:
    """Give each pair its two records, read in one query through `visible_to`."""
    pks = {pk for pair in pairs for pk in (pair.first_id, pair.second_id)}
    records = model.objects.visible_to(user, organization).in_bulk(pks)
    shown = []
    for pair in pairs:
        pair.first, pair.second = records.get(pair.first_id), records.get(pair.second_id)
        if pair.first is not None and pair.second is not None:
            shown.append(pair)
    return shown


def visible_merges(user: User, organization: Organization):
    """Merges whose survivor the reader may see, newest first."""
    return Merge.objects.filter(organization=organization).filter(
        Q(
            kind=MergeKind.CONTACT,
            survivor_id__in=Contact.objects.visible_to(user, organization).values("pk"),
        )
        | Q(
            kind=MergeKind.COMPANY,
            survivor_id__in=Company.objects.visible_to(user, organization).values("pk"),
        )
    )
