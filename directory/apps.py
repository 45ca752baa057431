from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """What contacts and companies share: search, lists, contact points, descriptions."""

    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from directory.search import register_sqlite_functions

        # SQLite runs the search SQL too: give each connection PostgreSQL's functions.
        connection_created.connect(register_sqlite_functions, dispatch_uid="rolo_search")
