"""Create the database cache's table (settings.CACHES), so a fresh database is ready.

The login and sign-up throttles count in the default cache, which is a database table
unless CACHE_URL names another backend. `createcachetable` is idempotent and only acts on
database caches, so this is a no-op with Redis; run it again by hand after pointing
CACHE_URL at a new database cache table.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_user_session_version")]

    operations = [
        # Nothing to undo: the table holds only throwaway counters, and a later migrate
        # forward finds it in place.
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False),
    ]
