"""Operators' view of contacts across organizations (the admin runs unscoped)."""

from django.contrib import admin

from contacts.models import Contact, ContactAddress, ContactEmail, ContactMention, ContactPhone
from directory.admin import DirectoryRecordAdmin, detail_inline


@admin.register(Contact)
class ContactAdmin(DirectoryRecordAdmin):
    list_display = [
        "__str__",
        "organization",
        "role",
        "type",
        "visibility",
        "created_by",
        "updated_at",
    ]
    list_filter = ["visibility", "organization", "type__name"]
    search_fields = [
        "first_name",
        "last_name",
        "role",
        "vat_number",
        "fiscal_code",
        "emails__email",
    ]
    list_select_related = ["organization", "type", "created_by"]
    raw_id_fields = ["organization", "type", "created_by"]
    inlines = [
        detail_inline(ContactEmail),
        detail_inline(ContactPhone),
        detail_inline(ContactAddress, stacked=True),
        detail_inline(ContactMention, limit=None, raw_id_fields=["user"]),
    ]
