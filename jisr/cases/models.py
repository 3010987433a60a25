"""Cases and what happens to them: stages with their timeline, transfers between centres,
listening appointments and queued confirmations. Questionnaires and listening answers are in
questionnaires.py (imported at the end, so Django registers them with this app).

A case belongs to one person (``registry.Person``; merging persons re-points it, since
``registry.models.person_references`` finds every foreign key to Person) and one lead centre.
Its stage moves only through the services (services.py), each transition written to the
case's timeline (:class:`CaseEvent`) and to the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.cases.choices import RestrictionCategory


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    LISTENED = "listened", _("Listened to")
    ORIENTED = "oriented", _("Oriented")
    IN_PATHWAY = "in_pathway", _("In a pathway")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


STAGE_ORDER = [Stage.RECEIVED, Stage.LISTENED, Stage.ORIENTED, Stage.IN_PATHWAY,
               Stage.FOLLOW_UP, Stage.CLOSED]


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("Hotline")
    MOBILE_TEAM = "mobile_team", _("Mobile team")
    ONLINE = "online", _("Online request")
    PARTNER_REFERRAL = "partner_referral", _("Referred by a partner")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Needs met")
    REFERRED_OUT = "referred_out", _("Taken over by another service")
    DECLINED = "declined", _("The person no longer wishes to be followed")
    UNREACHABLE = "unreachable", _("The person cannot be reached")
    MOVED = "moved", _("The person moved away")
    DECEASED = "deceased", _("Deceased")
    OPENED_IN_ERROR = "opened_in_error", _("Opened in error or duplicate")
    OTHER = "other", _("Other reason")


class Satisfaction(models.IntegerChoices):
    """How satisfied the person says they are, asked when the case closes (optional)."""
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class Case(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT,
                               related_name="cases", verbose_name=_("person"))
    household = models.ForeignKey("registry.Household", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="cases",
                                  verbose_name=_("household"))
    lead_centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("lead centre"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.WALK_IN)
    request = models.TextField(_("request, in the person's words"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("assigned worker"))
    restricted = models.BooleanField(_("restricted"), default=False, help_text=_(
        "Violence, child protection or health: only the assigned worker and the centre's "
        "manager see the case."))
    restriction_category = models.CharField(_("restriction"), max_length=20, blank=True,
                                            choices=RestrictionCategory.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.RECEIVED)
    stage_before_close = models.CharField(max_length=20, blank=True, choices=Stage.choices,
                                          editable=False)
    close_reason = models.CharField(_("reason for closing"), max_length=20, blank=True,
                                    choices=CloseReason.choices)
    close_note = models.TextField(_("closing note"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction of the person"), null=True, blank=True,
        choices=Satisfaction.choices, help_text=_("Asked when the case closes; optional."))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("opened by"))
    stage_changed_at = models.DateTimeField(_("stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Messages about the case (SMS confirmations…), sent by the notifications app.
    notifications = GenericRelation("notifications.Notification",
                                    content_type_field="content_type",
                                    object_id_field="object_id")

    AUDIT_VALUE_FIELDS = ("person", "household", "lead_centre", "channel", "urgency",
                          "assigned_to", "restricted", "restriction_category", "stage",
                          "close_reason", "closed_at", "satisfaction")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        # Ending with stage_changed_at: the work views list a stage's oldest cases first and
        # read them in that order from the index instead of sorting a centre's thousands.
        indexes = [models.Index(fields=["lead_centre", "stage", "stage_changed_at"],
                                name="case_centre_stage"),
                   models.Index(fields=["assigned_to", "stage", "stage_changed_at"],
                                name="case_assigned_stage"),
                   # The case list, newest first, of a centre and of one stage: read in
                   # order instead of sorting a large centre's 150,000 cases per page view.
                   models.Index(fields=["lead_centre", "-opened_at", "-id"],
                                name="case_centre_opened"),
                   models.Index(fields=["lead_centre", "stage", "-opened_at", "-id"],
                                name="case_centre_stage_opened")]
        constraints = [models.CheckConstraint(
            condition=Q(restricted=False, restriction_category="")
            | (Q(restricted=True) & ~Q(restriction_category="")),
            name="case_restriction_has_category")]

    def __str__(self) -> str:
        return _("Case %(reference)s") % {"reference": self.reference}

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int | None) -> str:
        return f"{pk or 0:06d}"

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class CaseEvent(models.Model):
    """One line of the case's timeline. Written only by the services, never changed: the
    history travels with the case when another centre takes it over."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STAGE = "stage", _("Stage changed")
        CLOSED = "closed", _("Case closed")
        REOPENED = "reopened", _("Case reopened")
        ASSIGNED = "assigned", _("Worker assigned")
        RESTRICTED = "restricted", _("Restriction changed")
        TRANSFER_PROPOSED = "transfer_proposed", _("Transfer proposed")
        TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
        TRANSFER_DECLINED = "transfer_declined", _("Transfer declined")
        TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer withdrawn")
        APPOINTMENT = "appointment", _("Listening interview booked")
        LISTENING_STARTED = "listening_started", _("New listening interview started")
        LISTENING_DRAFT = "listening_draft", _("Listening draft saved")
        LISTENING_DONE = "listening_done", _("Listening completed")
        CONFIRMATION = "confirmation", _("Confirmation sent")
        # appointments calendar, notes, documents, caseload handover (calendar.py,
        # casework_services.py)
        APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
        APPOINTMENT_RESCHEDULED = "appointment_rescheduled", _("Appointment rescheduled")
        APPOINTMENT_NO_SHOW = "appointment_no_show", _("Did not come to the appointment")
        APPOINTMENT_CANCELLED = "appointment_cancelled", _("Appointment cancelled")
        APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder sent")
        NOTE = "note", _("Note added")
        DOCUMENT = "document", _("Document added")
        HANDOVER = "handover", _("Case handed over")
        REFERRAL_SENT = "referral_sent", _("Referral sent")
        REFERRAL_QUEUED = "referral_queued", _("Referral on a waiting list")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_DELIVERED = "referral_delivered", _("Referred service delivered")
        REFERRAL_NOT_DELIVERED = "referral_not_delivered", _("Referred service not delivered")
        REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
        REFERRAL_DELIVERY_OVERDUE = "referral_delivery_overdue", _(
            "Referred service overdue for delivery")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
        # Integration pathways and follow-ups (pathways.py, pathway_services.py)
        PLAN_CREATED = "plan_created", _("Pathway plan created")
        PLAN_CHANGED = "plan_changed", _("Pathway plan adapted")
        PLAN_STEP = "plan_step", _("Pathway step updated")
        PLAN_FINISHED = "plan_finished", _("Pathway finished")
        FOLLOW_UP_SCHEDULED = "follow_up_scheduled", _("Follow-up scheduled")
        FOLLOW_UP_RECORDED = "follow_up_recorded", _("Follow-up recorded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events",
                             verbose_name=_("case"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    from_stage = models.CharField(max_length=20, blank=True, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, blank=True, choices=Stage.choices)
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("centre"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Transfer(models.Model):
    """A proposal by the lead centre that another centre takes the case over. The case keeps
    its stage and changes lead centre only when the receiving centre accepts."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers",
                             verbose_name=_("case"))
    from_centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("from"))
    to_centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("to centre"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PROPOSED)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    AUDIT_VALUE_FIELDS = ("case", "from_centre", "to_centre", "status", "decided_at")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-proposed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case"],
                                               condition=Q(status="proposed"),
                                               name="transfer_one_proposed_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_centre_id} → {self.to_centre_id}"


class Appointment(models.Model):
    """A slot of the centre's calendar: a worker meets the person (the listening interview,
    a follow-up…). A worker is never booked twice at the same time
    (services.appointment_book, calendar.appointment_reschedule)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Held")
        NO_SHOW = "no_show", _("Did not come")

    class Purpose(models.TextChoices):
        LISTENING = "listening", _("Listening interview")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments",
                             verbose_name=_("case"))
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("centre"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("worker"))
    start = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("booked by"))
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    purpose = models.CharField(_("type of appointment"), max_length=20, choices=Purpose.choices,
                               default=Purpose.LISTENING)
    # The start time the person was last reminded of (calendar.appointment_reminders_send):
    # a rescheduled appointment no longer matches it and gets a new reminder.
    reminded_for = models.DateTimeField(_("reminder sent for"), null=True, blank=True,
                                        editable=False)

    AUDIT_VALUE_FIELDS = ("case", "centre", "worker", "start", "duration_minutes", "status",
                          "purpose")

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["worker", "start"], name="appointment_worker"),
                   models.Index(fields=["centre", "start"], name="appointment_centre")]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.start:%Y-%m-%d %H:%M}"

    @property
    def end(self):
        from datetime import timedelta

        return self.start + timedelta(minutes=self.duration_minutes)


from jisr.cases.casework import (  # noqa: E402,F401,I001 (registered with this app)
    AppointmentChange,
    CaseDocument,
    CaseNote,
)
from jisr.cases.pathways import (  # noqa: E402,F401 (registered with this app)
    FollowUp,
    PathwayTemplate,
    Plan,
    PlanStep,
    TemplateStep,
)
from jisr.cases.questionnaires import (  # noqa: E402,F401 (registered with this app)
    Listening,
    NeedDomain,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoringRule,
    Section,
)
from jisr.cases.referrals import Referral  # noqa: E402,F401 (registered with this app)
