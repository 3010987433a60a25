from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.territory.models import BilingualName, Commune, Region


class Centre(BilingualName):
    class Kind(models.TextChoices):
        JISR = "jisr", _("Jisr centre")
        EPS = "eps", _("Social protection establishment")
        TRAINING = "training", _("Education and training centre")
        WOMEN = "women", _("Women's multifunctional space")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        DISABILITY = "disability", _("Centre for children with disabilities")
        SHELTER = "shelter", _("Emergency shelter")
        MOBILE = "mobile", _("Mobile social emergency unit")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.JISR)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="centres",
                                verbose_name=_("commune"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)

    AUDIT_VALUE_FIELDS = ("name_ar", "name_fr", "code", "kind", "commune", "status")

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["code"]


class PartnerOrganisation(BilingualName):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COMMUNE = "commune", _("Commune")
        HOSPITAL = "hospital", _("Hospital")
        SCHOOL = "school", _("School")
        COOPERATIVE_SUPPORT = "cooperative_support", _("Cooperative support body")
        ADS = "ads", _("Social Development Agency")
        COMPANY = "company", _("Private company")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices,
                            default=Kind.ASSOCIATION)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partners",
                               verbose_name=_("region served"))

    AUDIT_VALUE_FIELDS = ("name_ar", "name_fr", "code", "kind", "region")

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["code"]
