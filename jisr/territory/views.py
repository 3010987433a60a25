"""The territory browser: région → province → commune, with the census figures. Public."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.templatetags.static import static

from jisr.core.exceptions import NotFound
from jisr.network import selectors as network_selectors
from jisr.territory import selectors
from jisr.territory.models import Arrondissement, CensusIndicators, Province


def _credit():
    return {"source": selectors.data_source()}


def index(request):
    return render(request, "territory/index.html", {
        "regions": selectors.region_list(),
        "geojson": static("territory/regions.geojson"), **_credit()})


def region(request, code: str):
    unit = selectors.region_get(code=code)
    definitions = selectors.indicator_definitions()
    values = selectors.indicators_of(level=CensusIndicators.Level.REGION, code=code)
    provinces = list(selectors.province_list(filters={"region": code}))
    return render(request, "territory/region.html", {
        "region": unit,
        "provinces": [p for p in provinces
                      if p.kind != Province.Kind.PREFECTURE_OF_ARRONDISSEMENTS],
        "sub_prefectures": [p for p in provinces
                            if p.kind == Province.Kind.PREFECTURE_OF_ARRONDISSEMENTS],
        "headline": selectors.headline(values.get("total", {}), definitions),
        "geojson": static(f"territory/communes/{unit.code}.geojson"), **_credit()})


def province(request, code: str):
    unit = selectors.province_get(code=code)
    definitions = selectors.indicator_definitions()
    values = selectors.indicators_of(level=CensusIndicators.Level.PROVINCE, code=code)
    return render(request, "territory/province.html", {
        "province": unit,
        "communes": selectors.commune_list(filters={"province": code}),
        "prefectures": selectors.province_list(filters={"region": unit.region.code}).filter(
            parent=unit),
        "arrondissements": selectors.arrondissement_list(filters={"prefecture": code}),
        "headline": selectors.headline(values.get("total", {}), definitions), **_credit()})


def commune(request, code: str):
    try:
        unit = selectors.commune_get(code=code)
    except NotFound:
        # The region maps link arrondissements too: show them on their city's page.
        arrondissement = Arrondissement.objects.filter(code=code).select_related(
            "commune").first()
        if arrondissement is None:
            raise
        return redirect(f"{request.path.replace(code, arrondissement.commune.code)}"
                        f"#arrondissement-{arrondissement.code}")
    definitions = selectors.indicator_definitions()
    by_area = selectors.indicators_of(level=CensusIndicators.Level.COMMUNE, code=code)
    areas = list(by_area)
    total = by_area.get("total", {})
    table = selectors.indicator_table(total, definitions)
    for group in table:
        group["label"] = selectors.TOPICS.get(group["topic"], group["topic"])
    return render(request, "territory/commune.html", {
        "commune": unit, "areas": areas, "by_area": by_area,
        "headline": selectors.headline(total, definitions), "table": table,
        "arrondissements": selectors.arrondissement_list(filters={"commune": code}),
        "centres": network_selectors.directory_centres(filters={"commune": code})[:50],
        **_credit()})
