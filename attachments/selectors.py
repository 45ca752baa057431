"""Reads of attachments: always through a contact or company the user may see."""

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404

from attachments.models import Attachment, AttachmentKind, StorageUsage
from companies.models import Company
from companies.selectors import company_for_user
from contacts.models import Contact
from contacts.selectors import contact_for_user
from organizations.deletion import storage_held
from organizations.models import Membership, Organization, User

RECORD_KINDS = ("contact", "company")
type Record = Contact | Company


def record_for_user(user: User, organization: Organization, kind: str, pk: int) -> Record:
    """Return the contact or company if `user` may see it; 404 otherwise (as its own page)."""
    if kind == "contact":
        return contact_for_user(user, organization, pk)
    if kind == "company":
        return company_for_user(user, organization, pk)
    raise ValueError(f"Unknown record kind {kind!r}.")


def record_kind(record: Record) -> str:
    """'contact' or 'company': the record's field name on Attachment and its URL prefix."""
    kind = record._meta.model_name
    if kind not in RECORD_KINDS:
        raise TypeError(f"Attachments belong to contacts and companies, not to {kind}.")
    return kind


def record_attachments(record: Record) -> QuerySet:
    """The files and links of `record`, newest first.

    `record` must come from `visible_to` (record_for_user or the record's page): the
    visibility of an attachment is the visibility of its record.
    """
    return (
        Attachment.objects.filter(
            organization_id=record.organization_id, **{record_kind(record): record}
        )
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")
    )


def attachment_for_record(record: Record, pk: int) -> Attachment:
    """The attachment `pk` of `record`; 404 when it belongs to another record or organization."""
    return get_object_or_404(record_attachments(record), pk=pk)


def may_delete(membership: Membership, record: Record, attachment: Attachment) -> bool:
    """Whether the reader may delete `attachment` of `record` (which they see).

    Its uploader, the record's creator and the organization's owners may; other members
    may not delete a colleague's file (issue 14).
    """
    user_id = membership.user_id
    return (
        membership.is_owner
        or (attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user_id)
        or (record.created_by_id is not None and record.created_by_id == user_id)
    )


def file_bytes(organization: Organization) -> int:
    """The real sum of the sizes of the organization's stored files.

    Files whose rows were deleted but are still held (the trash's, until purged) count.
    """
    total = Attachment.objects.filter(
        organization=organization, kind=AttachmentKind.FILE
    ).aggregate(total=Sum("size"))["total"]
    held = sum(size for _label, size in storage_held(organization))
    return (total or 0) + held


@dataclass(frozen=True)
class Usage:
    """How much of its quota an organization uses, in bytes."""

    used: int
    quota: int

    @property
    def remaining(self) -> int:
        return max(self.quota - self.used, 0)

    @property
    def percent(self) -> float:
        return min(100.0, 100.0 * self.used / self.quota) if self.quota else 100.0

    @property
    def low_mark(self) -> int:
        return self.quota * 3 // 4

    @property
    def high_mark(self) -> int:
        return self.quota * 9 // 10

    @property
    def nearly_full(self) -> bool:
        return self.used >= self.high_mark


def storage_used(organization: Organization) -> int:
    """The organization's usage counter (0 before its first upload)."""
    used = (
        StorageUsage.objects.filter(organization=organization)
        .values_list("used_bytes", flat=True)
        .first()
    )
    return used or 0


def storage_usage(organization: Organization) -> Usage:
    """The organization's usage against the quota of its plan."""
    return Usage(used=storage_used(organization), quota=organization.quota_bytes)


def shown_usage(organization: Organization) -> Usage:
    """The usage a page shows: the counter read with the request's memberships when the
    request has it (`AttachmentsConfig.organization_figures`), else read now. Decisions
    (quotas, plans, copies) use `storage_usage`, never this."""
    if "shown_used_bytes" in organization.__dict__:
        used = organization.__dict__["shown_used_bytes"] or 0
        return Usage(used=used, quota=organization.quota_bytes)
    return storage_usage(organization)
