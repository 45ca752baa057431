# Copy jobs move from `connections` to `transfers` (issue 12). The table stays where it
# is, `connections_copyjob`, with its rows: only Django's idea of which app owns the
# model changes. Tasks already queued for the old task path and the model's content
# type (admin permissions, log entries) follow it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TASK = "connections.tasks.copy_job_run"
NEW_TASK = "transfers.tasks.copy_job_run"


def follow_the_model(apps, schema_editor):
    """Point queued copy tasks and the copy job's content type at the new app."""
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD_TASK).update(task_path=NEW_TASK)
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="transfers", model="copyjob").exists():
        ContentType.objects.filter(app_label="connections", model="copyjob").update(
            app_label="transfers"
        )


def go_back(apps, schema_editor):
    """Point them back at `connections` (the reverse of `follow_the_model`)."""
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=NEW_TASK).update(task_path=OLD_TASK)
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="connections", model="copyjob").exists():
        ContentType.objects.filter(app_label="transfers", model="copyjob").update(
            app_label="connections"
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('connections', '0002_copy_jobs'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
        ('organizations', '0002_recordtype_sector'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CopyJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('contacts', 'Contacts'), ('companies', 'Companies')], max_length=10)),
                        ('ids', models.JSONField(blank=True, null=True)),
                        ('filters', models.JSONField(blank=True, default=dict)),
                        ('with_attachments', models.BooleanField(default=False)),
                        ('skip_existing', models.BooleanField(default=True)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('companies_total', models.PositiveIntegerField(default=0)),
                        ('companies_done', models.PositiveIntegerField(default=0)),
                        ('contacts_total', models.PositiveIntegerField(default=0)),
                        ('contacts_done', models.PositiveIntegerField(default=0)),
                        ('report', models.JSONField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='copy into')),
                    ],
                    options={
                        'db_table': 'connections_copyjob',
                        'verbose_name': 'copy job',
                        'verbose_name_plural': 'copy jobs',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['organization', 'requested_by', '-created_at'], name='copyjob_requester')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(follow_the_model, go_back),
    ]
