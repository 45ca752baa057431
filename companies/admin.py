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
from directory.admin import DirectoryRecordAdmin, detail_inline


@admin.register(Company)
class CompanyAdmin(DirectoryRecordAdmin):
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
    inlines = [
        detail_inline(CompanyEmail),
        detail_inline(CompanyPhone),
        detail_inline(CompanyAddress, stacked=True),
        detail_inline(CompanyMention, limit=None, raw_id_fields=["user"]),
        detail_inline(Affiliation, limit=None, raw_id_fields=["contact"]),
    ]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["contact", "company", "role", "is_primary", "organization"]
    list_filter = ["is_primary", "organization"]
    search_fields = ["contact__last_name", "contact__first_name", "company__name", "role"]
    list_select_related = ["contact", "company", "organization"]
    raw_id_fields = ["organization", "contact", "company"]
