from django.contrib import admin

from transfers.models import CopyJob, ImportJob


@admin.register(CopyJob)
class CopyJobAdmin(admin.ModelAdmin):
    """Copies between organizations, read-only: who asked, from where to where, how it went."""

    list_display = [
        "id",
        "organization",
        "target",
        "requested_by",
        "kind",
        "status",
        "contacts_done",
        "companies_done",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["organization__name", "target__name", "requested_by__email"]
    list_select_related = ["organization", "target", "requested_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports, read-only: who imported which file into which organization, how it went."""

    list_display = [
        "id",
        "organization",
        "requested_by",
        "kind",
        "file_name",
        "status",
        "rows_total",
        "rows_done",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["organization__name", "requested_by__email", "file_name"]
    list_select_related = ["organization", "requested_by"]
    exclude = ["data"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
