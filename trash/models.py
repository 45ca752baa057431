"""The trash: what one delete took away, kept as one batch until restored or purged."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel
from trash.querysets import TrashBatchManager


class TrashKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    COMPANY = "company", _("Company")
    PROJECT = "project", _("Project")
    TASK = "task", _("Task")
    TICKET = "ticket", _("Ticket")
    ATTACHMENT = "attachment", _("File")
    NOTE = "note", _("Note")
    ACTIVITY = "activity", _("Activity")
    OPPORTUNITY = "opportunity", _("Opportunity")


class TrashBatch(TenantModel):
    """One delete: the record deleted (the root) and every row the delete took along.

    `snapshot` holds the rows as Django's serializer writes them (model, pk, fields), in
    the order they can be inserted again, and `updates` the links the delete cleared
    (`[model, pk, field, old value]`: a project's client, a ticket's project). Who may
    see the batch is decided from what the root was: `is_private` and, for a private
    root, its `readers` (who could see it when it was deleted).
    """

    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20, choices=TrashKind)
    root_model = models.CharField(max_length=100)
    root_pk = models.BigIntegerField()
    label = models.CharField(_("name"), max_length=255)
    is_private = models.BooleanField(default=False)
    file_count = models.PositiveIntegerField(default=0)
    file_bytes = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=list, blank=True)
    # `[storage key, size]` of the files: stored and counted until the batch is purged.
    files = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(default=list)
    updates = models.JSONField(default=list, blank=True)

    objects = TrashBatchManager()

    class Meta:
        verbose_name = _("trash batch")
        verbose_name_plural = _("trash batches")
        ordering = ["-deleted_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-deleted_at", "-id"], name="trash_batch_recent"),
        ]

    def __str__(self) -> str:
        return self.label


class TrashReader(TenantModel):
    """Someone who could see a private root when it was deleted, so may see its batch."""

    batch = models.ForeignKey(TrashBatch, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "batch", "user"], name="trash_reader_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "batch"], name="trash_reader_user")]
