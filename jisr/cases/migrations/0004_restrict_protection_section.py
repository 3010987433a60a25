"""Restrict the *Protection and violence* section of the default listening questionnaire
(category violence), in every version already seeded: its answers and points are seen only by
the case's assigned worker and the centre's manager (docs/cases.md, "Restricted sections").

Changing a published version in place is otherwise refused; this narrows who reads interviews
already answered, and changes no answer nor score."""

from django.db import migrations

# The section holding this question is the protection section of jisr.cases.default_questionnaire.
MARKER_QUESTION = "violence"


def restrict(apps, schema_editor):
    Section = apps.get_model("cases", "Section")
    Section.objects.filter(version__questionnaire__code="listening",
                           questions__code=MARKER_QUESTION).update(
        restricted=True, restriction_category="violence")


def unrestrict(apps, schema_editor):
    Section = apps.get_model("cases", "Section")
    Section.objects.filter(version__questionnaire__code="listening",
                           questions__code=MARKER_QUESTION).update(
        restricted=False, restriction_category="")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_section_restriction"),
    ]

    operations = [
        migrations.RunPython(restrict, unrestrict),
    ]
