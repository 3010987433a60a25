"""A trigram index on the persons' searchable names (PostgreSQL).

Reception searches a name by the start of its words (``name_key LIKE '% word%'``), in or
out of scope; without an index every search read the million-person registry. pg_trgm is a
trusted extension (PostgreSQL 13+): the database's owner may create it. SQLite, the
embedded database, has no such index and needs none at its size.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS person_name_trgm ON registry_person "
                          "USING gin (name_key gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_matchkey_index")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
