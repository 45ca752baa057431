"""Give every existing organization the default activity kinds (new ones get them at creation)."""

from django.db import migrations

DEFAULTS = ["Call", "Meeting", "Email", "To-do", "Deadline"]


def seed_kinds(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    ActivityKind = apps.get_model("activity", "ActivityKind")
    for organization in Organization.objects.all().iterator():
        existing = set(
            ActivityKind.objects.filter(organization=organization).values_list("name", flat=True)
        )
        ActivityKind.objects.bulk_create(
            ActivityKind(organization=organization, name=name, position=index)
            for index, name in enumerate(DEFAULTS)
            if name not in existing
        )


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [migrations.RunPython(seed_kinds, migrations.RunPython.noop)]
