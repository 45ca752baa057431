"""Reads of the trash."""

from django.db.models import Sum

from trash.models import TrashBatch


def trash_keys(organization) -> set[str]:
    """Storage keys of the files in the organization's trash."""
    return {
        key
        for files in TrashBatch.objects.filter(
            organization=organization, file_count__gt=0
        ).values_list("files", flat=True)
        for key, _size in files
    }


def trash_bytes(organization) -> int:
    """Bytes of files in the organization's trash (they still count against the quota)."""
    total = TrashBatch.objects.filter(organization=organization).aggregate(total=Sum("file_bytes"))[
        "total"
    ]
    return total or 0
