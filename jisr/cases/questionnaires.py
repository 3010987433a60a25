"""Listening questionnaires, built by administrators without code, and the answers given.

A questionnaire has numbered versions. Only a *draft* version can be changed; publishing it
freezes it (the builder services refuse any change) and retires the previous published one.
A listening interview records the version it was answered with and, when completed, the
score computed from that version's rules, so a later version never changes it
(docs/cases.md, "Questionnaires").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jisr.cases.choices import RestrictionCategory
from jisr.core.crypto import EncryptedJSONField


def bilingual(arabic_text: str, french_text: str) -> str:
    """The Arabic text on Arabic pages, the French one otherwise (English pages included:
    questionnaires are written in the two languages of the administration), the other when
    the one is empty."""
    if (get_language() or "ar").startswith("ar"):
        return arabic_text or french_text
    return french_text or arabic_text


def _bilingual(obj, stem: str) -> str:
    return bilingual(getattr(obj, f"{stem}_ar"), getattr(obj, f"{stem}_fr"))


class NeedDomain(models.TextChoices):
    IDENTITY = "identity_documents", _("Identity documents")
    INCOME = "income_work", _("Income and work")
    HOUSING = "housing", _("Housing")
    HEALTH = "health_disability", _("Health and disability")
    EDUCATION = "education", _("Education")
    FAMILY = "family_children", _("Family and children")
    PROTECTION = "protection_violence", _("Protection and violence")
    URGENT = "urgent_needs", _("Urgent needs")


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    AUDIT_VALUE_FIELDS = ("code", "name_ar", "name_fr")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self, "name")


class QuestionnaireVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced by a later version")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT,
                                      related_name="versions",
                                      verbose_name=_("questionnaire"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    AUDIT_VALUE_FIELDS = ("questionnaire", "number", "status", "published_at")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"],
                                    name="questionnaire_version_number"),
            models.UniqueConstraint(fields=["questionnaire"], condition=Q(status="draft"),
                                    name="questionnaire_one_draft"),
            models.UniqueConstraint(fields=["questionnaire"], condition=Q(status="published"),
                                    name="questionnaire_one_published"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE,
                                related_name="sections", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    restricted = models.BooleanField(_("restricted section"), default=False, help_text=_(
        "Violence, child protection or health: the answers and the points of this section "
        "are seen only by the case's assigned worker and the centre's manager."))
    restriction_category = models.CharField(_("restriction"), max_length=20, blank=True,
                                            choices=RestrictionCategory.choices)

    AUDIT_VALUE_FIELDS = ("version", "order", "title_ar", "title_fr", "restricted",
                          "restriction_category")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(restricted=False, restriction_category="")
            | (Q(restricted=True) & ~Q(restriction_category="")),
            name="section_restriction_has_category")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _bilingual(self, "title")


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        TEXT = "text", _("Text")
        YES_NO = "yes_no", _("Yes or no")

    WITH_OPTIONS = (Kind.CHOICE, Kind.MULTIPLE, Kind.YES_NO)

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE,
                                related_name="questions", verbose_name=_("version"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions",
                                verbose_name=_("section"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=50, help_text=_(
        "A short name, unique in the questionnaire (letters, digits, hyphens)."))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    label_ar = models.CharField(_("question (Arabic)"), max_length=300)
    label_fr = models.CharField(_("question (French)"), max_length=300)
    required = models.BooleanField(_("an answer is required"), default=False)
    condition_question = models.ForeignKey("self", on_delete=models.CASCADE, null=True,
                                           blank=True, related_name="dependents",
                                           verbose_name=_("shown only when"))
    condition_values = models.JSONField(_("has one of the answers"), default=list,
                                        blank=True)

    AUDIT_VALUE_FIELDS = ("version", "section", "order", "code", "kind", "label_ar",
                          "label_fr", "required", "condition_question", "condition_values")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"],
                                               name="question_code_per_version")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _bilingual(self, "label")


class Option(models.Model):
    """A possible answer of a choice, multiple-choice or yes/no question (yes/no questions
    get their two options, ``yes`` and ``no``, when created)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=50)
    label_ar = models.CharField(_("answer (Arabic)"), max_length=200)
    label_fr = models.CharField(_("answer (French)"), max_length=200)

    AUDIT_VALUE_FIELDS = ("question", "order", "code", "label_ar", "label_fr")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"],
                                               name="option_code_per_question")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _bilingual(self, "label")


class ScoringRule(models.Model):
    """Points for a need domain when a question gets an answer: an option chosen, or a
    number within a range. The explanation is what the worker reads beside the point."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("question"))
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="rules", verbose_name=_("when the answer is"))
    min_value = models.DecimalField(_("from (number)"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    max_value = models.DecimalField(_("to (number)"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    domain = models.CharField(_("need domain"), max_length=30, choices=NeedDomain.choices)
    points = models.SmallIntegerField(_("points"))
    explanation_ar = models.CharField(_("explanation (Arabic)"), max_length=300)
    explanation_fr = models.CharField(_("explanation (French)"), max_length=300)

    AUDIT_VALUE_FIELDS = ("question", "option", "min_value", "max_value", "domain", "points",
                          "explanation_ar", "explanation_fr")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.domain}"

    @property
    def explanation(self) -> str:
        return _bilingual(self, "explanation")


class Listening(models.Model):
    """A listening interview of a case, answered with one questionnaire version. The answers
    (and the computed result, frozen when completed) are encrypted at rest: they speak of
    health, violence and family life."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE,
                             related_name="listenings", verbose_name=_("case"))
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT,
                                related_name="listenings", verbose_name=_("questionnaire"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    answers = EncryptedJSONField(_("answers"), default=dict, blank=True)
    result = EncryptedJSONField(_("needs and score"), default=dict, blank=True)
    score = models.PositiveIntegerField(_("vulnerability score"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("completed by"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("case", "version", "status", "score", "completed_at")

    class Meta:
        verbose_name = _("listening interview")
        verbose_name_plural = _("listening interviews")
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="draft"),
                                               name="listening_one_draft_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id} / {self.version_id}"
