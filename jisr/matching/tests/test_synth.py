"""The generator: deterministic, realistic columns, known duplicates and traps."""

from __future__ import annotations

from collections import Counter

from jisr.matching import COLUMNS, generate_people


def test_it_is_deterministic_for_a_seed() -> None:
    assert list(generate_people(200, seed=5)) == list(generate_people(200, seed=5))
    assert list(generate_people(200, seed=5)) != list(generate_people(200, seed=6))


def test_it_yields_exactly_n_records_with_known_columns() -> None:
    rows = list(generate_people(500, seed=1))
    assert len(rows) == 500
    allowed = set(COLUMNS) | {"true_id", "kind", "trap_of"}
    assert all(set(r) <= allowed for r in rows)
    assert len({r["id"] for r in rows}) == 500


def test_duplicates_share_a_true_id_and_traps_point_to_someone_else() -> None:
    rows = list(generate_people(3000, seed=2, duplicate_rate=0.4, trap_rate=0.2))
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["duplicate"] > 300
    assert {"twin", "sibling", "father_son", "lookalike"} <= set(kinds)
    truth = {r["true_id"] for r in rows}
    for r in rows:
        if r["trap_of"]:
            assert r["trap_of"] in truth and r["trap_of"] != r["true_id"]


def test_it_mixes_arabic_only_latin_only_and_both() -> None:
    rows = list(generate_people(600, seed=4))
    ar_only = sum(1 for r in rows if r.get("first_name_ar") and not r.get("first_name_lat"))
    lat_only = sum(1 for r in rows if r.get("first_name_lat") and not r.get("first_name_ar"))
    both = sum(1 for r in rows if r.get("first_name_lat") and r.get("first_name_ar"))
    assert min(ar_only, lat_only, both) > 100
