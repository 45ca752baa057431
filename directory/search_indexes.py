"""PostgreSQL objects behind search: extensions, `rolo_unaccent`, expression indexes.

Migrations use these operations; on other databases they do nothing (SQLite gets the
functions at connection time, see `directory.search.register_sqlite_functions`).
The indexes are built on expressions of the plain columns, so rows written any way —
a form, `bulk_create`, `INSERT … SELECT` — are searchable at once, with no search
column to keep up to date.
"""

from django.db import migrations

# unaccent() is only STABLE (its dictionary could change), which an index refuses.
# Naming the dictionary and the schema makes the wrapper safe to declare IMMUTABLE.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION rolo_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""

Index = tuple[str, str, str]  # (table, index name, text: a column or columns joined by ||)


def fold(text: str) -> str:
    """The SQL of a folded text, as `directory.search.Fold` and `Document` write it."""
    return f"rolo_unaccent(lower({text}))"


def search_indexes(
    *, trigram: list[Index], prefix: list[Index], replaces: list[Index]
) -> migrations.RunPython:
    """Create the search function and indexes, dropping the indexes they replace.

    `trigram`: GIN (gin_trgm_ops) on the folded text, for substrings and typos.
    `prefix`: btree on (organization_id, folded column text_pattern_ops), for the
    `LIKE 'ab%'` of one- and two-letter terms. `replaces`: older GIN indexes
    (on raw expressions) recreated if the migration is reversed.
    """

    def create(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
        schema_editor.execute(CREATE_FUNCTION)
        for _table, name, _expression in replaces:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for table, name, column in trigram:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (({fold(column)}) gin_trgm_ops)"
            )
        for table, name, column in prefix:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"(organization_id, ({fold(column)}) text_pattern_ops)"
            )

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, name, _column in [*trigram, *prefix]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for table, name, expression in replaces:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )
        # rolo_unaccent stays: the other app's indexes may still use it.

    return migrations.RunPython(create, drop, elidable=False)


def ordered_prefix_indexes(indexes: list[Index]) -> migrations.RunPython:
    """Rebuild name prefix indexes as (organization_id, folded column COLLATE "C", id).

    In the "C" collation a btree serves `LIKE 'ab%'` as `text_pattern_ops` does, and
    also `ORDER BY folded COLLATE "C", id`, the order a search takes a prefix's
    candidates in (`directory.search.name_prefix_order`): PostgreSQL reads the first
    `SEARCH_CANDIDATES` rows and stops instead of sorting every row sharing a name.
    Reversed, the `text_pattern_ops` indexes of `search_indexes` come back.
    """

    def rebuild(schema_editor, key: str) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, name, column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE INDEX {name} ON {table} (organization_id, ({fold(column)}) {key})"
            )
        # The planner's statistics on an indexed expression belong to the index: a new
        # index has none until the table is analysed, and the planner then guesses.
        for table in sorted({table for table, _name, _column in indexes}):
            schema_editor.execute(f"ANALYZE {table}")

    return migrations.RunPython(
        lambda apps, schema_editor: rebuild(schema_editor, 'COLLATE "C", id'),
        lambda apps, schema_editor: rebuild(schema_editor, "text_pattern_ops"),
        elidable=False,
    )
