from django.contrib import admin

from activity.models import Activity, ActivityKind, ActivityLink, Assignment, CalendarFeed


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["user", "done", "due_at", "reminder_sent_at"]
    readonly_fields = ["done", "due_at", "reminder_sent_at"]
    raw_id_fields = ["user"]


class ActivityLinkInline(admin.TabularInline):
    model = ActivityLink
    extra = 0
    raw_id_fields = ["contact", "company", "project"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "organization", "kind", "due_at", "all_day", "done_at"]
    list_filter = ["organization", "all_day"]
    search_fields = ["subject"]
    raw_id_fields = ["created_by", "done_by", "kind"]
    readonly_fields = ["notes_html", "created_at", "updated_at"]
    inlines = [AssignmentInline, ActivityLinkInline]

    def save_formset(self, request, form, formset, change):
        # Inline rows belong to their activity's organization (and repeat its due time).
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            if isinstance(row, Assignment):
                row.due_at = form.instance.due_at
                row.done = form.instance.done_at is not None
            row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "position"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "created_at"]
    list_filter = ["organization"]
    raw_id_fields = ["user"]
    readonly_fields = ["token_hash", "created_at"]
