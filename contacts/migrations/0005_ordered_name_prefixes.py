"""Name prefix indexes ordered by id too, so a search's first candidates need no sort."""

from django.db import migrations

from directory.search_indexes import ordered_prefix_indexes


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_search_indexes")]

    operations = [
        ordered_prefix_indexes(
            [
                ("contacts_contact", "contact_prefix_first_name", "first_name"),
                ("contacts_contact", "contact_prefix_last_name", "last_name"),
            ]
        )
    ]
