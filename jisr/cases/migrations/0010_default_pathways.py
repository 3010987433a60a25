"""Publish the shipped integration pathway templates (jisr/cases/default_pathways.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jisr.cases.default_pathways import seed as seed_pathways

    seed_pathways(apps.get_model("cases", "PathwayTemplate"),
                  apps.get_model("cases", "TemplateStep"),
                  apps.get_model("network", "Service"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_pathways"),
        ("network", "0003_seed_catalogue"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
