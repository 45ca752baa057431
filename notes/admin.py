"""Notes in the admin, read-only: operators look, services write (events, mentions, files)."""

from django.contrib import admin

from notes.models import Note, NoteRevision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = NoteRevision
    fields = ["edited_at", "edited_by", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "organization",
        "author",
        "contact",
        "company",
        "project",
        "is_private",
        "pinned_at",
        "created_at",
    ]
    list_filter = ["organization", "is_private"]
    search_fields = ["body"]
    list_select_related = ["organization", "author", "contact", "company", "project"]
    readonly_fields = [
        "organization",
        "contact",
        "company",
        "project",
        "author",
        "body",
        "is_private",
        "created_at",
        "edited_at",
        "pinned_at",
    ]
    fields = readonly_fields
    inlines = [RevisionInline]
