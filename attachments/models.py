"""Files and cloud links attached to contacts and companies, and each organization's usage."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel

# Cloud links open in the user's browser: https only, never http:, javascript: or data:.
https_only = URLValidator(
    schemes=["https"],
    message=_("Enter a link that starts with https:// (e.g. a Google Drive link)."),
)


class AttachmentKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Cloud link")


class Attachment(TenantModel):
    """A stored file or a cloud link on exactly one contact or company.

    Read attachments only through a record that came from `visible_to`
    (attachments.selectors). A file's object lives in the default storage under
    `storage_key` (`<organization id>/<uuid>`, never derived from the file's name) and its
    size counts in the organization's `StorageUsage`; a link stores nothing and counts
    nothing. `name` is the file's name, or the link's title.
    """

    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=4, choices=AttachmentKind)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    storage_key = models.CharField(_("storage key"), max_length=100, blank=True, editable=False)
    url = models.URLField(_("link"), max_length=2000, blank=True, validators=[https_only])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, company__isnull=True)
                | Q(contact__isnull=True, company__isnull=False),
                name="attachment_on_exactly_one_record",
            ),
            models.CheckConstraint(
                condition=(Q(kind=AttachmentKind.FILE, url="") & ~Q(storage_key=""))
                | Q(kind=AttachmentKind.LINK, storage_key="", size=0, url__startswith="https://"),
                name="attachment_fields_match_kind",
            ),
            models.UniqueConstraint(
                fields=["organization", "storage_key"],
                condition=Q(kind=AttachmentKind.FILE),
                name="attachment_unique_storage_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "contact", "-created_at"], name="attachment_contact"
            ),
            models.Index(
                fields=["organization", "company", "-created_at"], name="attachment_company"
            ),
            models.Index(fields=["organization", "-size"], name="attachment_by_size"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_file(self) -> bool:
        return self.kind == AttachmentKind.FILE

    @property
    def is_link(self) -> bool:
        return self.kind == AttachmentKind.LINK

    @property
    def link_host(self) -> str:
        """The host a cloud link points at (drive.google.com, www.dropbox.com, ...)."""
        if not self.is_link:
            return ""
        return urlsplit(self.url).hostname or ""


class StorageUsage(TenantModel):
    """The bytes an organization's files take: one row per organization.

    Changed only by single conditional UPDATEs in attachments.services, so concurrent
    uploads can never together push it past the quota; `attachments_check` compares it
    with the real sum of file sizes.
    """

    used_bytes = models.BigIntegerField(_("used bytes"), default=0)

    class Meta:
        verbose_name = _("storage usage")
        verbose_name_plural = _("storage usage")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], name="storageusage_one_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.used_bytes} bytes"
