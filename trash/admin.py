from django.contrib import admin

from trash.models import TrashBatch


@admin.register(TrashBatch)
class TrashBatchAdmin(admin.ModelAdmin):
    """Read-only: a batch is restored or purged from the trash page, never edited."""

    list_display = ("label", "kind", "organization", "deleted_by", "deleted_at", "file_bytes")
    list_filter = ("kind",)
    readonly_fields = [field.name for field in TrashBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
