"""A merge of duplicate contacts or companies, kept whole so that it can be undone.

The survivor keeps its primary key and page; each other record ("loser") goes to the trash
as one batch of its own (`trash.services.move_to_trash`). A `Merge` keeps everything an
undo needs: the survivor's row, contact points and mentions as they were (serialized like
the trash's snapshots), every row re-pointed from a loser to the survivor
(`[model, pk, field, old value]`), the other values the merge changed (an affiliation that
stopped being primary), the trash batches of the losers and the timeline events it wrote.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel

# How long a merge can be undone.
UNDO_DAYS = 30
# How many records one merge takes at most.
MAX_RECORDS = 5


class MergeKind(models.TextChoices):
    CONTACT = "contact", _("Contacts")
    COMPANY = "company", _("Companies")


class Merge(TenantModel):
    kind = models.CharField(_("kind"), max_length=10, choices=MergeKind)
    # Plain ids, not foreign keys: a merge outlives a later delete of its survivor
    # (the undo then says it cannot), and the losers live in the trash.
    survivor_id = models.BigIntegerField()
    label = models.CharField(_("name"), max_length=255)
    merged_labels = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    # [[loser pk, trash batch id]]
    losers = models.JSONField(default=list)
    # [[model label, pk, attname, old value]]: links moved from a loser to the survivor.
    moved = models.JSONField(default=list)
    # [[model label, pk, attname, old value]]: other values the merge changed.
    changed = models.JSONField(default=list)
    # The survivor's row, and its contact points and mentions, before the merge.
    survivor_row = models.JSONField(default=dict)
    survivor_rows = models.JSONField(default=list)
    event_ids = models.JSONField(default=list)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-merged_at", "-id"], name="merge_recent"),
            models.Index(fields=["organization", "kind", "survivor_id"], name="merge_survivor"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def undo_until(self):
        return self.merged_at + timedelta(days=UNDO_DAYS)

    @property
    def can_be_undone(self) -> bool:
        return self.undone_at is None and timezone.now() < self.undo_until
