"""Give every existing organization the default pipeline (new ones get it at creation)."""

from django.db import migrations

DEFAULTS = [
    ("Lead", 10, "open"),
    ("Qualified", 25, "open"),
    ("Proposal", 50, "open"),
    ("Negotiation", 75, "open"),
    ("Won", 100, "won"),
    ("Lost", 0, "lost"),
]


def seed_pipelines(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Pipeline = apps.get_model("opportunities", "Pipeline")
    Stage = apps.get_model("opportunities", "Stage")
    for organization in Organization.objects.all().iterator():
        if Pipeline.objects.filter(organization=organization).exists():
            continue
        pipeline = Pipeline.objects.create(organization=organization, name="Sales", order=0)
        Stage.objects.bulk_create(
            Stage(
                organization=organization,
                pipeline=pipeline,
                name=name,
                order=index,
                probability=probability,
                kind=kind,
            )
            for index, (name, probability, kind) in enumerate(DEFAULTS)
        )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(seed_pipelines, migrations.RunPython.noop)]
