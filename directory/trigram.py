"""Trigram (pg_trgm) indexes that make `icontains` search use an index on PostgreSQL.

Django's `icontains` compiles to `UPPER(col::text) LIKE UPPER(%s)` and `contains` to
`col::text LIKE %s`, so the indexes are built on the same expressions. Other databases
skip them: SQLite is for trying Rolo out, not for a million contacts.
"""

from django.db import migrations

Index = tuple[str, str, str]  # (table, index name, indexed expression)


def trigram_indexes(indexes: list[Index]) -> migrations.RunPython:
    """A migration operation creating (and on reverse dropping) the given GIN indexes."""

    def create(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, name, expression in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, name, _expression in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
