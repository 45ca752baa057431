"""Reads of the trash."""

from django.db.models import Sum

from trash.models import TrashBatch


def trash_bytes(organization) -> int:
    """Bytes of files in the organization's trash (they still count against the quota)."""
    total = TrashBatch.objects.filter(organization=organization).aggregate(total=Sum("file_bytes"))[
        "total"
    ]
    return total or 0
