"""Reading duplicates and merges, always through the `visible_to` doors.

`duplicate_pairs` finds candidate pairs with set-based SQL: each reason is one self-join
on an indexed column (emails and phones by value, VAT numbers, persons of the same
company with pg_trgm-similar names), both sides restricted to the records the reader may
see, each cut at `MAX_PAIRS` rows.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q

from companies.models import Affiliation, Company
from contacts.models import Contact
from directory.duplicates import NAME_SIMILARITY, REASONS
from directory.models import DirectoryRecord
from merging.models import Merge, MergeKind
from organizations.models import Organization, User

# How many rows each reason's query reads at most: the page stays bounded at any size.
MAX_PAIRS = 500
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


def _visible_sql(model: type[DirectoryRecord], user: User, organization: Organization):
    visible = model.objects.visible_to(user, organization).order_by().values("pk")
    return visible.query.sql_with_params()


def _fold(alias: str) -> str:
    return f"rolo_unaccent(lower({alias}.first_name || ' ' || {alias}.last_name))"


def _branches(model: type[DirectoryRecord]) -> list[tuple[str, str]]:
    """(reason, SQL) of each reason's self-join; `{visible}` stands for the visible ids."""
    table = model._meta.db_table
    owner = f"{model._meta.model_name}_id"
    branches = []
    points_columns = [("email", "emails", "email"), ("phone", "phones", "number")]
    for reason, related_name, column in points_columns:
        points = model._meta.get_field(related_name).related_model._meta.db_table
        branches.append(
            (
                reason,
                f"SELECT a.{owner}, b.{owner}, 1.0 FROM {points} a JOIN {points} b"  # noqa: S608
                f" ON b.organization_id = a.organization_id AND b.{column} = a.{column}"
                f" AND b.{owner} > a.{owner}"
                f" WHERE a.organization_id = %s AND a.{owner} IN ({{visible}})"
                f" AND b.{owner} IN ({{visible}})",
            )
        )
    branches.append(
        (
            "vat",
            f"SELECT a.id, b.id, 1.0 FROM {table} a JOIN {table} b"  # noqa: S608
            " ON b.organization_id = a.organization_id AND b.vat_number = a.vat_number"
            " AND b.id > a.id"
            " WHERE a.organization_id = %s AND a.vat_number <> ''"
            " AND a.id IN ({visible}) AND b.id IN ({visible})",
        )
    )
    if model is Contact:
        affiliations = Affiliation._meta.db_table
        similarity = f"similarity({_fold('a')}, {_fold('b')})"
        branches.append(
            (
                "name",
                f"SELECT a.id, b.id, {similarity} FROM {affiliations} x"  # noqa: S608
                f" JOIN {affiliations} y ON y.organization_id = x.organization_id"
                " AND y.company_id = x.company_id AND y.contact_id > x.contact_id"
                f" JOIN {table} a ON a.id = x.contact_id JOIN {table} b ON b.id = y.contact_id"
                f" WHERE x.organization_id = %s AND {similarity} >= {NAME_SIMILARITY}"
                " AND a.id IN ({visible}) AND b.id IN ({visible})",
            )
        )
    return branches


def duplicate_pairs(
    model: type[DirectoryRecord], user: User, organization: Organization
) -> list[Pair]:
    """Candidate pairs among the records of `model` the reader may see, best first.

    One query per reason (four for contacts, three for companies), whatever the
    organization's size; the records of a page are read afterwards (`attach_records`).
    """
    try:
        visible, params = _visible_sql(model, user, organization)
    except EmptyResultSet:
        return []  # the reader sees nothing of this kind
    pairs: dict[tuple[int, int], Pair] = {}
    with connection.cursor() as cursor:
        for reason, sql in _branches(model):
            cursor.execute(
                f"{sql.format(visible=visible)} LIMIT {MAX_PAIRS}",
                [organization.pk, *params, *params],
            )
            for first_id, second_id, similarity in cursor.fetchall():
                pair = pairs.setdefault((first_id, second_id), Pair(first_id, second_id))
                pair.reasons.add(reason)
                pair.similarity = max(pair.similarity, float(similarity))
    return sorted(pairs.values(), key=lambda pair: (-pair.score, pair.first_id, pair.second_id))


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
