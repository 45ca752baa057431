"""Operators' view of contacts across organizations (the admin runs unscoped)."""

from django.contrib import admin

from contacts.models import Contact, ContactAddress, ContactEmail, ContactMention, ContactPhone


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 0
    max_num = 3
    exclude = ["organization"]


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0
    max_num = 3
    exclude = ["organization"]


class ContactAddressInline(admin.StackedInline):
    model = ContactAddress
    extra = 0
    max_num = 3
    exclude = ["organization"]


class ContactMentionInline(admin.TabularInline):
    model = ContactMention
    extra = 0
    exclude = ["organization"]
    raw_id_fields = ["user"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
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
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactEmailInline, ContactPhoneInline, ContactAddressInline, ContactMentionInline]
    show_full_result_count = False

    def save_formset(self, request, form, formset, change):
        # Detail rows name their organization like every tenant row: the parent's.
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
