# Copy jobs now belong to `transfers` (its 0001 takes the model over with its table,
# `connections_copyjob`); here `connections` lets go of the model and leaves the table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('connections', '0002_copy_jobs'),
        ('transfers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CopyJob')],
            database_operations=[],
        ),
    ]
