from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrashConfig(AppConfig):
    """The organization's trash (issue 14): deletes that can be undone.

    The hooks below are called by `organizations.deletion`, which the delete views of the
    lower floors use; nothing below imports this app.
    """

    name = "trash"
    verbose_name = _("Trash")

    def move_to_trash(self, record, *, user, delete, extra=()):
        from trash.services import move_to_trash

        return move_to_trash(record, user=user, delete=delete, extra=extra)

    def delete_consequences(self, record, *, user) -> list[str]:
        from trash.consequences import consequences

        return consequences(record, user=user)

    def storage_held(self, organization) -> list[tuple[str, int]]:
        from trash.selectors import trash_bytes

        held = trash_bytes(organization)
        return [(str(_("In the trash")), held)] if held else []

    def storage_held_keys(self, organization) -> set[str]:
        from trash.selectors import trash_keys

        return trash_keys(organization)

    def worker_started(self) -> None:
        """Called by `manage.py run_worker` as it starts: the daily purge."""
        from trash.tasks import schedule_next_purge

        schedule_next_purge()
