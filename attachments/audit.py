"""Compare attachment rows, stored objects and usage counters; repair what differs.

Objects live under `<organization id>/` in the default storage. An object younger than
the grace period is left alone: it may belong to an upload whose row is being written.
"""

import posixpath
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from attachments import selectors, services
from attachments.files import attachment_storage
from attachments.models import Attachment, AttachmentKind
from organizations.deletion import storage_held_keys
from organizations.models import Organization
from organizations.scoping import scope


@dataclass
class OrganizationAudit:
    """What differs in one organization (or under the prefix of a deleted one)."""

    label: str
    organization: Organization | None
    missing_objects: list[Attachment] = field(default_factory=list)
    orphan_objects: list[str] = field(default_factory=list)
    counter: int | None = None
    real_bytes: int | None = None

    @property
    def counter_differs(self) -> bool:
        return self.organization is not None and self.counter != self.real_bytes

    @property
    def has_problems(self) -> bool:
        return bool(self.missing_objects or self.orphan_objects or self.counter_differs)


def stored_keys(prefix: str) -> list[str]:
    """Every object key under `prefix` in the storage (recursively)."""
    storage = attachment_storage()
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    keys = [posixpath.join(prefix, name) for name in files]
    for directory in directories:
        keys += stored_keys(posixpath.join(prefix, directory))
    return keys


def _settled(keys: list[str], grace: timedelta) -> list[str]:
    """The keys whose objects are older than the grace period."""
    if not grace:
        return keys
    storage = attachment_storage()
    cutoff = timezone.now() - grace
    return [key for key in keys if storage.get_modified_time(key) < cutoff]


def audit_organization(organization: Organization, *, grace: timedelta) -> OrganizationAudit:
    """Rows without objects, objects without rows, and the counter against the real sum."""
    with scope(organization=organization):
        rows = {
            attachment.storage_key: attachment
            for attachment in Attachment.objects.filter(
                organization=organization, kind=AttachmentKind.FILE
            )
        }
        keys = set(stored_keys(str(organization.pk)))
        # Files in the trash have no row until restored, and are not orphans until purged.
        held = storage_held_keys(organization)
        return OrganizationAudit(
            label=organization.slug,
            organization=organization,
            missing_objects=[row for key, row in sorted(rows.items()) if key not in keys],
            orphan_objects=_settled(sorted(keys - rows.keys() - held), grace),
            counter=selectors.storage_used(organization),
            real_bytes=selectors.file_bytes(organization),
        )


def audit_leftover_prefixes(known_ids: set[int], *, grace: timedelta) -> list[OrganizationAudit]:
    """Objects under the numeric prefix of an organization that no longer exists."""
    try:
        directories, _files = attachment_storage().listdir("")
    except FileNotFoundError:
        return []
    audits = []
    for directory in sorted(directories):
        if directory.isdigit() and int(directory) not in known_ids:
            orphans = _settled(stored_keys(directory), grace)
            if orphans:
                audits.append(
                    OrganizationAudit(
                        label=f"#{directory} (deleted)", organization=None, orphan_objects=orphans
                    )
                )
    return audits


def audit_all(*, grace: timedelta, organizations=None) -> list[OrganizationAudit]:
    """Audit `organizations` (all, plus leftovers of deleted ones, when None)."""
    selected = list(organizations if organizations is not None else Organization.objects.all())
    audits = [audit_organization(organization, grace=grace) for organization in selected]
    if organizations is None:
        audits += audit_leftover_prefixes({o.pk for o in selected}, grace=grace)
    return audits


def repair(audit: OrganizationAudit) -> None:
    """Delete orphan objects and rows without objects, then recount the usage."""
    for key in audit.orphan_objects:
        services.object_discard(key)
    if audit.organization is None:
        return
    with scope(organization=audit.organization):
        with transaction.atomic():
            for attachment in audit.missing_objects:
                attachment.delete()
        audit.real_bytes = services.usage_recompute(organization=audit.organization)
