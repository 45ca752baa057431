"""Keep the quota and the storage in step with deleted attachment rows, however deleted."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from attachments.models import Attachment
from attachments.services import attachment_deleted


@receiver(post_delete, sender=Attachment, dispatch_uid="attachments_free_deleted_file")
def free_deleted_file(sender, instance: Attachment, **kwargs) -> None:
    """A file row is gone (on its own or with its contact, company or organization)."""
    attachment_deleted(instance)
