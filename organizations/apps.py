from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and accounts")

    def ready(self) -> None:
        from organizations import checks  # noqa: F401  (registers the system checks)
        from organizations.search import register_sqlite_functions

        # SQLite runs the search SQL too: give each connection PostgreSQL's functions.
        connection_created.connect(register_sqlite_functions, dispatch_uid="rolo_search")
