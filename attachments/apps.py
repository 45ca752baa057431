from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        # Deleting a contact or company deletes its attachments by cascade; the receiver
        # frees their bytes and objects without contacts/ or companies/ knowing about files.
        from attachments import signals  # noqa: F401

    def organization_figures(self) -> dict:
        """The storage counter, read with the request's memberships (organizations.backends)."""
        from django.db.models import OuterRef, Subquery

        from attachments.models import StorageUsage

        used = StorageUsage._base_manager.filter(organization=OuterRef("organization_id"))
        return {"shown_used_bytes": Subquery(used.values("used_bytes")[:1])}

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope."""
        from attachments.demo import seed

        seed(organization=organization, users=users)
