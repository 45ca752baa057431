"""Trigram indexes for substring search on PostgreSQL (other databases skip this)."""

from django.db import migrations

from directory.trigram import trigram_indexes

INDEXES = [
    ("contacts_contact", "contact_trgm_first_name", "UPPER(first_name)"),
    ("contacts_contact", "contact_trgm_last_name", "UPPER(last_name)"),
    ("contacts_contact", "contact_trgm_role", "UPPER(role)"),
    ("contacts_contact", "contact_trgm_vat", "UPPER(vat_number)"),
    ("contacts_contact", "contact_trgm_fiscal", "UPPER(fiscal_code)"),
    ("contacts_contact", "contact_trgm_pec", "UPPER(pec)"),
    ("contacts_contactemail", "contactemail_trgm_email", "UPPER(email)"),
    ("contacts_contactphone", "contactphone_trgm_number", "number"),
]


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [trigram_indexes(INDEXES)]
