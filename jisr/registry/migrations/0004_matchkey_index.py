# Indexes only, for the live duplicate check on a large registry (benchmarks/README.md,
# "Registry: live duplicate check"): the (key, person) pairs of a few keys come from one
# index, and the persons without a full birth date from a small partial index. The old
# index on key (and its unused LIKE twin on PostgreSQL) goes once the new one exists.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_duplicate_review_and_merges'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='personmatchkey',
            index=models.Index(fields=['key', 'person'], name='matchkey_key_person'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('birth_date__isnull', True)), fields=['id'],
                               name='person_undated'),
        ),
        migrations.AlterField(
            model_name='personmatchkey',
            name='key',
            field=models.CharField(max_length=64),
        ),
    ]
