"""Operators' view of files across organizations: sizes per organization, usage against quota.

Operators change an organization's plan on the organization's own admin page
(organizations/admin.py); uploads only happen through the app, which keeps the quota.
"""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from attachments.files import decimal_size
from attachments.models import Attachment, AttachmentKind, StorageUsage
from organizations.models import PLAN_QUOTAS


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "size_display",
        "organization",
        "record",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "url", "organization__name", "organization__slug"]
    list_select_related = ["organization", "contact", "company", "uploaded_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "organization",
        "contact",
        "company",
        "kind",
        "size",
        "content_type",
        "storage_key",
        "url",
        "uploaded_by",
        "created_at",
    ]
    fields = ["name", *readonly_fields]

    def has_add_permission(self, request) -> bool:
        # Files come in through the app, which reserves their bytes in the quota first.
        return False

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, attachment: Attachment) -> str:
        return decimal_size(attachment.size) if attachment.is_file else "—"

    @admin.display(description=_("record"))
    def record(self, attachment: Attachment) -> str:
        return str(attachment.contact or attachment.company)


@admin.register(StorageUsage)
class StorageUsageAdmin(admin.ModelAdmin):
    """Per organization: the usage counter, the real sum of its files and its quota."""

    list_display = ["organization", "plan", "used", "quota", "percent", "files", "stored"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__slug"]
    ordering = ["-used_bytes"]
    readonly_fields = ["organization", "used_bytes"]

    def get_queryset(self, request):
        files = (
            Attachment.objects.filter(
                organization=OuterRef("organization"), kind=AttachmentKind.FILE
            )
            .order_by()
            .values("organization")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                file_count=Subquery(files.annotate(n=Count("pk")).values("n")),
                file_bytes=Subquery(files.annotate(total=Sum("size")).values("total")),
            )
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The counter is kept by the app and repaired by `manage.py attachments_check --fix`.
        return False

    @admin.display(description=_("plan"), ordering="organization__plan")
    def plan(self, usage: StorageUsage) -> str:
        return usage.organization.get_plan_display()

    @admin.display(description=_("used"), ordering="used_bytes")
    def used(self, usage: StorageUsage) -> str:
        return decimal_size(usage.used_bytes)

    @admin.display(description=_("quota"))
    def quota(self, usage: StorageUsage) -> str:
        return decimal_size(PLAN_QUOTAS[usage.organization.plan])

    @admin.display(description=_("Percent used"))
    def percent(self, usage: StorageUsage) -> str:
        return f"{100 * usage.used_bytes / PLAN_QUOTAS[usage.organization.plan]:.1f} %"

    @admin.display(description=_("files"), ordering="file_count")
    def files(self, usage: StorageUsage) -> int:
        return usage.file_count or 0

    @admin.display(description=_("stored (sum of files)"), ordering="file_bytes")
    def stored(self, usage: StorageUsage) -> str:
        return decimal_size(usage.file_bytes or 0)
