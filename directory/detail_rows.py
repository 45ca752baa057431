"""A record's emails, phones and addresses, read in the same query as the record itself.

A detail page used to spend one query per kind of detail row; each kind is at most
three rows (MAX_DETAILS), so they travel as JSON arrays in the record's own row.
"""

from django.db.models import F, Func, JSONField, Model, QuerySet

from directory.validators import format_phone
from organizations.models import Organization

# The related name of each kind of detail row, and the attribute its rows land on.
DETAIL_KINDS = {"emails": "email_rows", "phones": "phone_rows", "addresses": "address_rows"}

# The detail table's alias inside its subquery; the record's columns keep the outer alias.
_ALIAS = "detail_rows"


class DetailRowsJSON(Func):
    """`(SELECT <the rows as a JSON array> FROM <detail table> WHERE <of this record>)`.

    Written out from the detail model's columns rather than built as an ORM subquery
    (filter, values, annotate with an aggregate of a JSONObject): building and compiling
    those took as long as the rest of a detail page's main query. The record's columns
    (its organization and key) are ordinary expressions, so the outer query's alias is
    right wherever the queryset goes. NULL when the record has no such rows (PostgreSQL).
    """

    output_field = JSONField()

    def __init__(self, detail: type[Model], owner: str):
        # The record's organization and primary key, which the subquery matches.
        super().__init__(F("organization"), F("pk"))
        self.detail = detail
        self.owner = owner

    def _sql(self, connection, record_sql: list[str], *, aggregate: str, build: str) -> str:
        quote = connection.ops.quote_name
        table = quote(self.detail._meta.db_table)
        pairs = ", ".join(
            f"'{field.attname}', {quote(_ALIAS)}.{quote(field.column)}"
            for field in self.detail._meta.concrete_fields
        )
        alias = quote(_ALIAS)
        organization_column = quote(self.detail._meta.get_field("organization").column)
        owner_column = quote(self.detail._meta.get_field(self.owner).column)
        organization, pk = record_sql
        # Every name comes from the model's metadata, quoted; the record's columns are
        # compiled expressions with their own params. No value is written in here.
        return (
            f"(SELECT {aggregate}({build}({pairs})) FROM {table} {alias} "  # noqa: S608
            f"WHERE {alias}.{organization_column} = {organization} "
            f"AND {alias}.{owner_column} = {pk})"
        )

    def _compiled(self, compiler, connection) -> tuple[list[str], list]:
        sql, params = [], []
        for expression in self.get_source_expressions():
            part, part_params = compiler.compile(expression)
            sql.append(part)
            params.extend(part_params)
        return sql, params

    def as_sql(self, compiler, connection, **extra_context):
        record_sql, params = self._compiled(compiler, connection)
        sql = self._sql(connection, record_sql, aggregate="JSON_GROUP_ARRAY", build="JSON_OBJECT")
        return sql, params

    def as_postgresql(self, compiler, connection, **extra_context):
        record_sql, params = self._compiled(compiler, connection)
        sql = self._sql(connection, record_sql, aggregate="JSONB_AGG", build="JSONB_BUILD_OBJECT")
        return sql, params


def _columns(detail: type[Model]) -> list[str]:
    return [field.attname for field in detail._meta.concrete_fields]


def with_detail_rows(records: QuerySet) -> QuerySet:
    """Annotate each record with its detail rows as JSON; read them with `attach_detail_rows`."""
    annotations = {}
    for kind in DETAIL_KINDS:
        relation = records.model._meta.get_field(kind)
        annotations[f"{kind}_json"] = DetailRowsJSON(relation.related_model, relation.field.name)
    return records.annotate(**annotations)


def attach_detail_rows(record: Model) -> Model:
    """Give `record` its `email_rows`, `phone_rows`, `address_rows`, in position order."""
    for kind, attribute in DETAIL_KINDS.items():
        detail = record._meta.get_field(kind).related_model
        names = _columns(detail)
        rows = [
            detail.from_db(record._state.db, names, [row[name] for name in names])
            for row in getattr(record, f"{kind}_json") or []
        ]
        rows.sort(key=lambda row: row.position)
        setattr(record, attribute, rows)
    return record


def attach_first_email_and_phone(
    records: list[Model],
    organization: Organization,
    *,
    email_model: type[Model],
    phone_model: type[Model],
    owner: str,
) -> None:
    """Give each record of a list page its `first_email` and `first_phone` (formatted).

    Two queries for the page, read as plain values (`owner` is the detail's column
    holding the record's id): Django's prefetching would build a model and a filtered
    queryset per record and detail, which cost more than the queries themselves.
    """
    if not records:
        return
    ids = [record.pk for record in records]
    firsts = []
    for model, column in ((email_model, "email"), (phone_model, "number")):
        first: dict[int, str] = {}
        for record_id, value in (
            model.objects.filter(organization=organization, **{f"{owner}__in": ids})
            .order_by(owner, "position", "id")
            .values_list(owner, column)
        ):
            first.setdefault(record_id, value)
        firsts.append(first)
    emails, phones = firsts
    for record in records:
        record.first_email = emails.get(record.pk, "")
        number = phones.get(record.pk)
        record.first_phone = format_phone(number) if number else ""
