from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Names in Arabic and French; ``name`` follows the active language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)

    AUDIT_VALUE_FIELDS = ("name_ar", "name_fr", "code")
    AUDIT_LABEL_PUBLIC = True

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr


class Region(BilingualName):
    code = models.CharField(_("HCP code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Province(BilingualName):
    """A province or a prefecture (including Casablanca's prefectures of arrondissements)."""

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces",
                               verbose_name=_("region"))

    class Meta:
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")
        ordering = ["code"]


class Commune(BilingualName):
    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes",
                                 verbose_name=_("province or prefecture"))

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code"]
