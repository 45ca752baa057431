from django.contrib import admin

from trash.models import TrashBatch
from trash.services import purge


@admin.register(TrashBatch)
class TrashBatchAdmin(admin.ModelAdmin):
    """Read-only: a batch is restored from the trash page; deleting one here purges it."""

    list_display = ("label", "kind", "organization", "deleted_by", "deleted_at", "file_bytes")
    list_filter = ("kind",)
    readonly_fields = [field.name for field in TrashBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        """Deleting a batch here is Delete permanently: its files are freed too."""
        purge(obj)

    def delete_queryset(self, request, queryset) -> None:
        for batch in queryset:
            purge(batch)
