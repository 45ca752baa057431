"""Trigram indexes for substring search on PostgreSQL (other databases skip this)."""

from django.db import migrations

from directory.trigram import trigram_indexes

INDEXES = [
    ("companies_company", "company_trgm_name", "UPPER(name)"),
    ("companies_company", "company_trgm_vat", "UPPER(vat_number)"),
    ("companies_company", "company_trgm_pec", "UPPER(pec)"),
    ("companies_companyemail", "companyemail_trgm_email", "UPPER(email)"),
    ("companies_companyphone", "companyphone_trgm_number", "number"),
]


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [trigram_indexes(INDEXES)]
