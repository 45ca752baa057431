"""Accent- and case-insensitive search indexes on PostgreSQL (other databases skip this)."""

from django.db import migrations

from directory.search_indexes import search_indexes

# One index for the record's own columns read as one text (companies.selectors
# SEARCH_DOCUMENT, in the same order), one for the emails.
TRIGRAM = [
    ("companies_company", "company_search_document", "name || ' ' || vat_number || ' ' || pec"),
    ("companies_companyemail", "companyemail_search_email", "email"),
]

PREFIX = [
    ("companies_company", "company_prefix_name", "name"),
    ("companies_companyemail", "companyemail_prefix_email", "email"),
]

# The UPPER() indexes of 0002 served `icontains`, which search no longer uses; the
# phone number index (digits, `contains`) stays.
REPLACES = [
    ("companies_company", "company_trgm_name", "UPPER(name)"),
    ("companies_company", "company_trgm_vat", "UPPER(vat_number)"),
    ("companies_company", "company_trgm_pec", "UPPER(pec)"),
    ("companies_companyemail", "companyemail_trgm_email", "UPPER(email)"),
]


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_provenance")]

    operations = [search_indexes(trigram=TRIGRAM, prefix=PREFIX, replaces=REPLACES)]
