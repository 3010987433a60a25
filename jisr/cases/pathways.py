"""Integration pathways (مسار الإدماج / parcours d'insertion): templates built by
administrators, the plans that instantiate them for a person's case, and scheduled
follow-ups (التتبع / suivi). Imported at the end of models.py so Django registers them with
the cases app.

A template has numbered versions like the listening questionnaires: only a *draft* changes,
publishing freezes it and retires the previous published version of the same code. A plan
*copies* the template's steps when it is created, so neither a later version nor an edit of
a draft ever changes a person's plan (docs/pathways.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import Role
from jisr.cases.questionnaires import _bilingual

# Who may own a step: centre staff, or the partner organisation the step is delegated to.
OWNER_ROLES = (Role.SOCIAL_WORKER, Role.CENTRE_MANAGER, Role.RECEPTION_OFFICER,
               Role.EMERGENCY_AGENT, Role.PARTNER_AGENT)
OWNER_ROLE_CHOICES = [(r.value, r.label) for r in OWNER_ROLES]
MAX_STEP_DAYS = 730


def validate_outcome_choices(value) -> None:
    """The answers a step's outcome is chosen from: ``[{"code": "yes", "ar": "…", "fr":
    "…"}, …]`` with distinct codes; an empty list means a written outcome."""
    message = _("Each answer needs a code and labels in Arabic and French, codes distinct.")
    if not isinstance(value, list):
        raise ValidationError(message, code="outcome_choices")
    codes = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"code", "ar", "fr"} or not all(
                isinstance(item[k], str) and item[k].strip() for k in ("code", "ar", "fr")):
            raise ValidationError(message, code="outcome_choices")
        if item["code"] in codes or len(item["code"]) > 50:
            raise ValidationError(message, code="outcome_choices")
        codes.add(item["code"])


class StepDefinition(models.Model):
    """What a template step and a plan step share (the plan step is a copy)."""

    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("service"))
    owner_role = models.CharField(_("owner role"), max_length=30, choices=OWNER_ROLE_CHOICES,
                                  default=Role.SOCIAL_WORKER)
    duration_days = models.PositiveSmallIntegerField(
        _("duration (days)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_STEP_DAYS)])
    outcome_label_ar = models.CharField(_("outcome to record (Arabic)"), max_length=300)
    outcome_label_fr = models.CharField(_("outcome to record (French)"), max_length=300)
    outcome_choices = models.JSONField(_("answers to choose"), default=list, blank=True,
                                       validators=[validate_outcome_choices])

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def outcome_label(self) -> str:
        return _bilingual(self, "outcome_label")

    def choice_label(self, code: str) -> str:
        from django.utils.translation import get_language

        arabic = (get_language() or "ar").startswith("ar")
        for item in self.outcome_choices or []:
            if item["code"] == code:
                return item["ar" if arabic else "fr"]
        return code

    @property
    def choices_display(self) -> list[tuple[str, str]]:
        return [(item["code"], self.choice_label(item["code"]))
                for item in self.outcome_choices or []]


class PathwayTemplate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced by a later version")

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    AUDIT_VALUE_FIELDS = ("code", "version", "name_ar", "name_fr", "status", "published_at")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="pathway_code_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(status="published"),
                                    name="pathway_one_published"),
            models.UniqueConstraint(fields=["code"], condition=Q(status="draft"),
                                    name="pathway_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def description(self) -> str:
        return _bilingual(self, "description")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class TemplateStep(StepDefinition):
    template = models.ForeignKey(PathwayTemplate, on_delete=models.CASCADE,
                                 related_name="steps", verbose_name=_("pathway template"))

    AUDIT_VALUE_FIELDS = ("template", "order", "name_ar", "name_fr", "service", "owner_role",
                          "duration_days", "outcome_label_ar", "outcome_label_fr",
                          "outcome_choices")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        ordering = ["order", "pk"]


class PlanOutcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    PARTIAL = "partial", _("Partially completed")
    ABANDONED = "abandoned", _("Abandoned")


class Plan(models.Model):
    """A person's pathway: a copy of a template's steps for one case, then adapted."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        FINISHED = "finished", _("Finished")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans",
                             verbose_name=_("case"))
    template = models.ForeignKey(PathwayTemplate, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="plans",
                                 verbose_name=_("pathway template"))
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE)
    started_on = models.DateField(_("start"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    outcome = models.CharField(_("outcome of the pathway"), max_length=10, blank=True,
                               choices=PlanOutcome.choices)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("finished by"))

    AUDIT_VALUE_FIELDS = ("case", "template", "status", "started_on", "outcome",
                          "finished_at")

    class Meta:
        verbose_name = _("pathway plan")
        verbose_name_plural = _("pathway plans")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "status"], name="plan_case_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class PlanStep(StepDefinition):
    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    OPEN = (Status.PENDING, Status.IN_PROGRESS)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps",
                             verbose_name=_("pathway plan"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    outcome = models.CharField(_("outcome"), max_length=50, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("completed by"))
    # The due date the owner was last told is past (pathway_reminders_send): the hourly job
    # skips the steps already reminded of their current date instead of asking again.
    overdue_reminded_for = models.DateField(_("reminded as overdue for"), null=True,
                                            blank=True, editable=False)

    AUDIT_VALUE_FIELDS = ("plan", "order", "service", "owner_role", "owner", "due_date",
                          "status", "completed_at")

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="planstep_owner")]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def outcome_display(self) -> str:
        """The chosen answer's label, or the written outcome."""
        if self.outcome:
            return self.choice_label(self.outcome)
        return self.outcome_note


class FollowUp(models.Model):
    """A scheduled contact with the person (visit, call, meeting) and what came of it."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Home visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting at the centre")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Held")
        MISSED = "missed", _("Missed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name=_("case"))
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="follow_ups", verbose_name=_("pathway plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.VISIT)
    due_date = models.DateField(_("date"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("who"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED)
    note = models.TextField(_("what came of it"), blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("scheduled by"))
    scheduled_at = models.DateTimeField(_("scheduled"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    # The date the worker was last told the follow-up is due tomorrow
    # (pathway_reminders_send), as PlanStep.overdue_reminded_for
    reminded_for = models.DateField(_("reminded for"), null=True, blank=True, editable=False)

    AUDIT_VALUE_FIELDS = ("case", "plan", "kind", "due_date", "worker", "status",
                          "recorded_at")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["worker", "status", "due_date"],
                                name="followup_worker")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.SCHEDULED and self.due_date < timezone.localdate()
