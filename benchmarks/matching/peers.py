"""The two peers on a generated Moroccan list: the same cleaned columns for both.

Neither peer knows about scripts, so each gets one name column per name, Latin when the
record has it and Arabic otherwise, lower-cased and stripped of accents, and dates, CINs and
phones already in one form (our normaliser does this cleaning, which any pipeline would do;
it is not counted in their time).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jisr.matching.normalise import (  # noqa: E402
    InvalidValue,
    normalise_address,
    normalise_cin,
    normalise_date,
    normalise_name,
    normalise_phone,
    normalise_sex,
)

PEER_COLUMNS = [
    "uid", "first_name", "last_name", "father_name", "birth_date", "sex", "cin", "phone",
    "commune_code", "address",
]


def _safe(fn, value):
    try:
        return fn(value)
    except InvalidValue:
        return ""


def clean_row(row: dict[str, str]) -> dict[str, str]:
    date = _safe(normalise_date, row.get("birth_date"))
    return {
        "uid": row["id"],
        "first_name": normalise_name(row.get("first_name_lat") or row.get("first_name_ar")),
        "last_name": normalise_name(row.get("last_name_lat") or row.get("last_name_ar")),
        "father_name": normalise_name(row.get("father_name")),
        "birth_date": date.iso() if date and date.month else "",
        "sex": _safe(normalise_sex, row.get("sex")),
        "cin": _safe(normalise_cin, row.get("cin")),
        "phone": _safe(normalise_phone, row.get("phone")),
        "commune_code": row.get("commune_code") or "",
        "address": normalise_address(row.get("address")),
    }


def write_peer_input(src: Path, dst: Path) -> None:
    with open(src, encoding="utf-8", newline="") as fh, open(
        dst, "w", encoding="utf-8", newline=""
    ) as out:
        writer = csv.DictWriter(out, fieldnames=PEER_COLUMNS)
        writer.writeheader()
        for row in csv.DictReader(fh):
            writer.writerow(clean_row(row))


def load_peer_input(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df.replace("", None)


def recordlinkage_persons(df: pd.DataFrame) -> tuple[set[frozenset[str]], float]:
    """recordlinkage: blocking on name and birth-date combinations (single-name blocks are
    too large on this list: every tenth man is a Mohamed), Jaro-Winkler on names, exact
    on the rest, unsupervised ECM."""
    import recordlinkage

    start = time.perf_counter()
    data = df.set_index("uid")
    indexer = recordlinkage.Index()
    indexer.block(["first_name", "last_name"])
    indexer.block(["last_name", "birth_date"])
    indexer.block(["first_name", "birth_date"])
    indexer.block("cin")
    indexer.block("phone")
    candidates = indexer.index(data)
    comp = recordlinkage.Compare()
    comp.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="fn")
    comp.string("last_name", "last_name", method="jarowinkler", threshold=0.85, label="ln")
    comp.string("father_name", "father_name", method="jarowinkler", threshold=0.85,
                label="father")
    comp.exact("birth_date", "birth_date", label="dob")
    comp.exact("sex", "sex", label="sex")
    comp.exact("cin", "cin", label="cin")
    comp.exact("phone", "phone", label="phone")
    comp.exact("commune_code", "commune_code", label="commune")
    comp.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    features = comp.compute(candidates, data)
    links = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    return {frozenset(p) for p in links}, time.perf_counter() - start


def splink_persons(
    df: pd.DataFrame, threshold: float = 0.9, *, large: bool = False
) -> tuple[set[frozenset[str]], float]:
    """Splink 5 with a model in the style of its documented person examples.

    ``large`` replaces the rules on both names alone (for prediction and for EM) by both
    names with the birth date: on a million Moroccan records the blocks of both names
    alone ("mohamed alaoui") make hundreds of millions of pairs.
    """
    import splink.comparison_library as cl
    from common import splink_dedupe
    from splink import block_on

    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("father_name"),
        cl.DateOfBirthComparison(
            "birth_date", input_is_string=True, datetime_format="%Y-%m-%d",
            invalid_dates_as_null=True,
        ),
        cl.ExactMatch("sex"),
        cl.ExactMatch("cin"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("commune_code").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
    ]
    blocking = [
        block_on("first_name", "last_name", "birth_date")
        if large
        else block_on("first_name", "last_name"),
        block_on("last_name", "birth_date"),
        block_on("first_name", "birth_date"),
        block_on("cin"),
        block_on("phone"),
    ]
    deterministic = [block_on("first_name", "last_name", "birth_date"), block_on("cin")]
    em = [
        block_on("birth_date"),
        block_on("first_name", "last_name", "birth_date")
        if large
        else block_on("first_name", "last_name"),
    ]
    return splink_dedupe(df, comparisons, blocking, deterministic, em, threshold=threshold,
                         recall=0.7)
