"""`jisr dedup`: CSV in, pairs out, clear errors, bad rows counted and never fatal."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jisr.matching.cli import main

ROWS = [
    {"id": "1", "first_name_ar": "محمد", "last_name_ar": "العلوي", "birth_date": "1985-03-12",
     "sex": "M", "commune_code": "04.261.01.0", "cin": "AB123456"},
    {"id": "2", "first_name_lat": "Mohammed", "last_name_lat": "El Alaoui",
     "birth_date": "12/03/1985", "sex": "M", "commune_code": "04.261.01.0", "cin": "ab 123456"},
    {"id": "3", "first_name_lat": "Khadija", "last_name_lat": "Bennani",
     "birth_date": "31/31/1990", "sex": "F", "phone": "0612345678"},
    {"id": "4", "first_name_lat": "Khadija", "last_name_lat": "Benani",
     "birth_date": "1990", "sex": "F", "phone": "06 12 34 56 78", "cin": "12-34"},
    {"id": "5", "first_name_lat": "Omar", "last_name_lat": "Sqalli", "birth_date": "1970-01-20"},
]


def write_csv(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> Path:
    names = fieldnames or sorted({k for r in rows for k in r})
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=names, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_pairs(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_it_writes_matches_and_reviews_with_reasons(tmp_path: Path, capsys) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    out = tmp_path / "pairs.csv"
    assert main([str(src), "--out", str(out), "--no-estimate", "--no-progress"]) == 0
    pairs = read_pairs(out)
    assert list(pairs[0]) == ["id_a", "id_b", "score", "decision", "reasons"]
    by_ids = {(p["id_a"], p["id_b"]): p for p in pairs}
    assert by_ids[("1", "2")]["decision"] == "match"
    assert "same CIN" in by_ids[("1", "2")]["reasons"]
    assert all(p["decision"] in ("match", "review") for p in pairs)
    assert not any("5" in (p["id_a"], p["id_b"]) for p in pairs)


def test_bad_values_are_counted_and_reported_not_fatal(tmp_path: Path, capsys) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    assert main([str(src), "--out", str(tmp_path / "o.csv"), "--no-estimate"]) == 0
    err = capsys.readouterr().err
    assert "5 records read, 2 with unreadable values" in err
    assert "invalid_date: 1" in err and "invalid_cin: 1" in err


def test_columns_map_and_join_other_headers(tmp_path: Path) -> None:
    rows = [
        {"ref": "a", "given": "Ahmed", "surname": "Tazi", "dob": "1960-05-05", "street": "3 Rue",
         "town": "Fes"},
        {"ref": "b", "given": "Ahmad", "surname": "Ettazi", "dob": "1960-05-05", "street": "3 Rue",
         "town": "Fes"},
    ]
    src = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "o.csv"
    code = main([
        str(src), "--out", str(out), "--no-estimate",
        "--columns", "id=ref,first_name_lat=given,last_name_lat=surname,birth_date=dob,"
        "address=street+town",
    ])
    assert code == 0
    assert [(p["id_a"], p["id_b"]) for p in read_pairs(out)] == [("a", "b")]


def test_threshold_overrides_the_match_threshold(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    out = tmp_path / "o.csv"
    main([str(src), "--out", str(out), "--no-estimate", "--threshold", "1.0",
          "--review-threshold", "0.5"])
    assert all(p["decision"] == "review" for p in read_pairs(out))


def test_reason_codes_option_writes_stable_codes(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    out = tmp_path / "o.csv"
    main([str(src), "--out", str(out), "--no-estimate", "--reason-codes"])
    reasons = read_pairs(out)[0]["reasons"].split(";")
    assert "same_cin" in reasons


@pytest.mark.parametrize(
    ("argv_tail", "message"),
    [
        (["--columns", "given_name=first"], "unknown column 'given_name'"),
        (["--columns", "first_name_lat=nosuch"], "the input has no column 'nosuch'"),
        (["--relax", "everything"], "unknown rule 'everything'"),
        (["--threshold", "1.5"], "--threshold must be between 0 and 1"),
    ],
)
def test_it_explains_bad_options(tmp_path: Path, capsys, argv_tail, message) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    assert main([str(src), "--out", str(tmp_path / "o.csv"), *argv_tail]) == 2
    assert message in capsys.readouterr().err


def test_it_reports_a_missing_file(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_it_reports_a_file_that_is_not_utf8(tmp_path: Path, capsys) -> None:
    src = tmp_path / "latin1.csv"
    src.write_bytes("id,first_name_lat\n1,Aïcha\n".encode("latin-1"))
    assert main([str(src), "--out", str(tmp_path / "o.csv")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_it_reports_a_file_without_known_columns(tmp_path: Path, capsys) -> None:
    src = write_csv(tmp_path / "in.csv", [{"foo": "1", "bar": "2"}])
    assert main([str(src), "--out", str(tmp_path / "o.csv")]) == 2
    assert "none of the recognised columns" in capsys.readouterr().err


def test_semicolon_files_are_read(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id;first_name_lat;last_name_lat;birth_date;cin\n"
        "1;Said;Naciri;1970-01-01;A1234\n2;Saïd;Nasiri;1970-01-01;A1234\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    assert main([str(src), "--out", str(out), "--no-estimate"]) == 0
    assert read_pairs(out)[0]["decision"] == "match"


def test_estimation_runs_on_a_generated_list(tmp_path: Path) -> None:
    from jisr.matching import COLUMNS, generate_people

    rows = list(generate_people(1500, seed=9))
    src = write_csv(tmp_path / "in.csv", rows, [*COLUMNS, "true_id", "kind", "trap_of"])
    out = tmp_path / "o.csv"
    assert main([str(src), "--out", str(out), "--workers", "2"]) == 0
    truth = {r["id"]: r["true_id"] for r in rows}
    matches = [p for p in read_pairs(out) if p["decision"] == "match"]
    correct = sum(1 for p in matches if truth[p["id_a"]] == truth[p["id_b"]])
    assert matches and correct / len(matches) > 0.98
