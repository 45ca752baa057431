"""Writes on attachments: uploads within the quota, cloud links, deletions, plan changes.

An upload happens in three steps, each undone if a later one fails:

1. reserve its bytes with one conditional UPDATE of the organization's usage counter
   (committed at once, so concurrent uploads only wait for each other for that instant);
2. store each object under a fresh `<organization id>/<uuid>` key;
3. create the rows, in one transaction.

A failure in 2 or 3 deletes the objects already stored and gives the bytes back before
the error goes on. A process killed between the steps can leave an over-counted counter
or an object without a row; `manage.py attachments_check --fix` repairs both. Deleting an
attachment (directly or with its contact, company or organization) frees its bytes in the
deleting transaction and removes its object once that transaction commits
(`attachment_deleted`, connected to post_delete in attachments/signals.py).
"""

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from attachments import selectors
from attachments.files import (
    attachment_storage,
    content_type_for,
    decimal_size,
    new_storage_key,
    safe_name,
)
from attachments.models import Attachment, AttachmentKind, StorageUsage
from attachments.selectors import Record, record_kind
from events.models import Event, EventKind
from events.services import record_events
from organizations.models import PLAN_QUOTAS, Organization, Plan, User

logger = logging.getLogger(__name__)


class QuotaExceeded(Exception):
    """The files do not fit in what is left of the quota; nothing was stored or counted."""

    def __init__(self, *, needed: int, remaining: int, quota: int) -> None:
        self.needed, self.remaining, self.quota = needed, remaining, quota
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Not enough storage space: this needs %(needed)s but only %(remaining)s of "
            "the organization's %(quota)s are left. Nothing was uploaded."
        ) % {
            "needed": decimal_size(self.needed),
            "remaining": decimal_size(self.remaining),
            "quota": decimal_size(self.quota),
        }


class StorageUnavailable(Exception):
    """The storage failed to keep a file; whatever was stored was removed again."""


# --- The usage counter -----------------------------------------------------------------


def usage_reserve(*, organization: Organization, size: int) -> None:
    """Add `size` bytes to the organization's usage if they fit in its quota.

    Raise QuotaExceeded (and change nothing) when they do not. The decision is one
    conditional UPDATE, never a read followed by a write.
    """
    # What this request's pages show of the counter is stale from here on.
    organization.__dict__.pop("shown_used_bytes", None)
    with transaction.atomic():
        quota = PLAN_QUOTAS[_lock_plan(organization)]
        StorageUsage.objects.get_or_create(
            organization=organization,
            defaults={"used_bytes": selectors.file_bytes(organization)},
        )
        reserved = StorageUsage.objects.filter(
            organization=organization, used_bytes__lte=quota - size
        ).update(used_bytes=F("used_bytes") + size)
        if not reserved:
            used = selectors.storage_used(organization)
            raise QuotaExceeded(needed=size, remaining=max(quota - used, 0), quota=quota)


def _lock_plan(organization: Organization) -> str:
    """Lock the organization's row until the transaction ends and return its current plan.

    FOR NO KEY UPDATE: rows that reference the organization are not held up by it, while a
    plan change (or another reservation) waits, so a quota is never read just before it
    changes. The lock lasts one short transaction; the counter itself needs none.
    """
    return (
        Organization.objects.select_for_update(no_key=True)
        .filter(pk=organization.pk)
        .values_list("plan", flat=True)
        .get()
    )


def usage_release(*, organization_id: int, size: int) -> None:
    """Give `size` bytes back to the organization's quota."""
    if not size:
        return
    # Releases run wherever a file row goes away (a request, the admin, the cascade of a
    # deleted organization), so the organization is named explicitly, whatever the scope.
    StorageUsage._base_manager.filter(organization_id=organization_id).update(
        used_bytes=F("used_bytes") - size
    )


def usage_recompute(*, organization: Organization) -> int:
    """Set the usage counter to the real sum of the organization's file sizes; return it.

    An upload between its reservation and its row at this very moment would be left out
    of the count: run repairs when uploads are quiet (docs/operations.md).
    """
    with transaction.atomic():
        _lock_plan(organization)
        used = selectors.file_bytes(organization)
        StorageUsage.objects.update_or_create(
            organization=organization, defaults={"used_bytes": used}
        )
    return used


# --- Files and links -----------------------------------------------------------------------


def attachments_upload(
    *,
    organization: Organization,
    record: Record,
    uploaded_by: User | None,
    files: Sequence[File],
) -> list[Attachment]:
    """Store `files` on `record` (a contact or company the uploader may see): all or none.

    Raise QuotaExceeded when their total does not fit in the quota left (the batch is
    refused whole), ValidationError for an empty or oversized file, StorageUnavailable
    when the storage fails. Whatever the failure, no object, row or byte is left behind.
    """
    _check_record(organization, record)
    if not files:
        raise ValidationError(_("Choose at least one file."))
    for file in files:
        check_file_size(file)
    total = sum(file.size for file in files)
    usage_reserve(organization=organization, size=total)
    stored: list[str] = []
    try:
        for file in files:
            stored.append(_store(organization, file))
        with transaction.atomic():
            attachments = Attachment.objects.bulk_create(
                [
                    Attachment(
                        organization=organization,
                        kind=AttachmentKind.FILE,
                        name=safe_name(file.name),
                        size=file.size,
                        content_type=content_type_for(safe_name(file.name)),
                        storage_key=key,
                        uploaded_by=uploaded_by,
                        **{record_kind(record): record},
                    )
                    for file, key in zip(files, stored, strict=True)
                ]
            )
            _record_file_events(attachments, EventKind.FILE_ADDED, actor=uploaded_by)
    except BaseException:
        # Undo in reverse order: no object without its row, no bytes without their file.
        for key in stored:
            object_discard(key)
        usage_release(organization_id=organization.pk, size=total)
        raise
    return attachments


def check_file_size(file: File) -> None:
    """Refuse an empty file or one larger than ATTACHMENT_MAX_FILE_SIZE."""
    name = safe_name(file.name)
    if not file.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if file.size > settings.ATTACHMENT_MAX_FILE_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files can be at most %(max)s.")
            % {
                "name": name,
                "size": decimal_size(file.size),
                "max": decimal_size(settings.ATTACHMENT_MAX_FILE_SIZE),
            },
            code="too_large",
        )


def _store(organization: Organization, file: File) -> str:
    """Save one object under a fresh key and return the key; remove any part of it on error."""
    key = new_storage_key(organization.pk)
    content = File(file, name=key)
    # S3 keeps this as the object's type; downloads override it anyway.
    content.content_type = content_type_for(safe_name(file.name))
    try:
        return attachment_storage().save(key, content)
    except Exception as error:
        # A failed write can leave part of the object behind. The key is a fresh uuid, so
        # it names nothing else that could be deleted by mistake.
        object_discard(key)
        raise StorageUnavailable(str(error)) from error


def object_discard(key: str) -> None:
    """Delete a stored object; a failure is logged (attachments_check will report the object)."""
    try:
        attachment_storage().delete(key)
    except Exception:
        logger.exception("Could not delete the stored object %s.", key)


def attachment_link_create(
    *,
    organization: Organization,
    record: Record,
    added_by: User | None,
    url: str,
    title: str,
) -> Attachment:
    """Attach a cloud link (an https URL with a title) to `record`; it uses no quota."""
    _check_record(organization, record)
    url = url.strip()
    if url[:8].lower() == "https://":
        url = "https://" + url[8:]  # the scheme in lower case, as the database requires
    attachment = Attachment(
        organization=organization,
        kind=AttachmentKind.LINK,
        name=title.strip(),
        url=url,
        uploaded_by=added_by,
        **{record_kind(record): record},
    )
    # Constraints are checked by the database; full_clean checks the fields (https only).
    attachment.full_clean(
        exclude=["organization", "contact", "company"], validate_constraints=False
    )
    with transaction.atomic():
        attachment.save()
        _record_file_events([attachment], EventKind.FILE_ADDED, actor=added_by)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user: User | None = None) -> None:
    """Delete an attachment: its bytes are freed now, its object once the deletion commits."""
    _record_file_events([attachment], EventKind.FILE_REMOVED, actor=user)
    attachment.delete()


def _record_file_events(attachments: list[Attachment], kind: EventKind, *, actor) -> None:
    """One timeline event per file or link, on the record it belongs to."""
    record_events(
        Event(
            organization_id=attachment.organization_id,
            kind=kind,
            actor=actor if actor is not None and actor.is_authenticated else None,
            contact_id=attachment.contact_id,
            company_id=attachment.company_id,
            data={"name": attachment.name, "size": attachment.size or 0},
        )
        for attachment in attachments
    )


_files_kept: ContextVar[bool] = ContextVar("attachments_files_kept", default=False)


@contextmanager
def files_kept() -> Iterator[None]:
    """Delete attachment rows in the block without freeing their bytes or objects.

    For a deletion that can be undone (the trash keeps the rows' snapshot): the files
    stay stored and counted until `files_free` is called for them.
    """
    token = _files_kept.set(True)
    try:
        yield
    finally:
        _files_kept.reset(token)


def files_free(*, organization_id: int, files: Sequence[tuple[str, int]]) -> None:
    """Free the bytes of files whose rows are gone and drop their objects after commit.

    `files` are `(storage_key, size)` pairs, e.g. from the trash's snapshot.
    """
    total = sum(size for _key, size in files)
    if total:
        usage_release(organization_id=organization_id, size=total)
    for key, _size in files:
        if key:
            transaction.on_commit(partial(object_discard, key), robust=True)


def attachment_deleted(attachment: Attachment) -> None:
    """Free a deleted file's bytes in the deleting transaction; drop its object after commit.

    Connected to post_delete, so it also runs for the files of a deleted contact, company
    or organization, however that deletion happens (service, admin, cascade). A rolled
    back deletion keeps both its bytes and its object.
    """
    if not attachment.is_file or _files_kept.get():
        return
    usage_release(organization_id=attachment.organization_id, size=attachment.size)
    transaction.on_commit(partial(object_discard, attachment.storage_key), robust=True)


def _check_record(organization: Organization, record: Record) -> None:
    if record.organization_id != organization.pk:
        raise ValueError("The record belongs to another organization.")


# --- Plans -------------------------------------------------------------------------------------


def organization_plan_change(*, organization: Organization, plan: str) -> None:
    """Switch `organization` to `plan`; refuse a quota smaller than what is already stored."""
    plan = Plan(plan)
    with transaction.atomic():
        # Same lock as usage_reserve: no upload is counted against the old quota meanwhile.
        _lock_plan(organization)
        used = selectors.storage_used(organization)
        if used > PLAN_QUOTAS[plan]:
            raise ValidationError(
                {
                    "plan": _(
                        "The organization already stores %(used)s, more than the %(quota)s "
                        "of this plan. Delete files first."
                    )
                    % {"used": decimal_size(used), "quota": decimal_size(PLAN_QUOTAS[plan])}
                }
            )
        Organization.objects.filter(pk=organization.pk).update(plan=plan)
    organization.plan = plan
