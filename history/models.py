"""One row per changed field of a watched table, written by database triggers only."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from history.context import Source
from organizations.scoping import TenantModel


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("history", "added")
    UPDATE = "update", pgettext_lazy("history", "changed")
    DELETE = "delete", pgettext_lazy("history", "removed")


class Change(TenantModel):
    """A field of a watched row, old → new, with who changed it, when and from where.

    Written by the triggers of `history/triggers.py`, never by Django. The record a
    change belongs to is named by plain ids (`contact_id`, `company_id`, `project_id`),
    not foreign keys, so history outlives what it describes; an affiliation names both
    its contact and its company. A created or deleted record is one row with no field;
    an added or removed contact point, affiliation or mention is one row per field.
    """

    # The database deletes the history with its organization, after everything else:
    # the deletes of an organization's records themselves write history rows.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DB_CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("history", "when"))
    # No constraint: a deleted user's changes stay, by "someone".
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=pgettext_lazy("history", "who"),
    )
    source = models.CharField(pgettext_lazy("history", "from"), max_length=10, choices=Source)
    model = models.CharField(max_length=40)
    row_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action)
    field = models.CharField(max_length=40, blank=True)
    old_value = models.TextField(null=True)
    new_value = models.TextField(null=True)
    contact_id = models.BigIntegerField(null=True)
    company_id = models.BigIntegerField(null=True)
    project_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = pgettext_lazy("history", "change")
        verbose_name_plural = pgettext_lazy("history", "history")
        indexes = [
            models.Index(
                fields=["organization", "contact_id", "-id"],
                condition=models.Q(contact_id__isnull=False),
                name="change_by_contact",
            ),
            models.Index(
                fields=["organization", "company_id", "-id"],
                condition=models.Q(company_id__isnull=False),
                name="change_by_company",
            ),
            models.Index(
                fields=["organization", "project_id", "-id"],
                condition=models.Q(project_id__isnull=False),
                name="change_by_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.row_id} {self.field}: {self.old_value!r} → {self.new_value!r}"
