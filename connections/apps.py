from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "connections"
    verbose_name = _("Connections")

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope, after contacts."""
        from connections.demo import seed

        seed(organization=organization, users=users)
