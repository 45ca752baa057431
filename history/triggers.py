"""The history triggers: which tables are watched, and their SQL for PostgreSQL and SQLite.

Each watched table gets an AFTER INSERT, an AFTER UPDATE and an AFTER DELETE trigger that
write `history_change` rows (`history.models.Change`) in the same statement's transaction,
so every write is recorded whatever made it: a form, `QuerySet.update()`, `bulk_create`,
the copy engine's `INSERT … SELECT`, raw SQL. On PostgreSQL the triggers are
statement-level with transition tables (one `INSERT … SELECT` per statement, however
many rows it touched); SQLite has only row-level triggers.

`install()` runs after every `migrate` (post_migrate): SQLite drops a table's triggers
when a migration rebuilds the table, and a partial `migrate` may not have created every
watched table yet, in which case nothing is installed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from organizations.models import Organization

HISTORY_TABLE = "history_change"
_COMMON = ("description", "pec", "vat_number", "tax_country", "visibility")
_ADDRESS = ("label", "street", "postal_code", "city", "region", "country")


@dataclass(frozen=True)
class Watched:
    """A watched model: its fields, and which of its columns name the record it belongs to.

    `owners` maps `contact` / `company` / `project` to a field of the model (`id` for the
    record itself). A record's creation or deletion is one row; a contact point's, an
    affiliation's or a mention's is one row per non-empty field.
    """

    label: str
    fields: tuple[str, ...]
    owners: dict[str, str] = field(default_factory=dict)
    record: bool = False

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    def column(self, name: str) -> str:
        return self.model._meta.get_field(name).column


WATCHED = [
    Watched(
        "contacts.Contact",
        ("first_name", "last_name", "role", "type", "fiscal_code", *_COMMON),
        {"contact": "id"},
        record=True,
    ),
    Watched("contacts.ContactEmail", ("label", "email"), {"contact": "contact"}),
    Watched("contacts.ContactPhone", ("label", "number"), {"contact": "contact"}),
    Watched("contacts.ContactAddress", _ADDRESS, {"contact": "contact"}),
    Watched("contacts.ContactMention", ("user",), {"contact": "contact"}),
    Watched(
        "companies.Company", ("name", "type", "sector", *_COMMON), {"company": "id"}, record=True
    ),
    Watched("companies.CompanyEmail", ("label", "email"), {"company": "company"}),
    Watched("companies.CompanyPhone", ("label", "number"), {"company": "company"}),
    Watched("companies.CompanyAddress", _ADDRESS, {"company": "company"}),
    Watched("companies.CompanyMention", ("user",), {"company": "company"}),
    Watched(
        "companies.Affiliation",
        ("contact", "company", "role", "is_primary"),
        {"contact": "contact", "company": "company"},
    ),
    Watched(
        "connections.Project",
        ("name", "status", "budget", "currency", "client_company", "client_contact"),
        {"project": "id"},
        record=True,
    ),
]

_COLUMNS = (
    "organization_id, created_at, user_id, source, model, row_id, action, field, "
    "old_value, new_value, contact_id, company_id, project_id"
)
_OPERATIONS = ("insert", "update", "delete")


def _alive(alias: str) -> str:
    """A deleted row's organization still exists.

    When an organization goes, the history goes with it (its foreign key cascades in the
    database); a delete that comes after the organization's own (SQLite's `flush`, which
    empties table after table) must not write history for an organization that is gone.
    """
    return (
        f"EXISTS (SELECT 1 FROM {Organization._meta.db_table} alive "  # noqa: S608
        f"WHERE alive.id = {alias}.organization_id)"
    )


def _owners(watched: Watched, alias: str) -> str:
    return ", ".join(
        f"{alias}.{watched.column(watched.owners[kind])}" if kind in watched.owners else "NULL"
        for kind in ("contact", "company", "project")
    )


def _row_values(watched: Watched, alias: str, *, cast) -> list[tuple[str, str]]:
    return [(name, cast(f"{alias}.{watched.column(name)}")) for name in watched.fields]


# PostgreSQL ---------------------------------------------------------------------------


def _pg_function(watched: Watched) -> str:
    def cast(expression: str) -> str:
        return f"{expression}::text"

    def select(alias: str, action: str, rows: str, values: str, where: str, join: str = "") -> str:
        # Names of models and fields only, never input.
        return (
            f"INSERT INTO {HISTORY_TABLE} ({_COLUMNS}) "  # noqa: S608
            f"SELECT {alias}.organization_id, now(), uid, src, '{watched.name}', {alias}.id, "
            f"'{action}', {values}, {_owners(watched, alias)} FROM {rows} {join} {where};"
        )

    def one_field_per_row(alias: str, *, old: bool) -> tuple[str, str]:
        pairs = ", ".join(
            f"('{name}', {value})" for name, value in _row_values(watched, alias, cast=cast)
        )
        return f"CROSS JOIN LATERAL (VALUES {pairs}) AS v(f, v)", (
            "v.f, v.v, NULL" if old else "v.f, NULL, v.v"
        )

    if watched.record:
        on_insert = select("r", "create", "new_rows r", "'', NULL, NULL", "")
        on_delete = select("r", "delete", "old_rows r", "'', NULL, NULL", f"WHERE {_alive('r')}")
    else:
        join, values = one_field_per_row("r", old=False)
        on_insert = select("r", "create", "new_rows r", values, "WHERE v.v <> ''", join)
        join, values = one_field_per_row("r", old=True)
        on_delete = select(
            "r", "delete", "old_rows r", values, f"WHERE v.v <> '' AND {_alive('r')}", join
        )
    triples = ", ".join(
        f"('{name}', {cast('o.' + watched.column(name))}, {cast('n.' + watched.column(name))})"
        for name in watched.fields
    )
    on_update = select(
        "n",
        "update",
        "new_rows n JOIN old_rows o ON o.id = n.id",
        "v.f, v.o, v.n",
        "WHERE v.o IS DISTINCT FROM v.n",
        f"CROSS JOIN LATERAL (VALUES {triples}) AS v(f, o, n)",
    )
    return f"""
CREATE OR REPLACE FUNCTION rolo_history_{watched.table}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    uid bigint := NULLIF(current_setting('rolo.user_id', true), '')::bigint;
    src text := COALESCE(NULLIF(current_setting('rolo.source', true), ''), 'system');
BEGIN
    IF TG_OP = 'INSERT' THEN
        {on_insert}
    ELSIF TG_OP = 'UPDATE' THEN
        {on_update}
    ELSE
        {on_delete}
    END IF;
    RETURN NULL;
END;
$$;"""


def _pg_install(watched: Watched) -> list[str]:
    statements = [*_pg_uninstall(watched), _pg_function(watched)]
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    for operation in _OPERATIONS:
        statements.append(
            f"CREATE TRIGGER rolo_history_{operation} AFTER {operation.upper()} "
            f"ON {watched.table} REFERENCING {referencing[operation]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION rolo_history_{watched.table}()"
        )
    return statements


def _pg_uninstall(watched: Watched) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS rolo_history_{operation} ON {watched.table}"
        for operation in _OPERATIONS
    ]


# SQLite -------------------------------------------------------------------------------


def _sqlite_install(watched: Watched) -> list[str]:
    def cast(expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def insert(alias: str, action: str, values: str, source: str = "", where: str = "") -> str:
        return (
            f"INSERT INTO {HISTORY_TABLE} ({_COLUMNS}) "
            f"SELECT {alias}.organization_id, strftime('%Y-%m-%d %H:%M:%f', 'now'), "
            f"rolo_history_user(), rolo_history_source(), '{watched.name}', {alias}.id, "
            f"'{action}', {values}, {_owners(watched, alias)} {source} {where};"
        )

    def fields_of(alias: str) -> str:
        return " UNION ALL ".join(
            f"SELECT '{name}' AS f, {value} AS v"
            for name, value in _row_values(watched, alias, cast=cast)
        )

    if watched.record:
        on_insert = insert("NEW", "create", "'', NULL, NULL")
        on_delete = insert("OLD", "delete", "'', NULL, NULL", where=f"WHERE {_alive('OLD')}")
    else:
        on_insert = insert(
            "NEW", "create", "v.f, NULL, v.v", f"FROM ({fields_of('NEW')}) AS v", "WHERE v.v <> ''"
        )
        on_delete = insert(
            "OLD",
            "delete",
            "v.f, v.v, NULL",
            f"FROM ({fields_of('OLD')}) AS v",
            f"WHERE v.v <> '' AND {_alive('OLD')}",
        )
    triples = " UNION ALL ".join(
        f"SELECT '{name}' AS f, {cast('OLD.' + watched.column(name))} AS o, "
        f"{cast('NEW.' + watched.column(name))} AS n"
        for name in watched.fields
    )
    on_update = insert(
        "NEW", "update", "v.f, v.o, v.n", f"FROM ({triples}) AS v", "WHERE v.o IS NOT v.n"
    )
    bodies = {"insert": on_insert, "update": on_update, "delete": on_delete}
    return [
        *_sqlite_uninstall(watched),
        *(
            f"CREATE TRIGGER rolo_history_{watched.table}_{operation} AFTER "
            f"{operation.upper()} ON {watched.table} FOR EACH ROW BEGIN {bodies[operation]} END"
            for operation in _OPERATIONS
        ),
    ]


def _sqlite_uninstall(watched: Watched) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS rolo_history_{watched.table}_{operation}"
        for operation in _OPERATIONS
    ]


# Installing ---------------------------------------------------------------------------


def _statements(connection: BaseDatabaseWrapper, *, installing: bool) -> list[str]:
    if connection.vendor == "postgresql":
        make = _pg_install if installing else _pg_uninstall
    elif connection.vendor == "sqlite":
        make = _sqlite_install if installing else _sqlite_uninstall
    else:
        raise NotImplementedError(f"history triggers for {connection.vendor}")
    return [statement for watched in WATCHED for statement in make(watched)]


def ready(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Whether the history table and every watched table exist (a partial migrate: no)."""
    tables = set(connection.introspection.table_names())
    return HISTORY_TABLE in tables and all(watched.table in tables for watched in WATCHED)


def install(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """(Re)create every history trigger; nothing unless every table exists. Say if done."""
    if not ready(connection):
        return False
    with connection.cursor() as cursor:
        for statement in _statements(connection, installing=True):
            cursor.execute(statement)
    return True


def uninstall(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Drop every history trigger (the watched tables keep their rows)."""
    if not ready(connection):
        return
    with connection.cursor() as cursor:
        for statement in _statements(connection, installing=False):
            cursor.execute(statement)


def installed(connection: BaseDatabaseWrapper = default_connection) -> int:
    """How many history triggers the database holds (3 per watched table when installed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'rolo\\_history\\_%%'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'rolo\\_history\\_%%' ESCAPE '\\'"
            )
        return cursor.fetchone()[0]


@contextmanager
def paused(connection: BaseDatabaseWrapper = default_connection) -> Iterator[None]:
    """Write without history in the block (bulk loads such as the benchmark generator).

    The triggers are dropped and created again afterwards. Inside a PostgreSQL
    transaction both are part of it: other connections never see them missing.
    """
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)


def install_after_migrate(sender, *, using: str, **kwargs) -> None:
    """post_migrate: install the triggers once every watched table exists."""
    from django.db import connections

    install(connections[using])
