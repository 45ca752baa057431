"""Operators' view of projects, tasks, tickets and connections across organizations."""

from django.contrib import admin

from connections.models import Connection, Project, Task, Ticket


class ConnectionInline(admin.TabularInline):
    model = Connection
    extra = 0
    exclude = ["organization"]
    raw_id_fields = ["contact", "company", "created_by"]
    readonly_fields = ["created_at"]


class ProjectConnectionInline(ConnectionInline):
    fk_name = "project"
    exclude = ["organization", "task", "ticket"]


class TaskConnectionInline(ConnectionInline):
    fk_name = "task"
    exclude = ["organization", "project", "ticket"]


class TicketConnectionInline(ConnectionInline):
    fk_name = "ticket"
    exclude = ["organization", "project", "task"]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "status", "assignee", "due_date"]
    raw_id_fields = ["assignee"]
    show_change_link = True


class TenantChildrenAdmin(admin.ModelAdmin):
    """Inline rows (tasks, connections) name their organization: the parent's."""

    show_full_result_count = False

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(Project)
class ProjectAdmin(TenantChildrenAdmin):
    list_display = [
        "name",
        "organization",
        "status",
        "budget",
        "currency",
        "client_company",
        "client_contact",
        "due_date",
        "updated_at",
    ]
    list_filter = ["status", "currency", "organization"]
    search_fields = ["name", "description", "client_company__name", "client_contact__last_name"]
    list_select_related = ["organization", "client_company", "client_contact"]
    raw_id_fields = ["organization", "client_company", "client_contact", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [TaskInline, ProjectConnectionInline]


@admin.register(Task)
class TaskAdmin(TenantChildrenAdmin):
    list_display = ["title", "project", "organization", "status", "assignee", "due_date"]
    list_filter = ["status", "organization"]
    search_fields = ["title", "description", "project__name", "assignee__email"]
    list_select_related = ["project", "organization", "assignee"]
    raw_id_fields = ["organization", "project", "assignee", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TaskConnectionInline]


@admin.register(Ticket)
class TicketAdmin(TenantChildrenAdmin):
    list_display = [
        "subject",
        "organization",
        "status",
        "priority",
        "assignee",
        "project",
        "created_at",
    ]
    list_filter = ["status", "priority", "organization"]
    search_fields = ["subject", "description", "assignee__email", "project__name"]
    list_select_related = ["organization", "assignee", "project"]
    raw_id_fields = ["organization", "project", "assignee", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TicketConnectionInline]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "project", "task", "ticket", "created_at"]
    list_filter = ["organization"]
    search_fields = ["project__name", "task__title", "ticket__subject", "company__name"]
    list_select_related = [
        "organization",
        "project",
        "task",
        "ticket",
        "contact",
        "company",
    ]
    raw_id_fields = [
        "organization",
        "project",
        "task",
        "ticket",
        "contact",
        "company",
        "created_by",
    ]
    readonly_fields = ["created_at"]
    show_full_result_count = False
