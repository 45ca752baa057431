"""Accent- and case-insensitive search indexes on PostgreSQL (other databases skip this)."""

from django.db import migrations

from directory.search_indexes import search_indexes

# One index for the record's own columns read as one text (contacts.selectors
# SEARCH_DOCUMENT, in the same order), one for the emails.
TRIGRAM = [
    (
        "contacts_contact",
        "contact_search_document",
        "first_name || ' ' || last_name || ' ' || role || ' ' || vat_number"
        " || ' ' || fiscal_code || ' ' || pec",
    ),
    ("contacts_contactemail", "contactemail_search_email", "email"),
]

PREFIX = [
    ("contacts_contact", "contact_prefix_first_name", "first_name"),
    ("contacts_contact", "contact_prefix_last_name", "last_name"),
    ("contacts_contactemail", "contactemail_prefix_email", "email"),
]

# The UPPER() indexes of 0002 served `icontains`, which search no longer uses; the
# phone number index (digits, `contains`) stays.
REPLACES = [
    ("contacts_contact", "contact_trgm_first_name", "UPPER(first_name)"),
    ("contacts_contact", "contact_trgm_last_name", "UPPER(last_name)"),
    ("contacts_contact", "contact_trgm_role", "UPPER(role)"),
    ("contacts_contact", "contact_trgm_vat", "UPPER(vat_number)"),
    ("contacts_contact", "contact_trgm_fiscal", "UPPER(fiscal_code)"),
    ("contacts_contact", "contact_trgm_pec", "UPPER(pec)"),
    ("contacts_contactemail", "contactemail_trgm_email", "UPPER(email)"),
]


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_provenance")]

    operations = [search_indexes(trigram=TRIGRAM, prefix=PREFIX, replaces=REPLACES)]
