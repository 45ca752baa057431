"""Copy jobs: what an owner asked to copy into another organization, and how it went."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel


class CopyStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CopyJob(TenantModel):
    """A copy of contacts and companies from this organization into another (PRODUCT §6).

    The row belongs to the source organization; only its requester sees it. It records
    what was asked (chosen ids, or the list filter whose matches are copied, and the
    options), how far the copy got, and its report or error. Small copies run in the
    request, larger ones in the worker (`transfers.tasks.copy_job_run`).
    """

    target = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("copy into"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        max_length=10, choices=[("contacts", _("Contacts")), ("companies", _("Companies"))]
    )
    # Chosen ids (a list), or null with `filters` naming "all that match this filter".
    ids = models.JSONField(null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    with_attachments = models.BooleanField(default=False)
    skip_existing = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=CopyStatus, default=CopyStatus.QUEUED)
    companies_total = models.PositiveIntegerField(default=0)
    companies_done = models.PositiveIntegerField(default=0)
    contacts_total = models.PositiveIntegerField(default=0)
    contacts_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when copy jobs lived in `connections`.
        db_table = "connections_copyjob"
        verbose_name = _("copy job")
        verbose_name_plural = _("copy jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "requested_by", "-created_at"], name="copyjob_requester"
            )
        ]

    def __str__(self) -> str:
        return f"copy #{self.pk} {self.organization_id} → {self.target_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("copy_job_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (CopyStatus.DONE, CopyStatus.FAILED)

    @property
    def percent(self) -> int:
        total = self.companies_total + self.contacts_total
        if not total:
            return 100 if self.is_finished else 0
        return int(100 * (self.companies_done + self.contacts_done) / total)
