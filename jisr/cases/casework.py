"""The everyday casework around a case: notes (plain or sensitive), documents, and the
history of an appointment's moves. Imported at the end of cases/models.py so Django registers
these models with the cases app; written only by casework_services.py and calendar.py.

A sensitive note's text is encrypted at rest (jisr.core.crypto, the registry's Fernet keys)
and only its author, the case's assigned worker and the manager of the case's lead centre
read it, each reading audited (docs/casework.md). A document's bytes live in Django's default
storage under a per-case path with a random name; they are reached only through the scoped
download view, never through a public media URL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.core.crypto import EncryptedTextField


class CaseNote(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes",
                             verbose_name=_("case"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    sensitive = models.BooleanField(_("sensitive"), default=False, help_text=_(
        "Health, violence, family secrets: encrypted, read only by its author, the assigned "
        "worker and the centre's manager, every reading recorded."))
    # A plain note's text; empty for a sensitive one, whose text is only in secret_text.
    text = models.TextField(_("note"), blank=True)
    secret_text = EncryptedTextField(_("sensitive note"), null=True, blank=True)

    AUDIT_VALUE_FIELDS = ("case", "author", "sensitive", "written_at")

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-written_at", "-pk"]
        constraints = [models.CheckConstraint(
            condition=Q(sensitive=False, secret_text__isnull=True)
            | Q(sensitive=True, text="", secret_text__isnull=False),
            name="casenote_sensitive_text_encrypted")]

    def __str__(self) -> str:
        return f"{self.case_id} note {self.pk}"


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        ID_COPY = "id_copy", _("Copy of an identity document")
        MEDICAL_CERTIFICATE = "medical_certificate", _("Medical certificate")
        DISABILITY_CARD = "disability_card", _("Disability card")
        SCHOOL_CERTIFICATE = "school_certificate", _("School certificate")
        INCOME_PROOF = "income_proof", _("Proof of income or indigence")
        OTHER = "other", _("Other document")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents",
                             verbose_name=_("case"))
    kind = models.CharField(_("type of document"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("description"), max_length=200, blank=True)
    # The name in the storage (cases/<case>/<random>.<ext>): never derived from the upload.
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("added by"))
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)

    AUDIT_VALUE_FIELDS = ("case", "kind", "content_type", "size", "uploaded_by")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.pk}"


class AppointmentChange(models.Model):
    """One move of an appointment (another time or another worker): its history."""

    appointment = models.ForeignKey("cases.Appointment", on_delete=models.CASCADE,
                                    related_name="changes", verbose_name=_("appointment"))
    from_start = models.DateTimeField(_("was at"))
    to_start = models.DateTimeField(_("moved to"))
    from_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("was with"))
    to_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("now with"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("by"))
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.from_start} → {self.to_start}"
