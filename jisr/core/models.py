from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One write (or one read of a sensitive record), append-only.

    The database itself refuses UPDATE and DELETE on this table (triggers installed by the
    migrations, see :mod:`jisr.core.appendonly`). Values are stored only for fields a model
    declares non-personal, so anonymising a person later leaves no personal data here.
    """

    class Kind(models.TextChoices):
        WRITE = "write", pgettext_lazy("audit entry kind", "Change")
        READ = "read", _("Sensitive read")
        BULK = "bulk", _("Bulk operation")
        SECURITY = "security", _("Security event")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # No foreign-key constraint: staff accounts are deactivated, never deleted, and a
    # cascading SET NULL would be an UPDATE the append-only trigger must refuse.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                              blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WRITE)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("record type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("record label"), max_length=200, blank=True)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class PeriodicJob(models.Model):
    """When each periodic job is next due. Workers claim a due row under a lock, so a job
    runs once per period however many workers are polling."""

    name = models.CharField(max_length=120, unique=True)
    interval_seconds = models.PositiveIntegerField()
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
