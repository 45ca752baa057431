"""A record's emails, phones and addresses, read in the same query as the record itself.

A detail page used to spend one query per kind of detail row; each kind is at most
three rows (MAX_DETAILS), so they travel as JSON arrays in the record's own row.
"""

from django.db.models import Aggregate, JSONField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

# The related name of each kind of detail row, and the attribute its rows land on.
DETAIL_KINDS = {"emails": "email_rows", "phones": "phone_rows", "addresses": "address_rows"}


class JSONRows(Aggregate):
    """The grouped rows as one JSON array (JSON_GROUP_ARRAY on SQLite, JSONB_AGG on PostgreSQL)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _columns(detail: type[Model]) -> list[str]:
    return [field.attname for field in detail._meta.concrete_fields]


def with_detail_rows(records: QuerySet) -> QuerySet:
    """Annotate each record with its detail rows as JSON; read them with `attach_detail_rows`."""
    annotations = {}
    for kind in DETAIL_KINDS:
        relation = records.model._meta.get_field(kind)
        detail, owner = relation.related_model, relation.field.name
        rows = (
            detail.objects.filter(organization=OuterRef("organization"), **{owner: OuterRef("pk")})
            .order_by()
            .values(owner)
            .annotate(rows=JSONRows(JSONObject(**{name: name for name in _columns(detail)})))
            .values("rows")
        )
        annotations[f"{kind}_json"] = Subquery(rows, output_field=JSONField())
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
