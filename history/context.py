"""Who is changing the data, and from where: read by the history triggers of every write.

`context(user=..., source=...)` sets it for a block; the request middleware sets it for
every request (`page`, or `admin` under the admin), the copy engine for a copy. The
triggers cannot see Python, so the database connection hands it over
(`history.connection`): a per-statement `set_config` on PostgreSQL, SQL functions on SQLite.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    PAGE = "page", pgettext_lazy("history source", "a page")
    IMPORT = "import", pgettext_lazy("history source", "an import")
    COPY = "copy", pgettext_lazy("history source", "a copy")
    MERGE = "merge", pgettext_lazy("history source", "a merge")
    ADMIN = "admin", pgettext_lazy("history source", "the admin")
    # Anything outside a context: a management command, a migration, raw SQL.
    SYSTEM = "system", pgettext_lazy("history source", "the system")


_current: ContextVar[tuple[object, str] | None] = ContextVar("rolo_history_context", default=None)


@contextmanager
def context(*, user=None, source: str = Source.PAGE) -> Iterator[None]:
    """Record the writes of the block as made by `user` from `source`.

    `user` may be lazy (a request's `request.user`): it is read only when a watched
    table is written, so a request that writes nothing costs nothing.
    """
    if source not in Source.values:
        raise ValueError(f"unknown history source {source!r}")
    token = _current.set((user, str(source)))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> tuple[int | None, str]:
    """The user id (None for nobody) and source the writes of this moment are made with."""
    value = _current.get()
    if value is None:
        return None, Source.SYSTEM.value
    user, source = value
    if user is None or not getattr(user, "is_authenticated", False):
        return None, source
    return user.pk, source
