from django.contrib import admin

from history.models import Change


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Read-only: history is written by the database triggers alone."""

    list_display = ["created_at", "organization", "model", "row_id", "field", "user", "source"]
    list_filter = ["source", "model", "action"]
    list_select_related = ["organization", "user"]
    search_fields = ["field", "old_value", "new_value"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
