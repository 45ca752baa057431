"""Hand the history context (`history.context`) to the triggers, per database connection.

PostgreSQL: before every statement that may write, the connection runs
`set_config('rolo.user_id', …)` and `set_config('rolo.source', …)`, which the trigger
functions read with `current_setting(…, true)`. It is set before each write rather than
once per request so that a rolled-back transaction (which reverts a `set_config`) or a
reused connection can never lend one request's user to another's write. The call goes to
the driver's cursor directly: one short round trip, not counted as a query of the page.

SQLite: the connection gets two SQL functions, `rolo_history_user()` and
`rolo_history_source()`, which read the context from Python as the trigger runs: no
statement at all.
"""

import re

from django.db.backends.base.base import BaseDatabaseWrapper

from history.context import current

_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")
_WRITE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _may_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if head.startswith(_WRITES):
        return True
    # A search is a read-only WITH; a data-modifying one names its write.
    return head.startswith("WITH") and _WRITE_IN_CTE.search(sql) is not None


def _set_context(execute, sql, params, many, context):
    if _may_write(sql):
        user_id, source = current()
        wrapper = context["connection"]
        with wrapper.wrap_database_errors:
            context["cursor"].cursor.execute(
                "SELECT set_config('rolo.user_id', %s, false), "
                "set_config('rolo.source', %s, false)",
                ["" if user_id is None else str(user_id), source],
            )
    return execute(sql, params, many, context)


def _sqlite_user() -> int | None:
    return current()[0]


def _sqlite_source() -> str:
    return current()[1]


def prepare_connection(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """Give a new database connection what the history triggers read (connection_created)."""
    if connection.vendor == "postgresql":
        if _set_context not in connection.execute_wrappers:
            connection.execute_wrappers.insert(0, _set_context)
    elif connection.vendor == "sqlite":
        connection.connection.create_function("rolo_history_user", 0, _sqlite_user)
        connection.connection.create_function("rolo_history_source", 0, _sqlite_source)
