"""Seed the national service catalogue (jisr/network/catalogue.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jisr.network.catalogue import seed as seed_catalogue

    seed_catalogue(apps.get_model("network", "ServiceDomain"),
                   apps.get_model("network", "Service"))


class Migration(migrations.Migration):

    dependencies = [
        ("network", "0002_centres_partners_services"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
