"""Choices shared by cases (models.py) and questionnaires (questionnaires.py), kept apart so
neither module imports the other at load time."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictionCategory(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    HEALTH = "health", _("Health")
