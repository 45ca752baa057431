"""Name prefix index ordered by id too, so a search's first candidates need no sort."""

from django.db import migrations

from directory.search_indexes import ordered_prefix_indexes


class Migration(migrations.Migration):
    dependencies = [("companies", "0004_search_indexes")]

    operations = [
        ordered_prefix_indexes([("companies_company", "company_prefix_name", "name")])
    ]
