"""The generator: deterministic, realistic columns, known duplicates and traps."""

from __future__ import annotations

from collections import Counter

from jisr.matching import COLUMNS, generate_people
from jisr.matching.names_data import FAMILY, FAMILY_CUM_WEIGHTS


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


def test_first_names_are_concentrated_and_family_names_spread() -> None:
    # Given 20,000 generated persons
    rows = [r for r in generate_people(20_000, seed=8, duplicate_rate=0) if r["kind"] == "original"]
    men = [r for r in rows if r.get("first_name_ar") and r.get("sex") in ("M", "m", "H", "ذكر")]
    firsts = Counter(r["first_name_ar"] for r in men)
    families = Counter(r["last_name_ar"] for r in rows if r.get("last_name_ar"))
    # Then Mohamed is the commonest man's name, borne by about one man in eight
    assert firsts.most_common(1)[0][0] == "محمد"
    assert 0.08 < firsts["محمد"] / len(men) < 0.2
    # while no family name holds more than 2 % and most names are borne by one or two
    total = sum(families.values())
    assert families.most_common(1)[0][1] / total < 0.02
    assert len(families) > 5000
    assert sum(n for n in families.values() if n <= 2) / total > 0.3


def test_there_are_tens_of_thousands_of_family_names() -> None:
    assert len(FAMILY) > 20_000
    assert len(FAMILY_CUM_WEIGHTS) == len(FAMILY)
    assert len({arabic for arabic, _ in FAMILY}) == len(FAMILY)


def test_ages_follow_the_census_not_a_flat_line() -> None:
    rows = list(generate_people(5000, seed=9, duplicate_rate=0, trap_rate=0))
    years = [int(r["birth_date"][:4]) for r in rows if r["birth_date"][:4].isdigit()]
    young = sum(1 for y in years if y >= 2005) / len(years)
    old = sum(1 for y in years if y < 1965) / len(years)
    assert 0.25 < young < 0.4 and 0.08 < old < 0.2
