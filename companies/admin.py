"""Operators' view of companies and affiliations across organizations."""

from django.contrib import admin

from companies.models import (
    Affiliation,
    Company,
    CompanyAddress,
    CompanyEmail,
    CompanyMention,
    CompanyPhone,
)


class CompanyEmailInline(admin.TabularInline):
    model = CompanyEmail
    extra = 0
    max_num = 3
    exclude = ["organization"]


class CompanyPhoneInline(admin.TabularInline):
    model = CompanyPhone
    extra = 0
    max_num = 3
    exclude = ["organization"]


class CompanyAddressInline(admin.StackedInline):
    model = CompanyAddress
    extra = 0
    max_num = 3
    exclude = ["organization"]


class CompanyMentionInline(admin.TabularInline):
    model = CompanyMention
    extra = 0
    exclude = ["organization"]
    raw_id_fields = ["user"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    exclude = ["organization"]
    raw_id_fields = ["contact"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "type",
        "sector",
        "visibility",
        "created_by",
        "updated_at",
    ]
    list_filter = ["visibility", "organization", "type__name", "sector__name"]
    search_fields = ["name", "vat_number", "emails__email"]
    list_select_related = ["organization", "type", "sector", "created_by"]
    raw_id_fields = ["organization", "type", "sector", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [
        CompanyEmailInline,
        CompanyPhoneInline,
        CompanyAddressInline,
        CompanyMentionInline,
        AffiliationInline,
    ]
    show_full_result_count = False

    def save_formset(self, request, form, formset, change):
        # Detail rows and affiliations name their organization: the company's.
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["contact", "company", "role", "is_primary", "organization"]
    list_filter = ["is_primary", "organization"]
    search_fields = ["contact__last_name", "contact__first_name", "company__name", "role"]
    list_select_related = ["contact", "company", "organization"]
    raw_id_fields = ["organization", "contact", "company"]
