"""Notifications: one row per message to one recipient on one channel.

A notification is written by :func:`jisr.notifications.services.notify` inside the
transaction of the event it reports (a referral sent, an appointment booked…), already
rendered in the recipient's language, and delivered after that transaction commits by a
background task. The row is the delivery's whole record: attempts, the last error, when it
went out, when it was read. ``dedupe_key`` is unique, so the same event never notifies the
same recipient on the same channel twice, however often the caller runs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the application")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        READ = "read", _("Read")

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True,
                                 editable=False)
    # A member of staff, or nobody: a citizen is reached at ``address`` (phone or e-mail).
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="notifications",
                                  verbose_name=_("recipient"))
    address = models.CharField(_("address"), max_length=254, blank=True, help_text=_(
        "The phone number (E.164) or e-mail address the message goes to."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8)
    event = models.CharField(_("event"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    # What the notification is about: a generic reference and/or a label and a link.
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    link_label = models.CharField(_("about"), max_length=200, blank=True)
    link_url = models.CharField(_("link"), max_length=500, blank=True)

    dedupe_key = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the next delivery attempt is due (also a short lease while one is under way);
    # None once sent, read or given up.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # The message and the address are personal; what, how and when are not.
    AUDIT_VALUE_FIELDS = ("channel", "event", "status", "attempts", "recipient")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "channel", "status"], name="notification_inbox"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            # What was sent about a record (the case page's SMS lines): every case page
            # asks, and a country's notifications are millions
            models.Index(fields=["content_type", "object_id"], name="notification_object"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(recipient__isnull=False) | ~Q(address=""),
                                   name="notification_has_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.get_channel_display()} ({self.get_status_display()})"

    @property
    def unread(self) -> bool:
        return self.channel == self.Channel.IN_APP and self.status != self.Status.READ

    def clean(self) -> None:
        if self.channel == self.Channel.IN_APP and self.recipient_id is None:
            raise ValidationError({"recipient": _("Only a staff member has an inbox in the "
                                                  "application.")})
        if self.channel != self.Channel.IN_APP and not self.address:
            raise ValidationError({"address": _("No phone number or e-mail address to send "
                                                "the message to.")})
