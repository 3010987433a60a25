"""Publish the default listening questionnaire (jisr/cases/default_questionnaire.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jisr.cases.default_questionnaire import seed as seed_questionnaire

    seed_questionnaire(*(apps.get_model("cases", name) for name in (
        "Questionnaire", "QuestionnaireVersion", "Section", "Question", "Option",
        "ScoringRule")))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
