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


# --- Imports (issue 17) ----------------------------------------------------------------------


class ImportKind(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    COMPANIES = "companies", _("Companies")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Choose the columns")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    REVERTING = "reverting", _("Reverting")
    REVERTED = "reverted", _("Reverted")


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid", _("Import the valid rows, report the others")
    ALL_OR_NOTHING = "all", _("All or nothing: import only if every row is valid")


class ImportJob(TenantModel):
    """An import of contacts or companies from a file (transfers/imports.py).

    The row keeps the uploaded file itself (`data`), its column headers, how each column
    maps to a field, the dry run's counts (`checked`), the run's counts (`counts`) and,
    through its `ImportRow`s, what each row did: the records it created, the values an
    update changed (to revert them) and the rows in error (for the error file). Only its
    requester sees it.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ImportKind)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=5)  # csv, xlsx, vcf
    data = models.BinaryField()
    headers = models.JSONField(default=list)
    # One entry per column: the field it fills ("" for none).
    mapping = models.JSONField(default=list)
    mode = models.CharField(max_length=5, choices=ImportMode, default=ImportMode.VALID_ROWS)
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    checked = models.JSONField(null=True, blank=True)
    counts = models.JSONField(null=True, blank=True)
    # Companies a contact import created for its "company" column (reverted with it).
    created_companies = models.JSONField(default=list, blank=True)
    revert_report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "requested_by", "-created_at"], name="importjob_requester"
            )
        ]

    def __str__(self) -> str:
        return f"import #{self.pk} {self.kind} {self.file_name} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("import_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})

    @property
    def is_busy(self) -> bool:
        return self.status in (
            ImportStatus.CHECKING,
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
            ImportStatus.REVERTING,
        )

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))


class ImportRowAction(models.TextChoices):
    CREATE = "create", _("New")
    UPDATE = "update", _("Update")
    SKIP = "skip", _("Unchanged")
    ERROR = "error", _("Error")


class ImportRow(TenantModel):
    """What one row of an import did: the record it created or updated, or its errors.

    An error row keeps the file's cells, for the error file; an update keeps the old
    and new value of every field it changed and the ids of the contact points and
    affiliations it added (`changes`), so that a revert can put them back.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField()
    action = models.CharField(max_length=6, choices=ImportRowAction)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    cells = models.JSONField(null=True, blank=True)
    messages = models.JSONField(default=list, blank=True)
    # A created or updated row with something to say (what did not fit, a visibility
    # left as it was): the report lists them.
    noted = models.BooleanField(default=False)
    changes = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "row_no"]
        indexes = [
            models.Index(fields=["organization", "job", "action", "row_no"], name="importrow_job")
        ]

    def __str__(self) -> str:
        return f"row {self.row_no} of import {self.job_id}: {self.action}"


class ImportMapping(TenantModel):
    """The organization's last column choices for a kind of import: header → field."""

    kind = models.CharField(max_length=10, choices=ImportKind)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="importmapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping of {self.organization_id}"
