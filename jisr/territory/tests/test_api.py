"""The public, read-only territory API."""

import re

import pytest
from django.test import Client

from jisr.territory.models import CensusIndicators, IndicatorDefinition

ARABIC = re.compile(r"[\u0600-\u06ff]")


def _all_pages(client, url):
    rows, page = [], 1
    while True:
        body = client.get(url, {"page": page, "page_size": 200}).json()
        rows += body["results"]
        if not body["next"]:
            return body["count"], rows
        page += 1


def test_the_api_returns_12_regions_and_1503_communes_with_names_and_indicators(db):
    # Given the real territories
    from jisr.territory.services import territories_load

    territories_load()
    anonymous = Client()

    # when anyone lists the regions and the communes
    regions = anonymous.get("/api/v1/territories/regions/").json()
    count, communes = _all_pages(anonymous, "/api/v1/territories/communes/")

    # then there are exactly 12 and 1,503 (arrondissements apart), each with both names
    assert len(regions) == 12
    assert count == len(communes) == 1503
    assert len({c["code"] for c in communes}) == 1503
    for unit in [*regions, *communes]:
        assert unit["name_fr"] and ARABIC.search(unit["name_ar"]), unit
    assert anonymous.get("/api/v1/territories/arrondissements/").json().__len__() == 41

    # and any commune comes with its 2024 census indicators, keyed as the definitions are
    keys = {d["key"] for d in anonymous.get("/api/v1/territories/indicators/").json()}
    assert len(keys) == 114
    for code in (communes[0]["code"], "07.351.01.0", communes[-1]["code"]):
        detail = anonymous.get(f"/api/v1/territories/communes/{code}/").json()
        assert set(detail["indicators"]["total"]) == keys
        assert detail["indicators"]["total"]["population_legal"] == detail["population_2024"]
    marrakech = anonymous.get("/api/v1/territories/communes/07.351.01.0/").json()
    assert len(marrakech["arrondissements"]) == 5
    source = anonymous.get("/api/v1/territories/sources/").json()[0]
    assert source["licence"] == "CC BY 4.0" and "Haut-Commissariat" in source["publisher"]


@pytest.mark.parametrize("persona", ["karim", "omar", None])
def test_everyone_reads_the_same_public_territories(world, client_for, persona):
    # Given the outsider, a coordinator, and an anonymous visitor
    client = client_for(persona) if persona else Client()
    # when they read a region of another scope, then they get it, and only public fields
    region = client.get("/api/v1/territories/regions/07/").json()
    assert region["name_fr"] == "Marrakech-Safi"
    assert set(region) == {"code", "name_ar", "name_fr", "population_2024", "households_2024",
                           "population_2014", "households_2014", "indicators"}


def test_lists_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/territories/communes/").json()["count"] == 3
    with django_assert_max_num_queries(1):
        assert len(client.get("/api/v1/territories/provinces/?region=07").json()) == 2
    with django_assert_max_num_queries(1):
        assert len(client.get("/api/v1/territories/regions/").json()) == 2


def test_a_commune_gives_its_indicators_by_area(world):
    IndicatorDefinition.objects.create(key="disability_prevalence", subject="people",
                                       topic="disability", label_en="Disability prevalence",
                                       label_fr="Prévalence du handicap", heading_fr="Handicap",
                                       unit="percent")
    CensusIndicators.objects.create(level="commune", code="07.351.01.0", area="total",
                                    values={"disability_prevalence": 4.2})
    CensusIndicators.objects.create(level="commune", code="07.351.01.0", area="urban",
                                    values={"disability_prevalence": 4.1})
    body = Client().get("/api/v1/territories/communes/07.351.01.0/").json()
    assert body["indicators"] == {"total": {"disability_prevalence": 4.2},
                                  "urban": {"disability_prevalence": 4.1}}


def test_an_unknown_commune_is_not_found_in_the_error_format(db):
    response = Client().get("/api/v1/territories/communes/99.999.99.9/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_writes_are_refused(world, client_for):
    response = client_for("admin").post("/api/v1/territories/regions/", {})
    assert response.status_code == 405
