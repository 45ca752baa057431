"""Admin pieces shared by contacts and companies: detail-row inlines that keep the tenant."""

from django.contrib import admin

from directory.models import MAX_DETAILS


def detail_inline(model, *, stacked: bool = False, limit: int | None = MAX_DETAILS, **options):
    """An inline for a record's detail rows; their organization is the parent's, not a field."""
    base = admin.StackedInline if stacked else admin.TabularInline
    attrs = {"model": model, "extra": 0, "exclude": ["organization"], **options}
    if limit is not None:
        attrs["max_num"] = limit
    return type(f"{model.__name__}Inline", (base,), attrs)


class DirectoryRecordAdmin(admin.ModelAdmin):
    """Base admin for contacts and companies: operators work across organizations."""

    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False

    def save_formset(self, request, form, formset, change):
        # Detail rows, mentions and affiliations name their organization: the record's.
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
