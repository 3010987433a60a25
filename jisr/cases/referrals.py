"""Referrals (التوجيه, orientation): a case sent to a service offering of the catalogue, at
the same centre, another centre or a partner organisation. Imported at the end of models.py,
so Django registers the model with the cases app; the services are in referral_services.py.

A referral has its own life, each step a service call (referral_services.py)::

    waiting → sent → accepted → delivered
                  ↘ declined   ↘ not_delivered
    waiting → declined

*waiting* is the offering's queue: an offering at capacity (its places held by referrals sent
or accepted and not yet finished) queues the person, and the oldest waiting referral becomes
*sent* when a place frees.

Two deadlines, each reminded the day before and flagged overdue once: the answer (``due_at``,
from sending, the offering's response time) and, once accepted, the delivery
(``delivery_due_at``, the offering's delivery time or the delay the receiver agreed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.core.routes import pk_url


class Referral(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("On the waiting list")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Service delivered")
        NOT_DELIVERED = "not_delivered", _("Service not delivered")
        WITHDRAWN = "withdrawn", _("Withdrawn by the referring worker")

    class Share(models.TextChoices):
        """What the receiver reads beyond the identity card (always shared, minimal)."""
        REQUEST = "request", _("The person's request")
        NEEDS = "needs", _("The needs found at the listening")
        NOTE = "note", _("The referring worker's note")

    OPEN = (Status.WAITING, Status.SENT, Status.ACCEPTED)
    # A place of the offering is held from sending until the service is delivered or not.
    HOLDS_PLACE = (Status.SENT, Status.ACCEPTED)
    FINISHED = (Status.DECLINED, Status.DELIVERED, Status.NOT_DELIVERED, Status.WITHDRAWN)

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals",
                             verbose_name=_("case"))
    offering = models.ForeignKey("network.ServiceOffering", on_delete=models.PROTECT,
                                 related_name="referrals", verbose_name=_("service"))
    from_centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("referring centre"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SENT)
    shared = models.JSONField(_("shared with the receiver"), default=list, blank=True)
    # Copies made when the referral is made: the receiver reads what was shared then, not
    # what the case became later.
    shared_request = models.TextField(_("request shared"), blank=True)
    shared_needs = models.JSONField(_("needs shared"), default=list, blank=True)
    note = models.TextField(_("note for the receiver"), blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("referred by"))
    created_at = models.DateTimeField(_("referred"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("outcome reported by"))
    outcome_at = models.DateTimeField(_("outcome reported"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    # Set on acceptance: by when the service is to be delivered.
    delivery_due_at = models.DateTimeField(_("delivery due"), null=True, blank=True)
    delivery_reminded_at = models.DateTimeField(_("delivery reminder sent"), null=True,
                                                blank=True)
    delivery_overdue_at = models.DateTimeField(_("flagged overdue for delivery"), null=True,
                                               blank=True)

    AUDIT_VALUE_FIELDS = ("case", "offering", "from_centre", "status", "shared", "sent_at",
                          "due_at", "answered_at", "delivery_due_at", "outcome_at",
                          "overdue_at", "delivery_overdue_at")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["offering", "status"], name="referral_offering"),
                   models.Index(fields=["status", "due_at"], name="referral_due"),
                   # The centre's queues of its referrals awaiting an answer or a
                   # delivery (work.py), read in deadline order.
                   models.Index(fields=["from_centre", "status", "due_at"],
                                name="referral_from_centre"),
                   models.Index(fields=["from_centre", "status", "delivery_due_at"],
                                name="referral_from_centre_delivery"),
                   models.Index(fields=["status", "delivery_due_at"],
                                name="referral_delivery_due")]
        constraints = [models.CheckConstraint(
            # Declined straight from the waiting list: never sent, no due date.
            condition=Q(status__in=["waiting", "declined"])
            | Q(sent_at__isnull=False, due_at__isnull=False),
            name="referral_sent_has_due_date"),
            # Accepted referrals are watched until delivered (those accepted before the
            # delivery deadline existed got one in migration cases.0013).
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(delivery_due_at__isnull=False),
                name="referral_accepted_has_delivery_date")]

    def __str__(self) -> str:
        return _("Referral %(reference)s") % {"reference": self.reference}

    def get_absolute_url(self) -> str:
        return self.url_of(self.pk)

    @staticmethod
    def url_of(pk: int) -> str:
        return pk_url("cases:referral_detail", pk)

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int | None) -> str:
        return f"R{pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        """Past its current deadline: the answer while sent, the delivery once accepted."""
        now = timezone.now()
        if self.status == self.Status.SENT:
            return self.overdue_at is not None or (
                self.due_at is not None and self.due_at < now)
        if self.status == self.Status.ACCEPTED:
            return self.delivery_overdue_at is not None or (
                self.delivery_due_at is not None and self.delivery_due_at < now)
        return False
