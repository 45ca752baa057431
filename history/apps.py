from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = pgettext_lazy("history", "History")

    def ready(self) -> None:
        from history.connection import prepare_connection
        from history.triggers import install_after_migrate

        connection_created.connect(prepare_connection, dispatch_uid="rolo_history_connection")
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="rolo_history")
