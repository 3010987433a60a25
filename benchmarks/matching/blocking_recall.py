"""How many true pairs survive blocking, and how many pairs blocking makes per record.

Runs on the inputs the other benchmarks wrote (run them first):

    benchmarks/matching/run.sh blocking
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).parent))

from common import OUT, save  # noqa: E402

from jisr.matching import blocking_keys, normalise_record  # noqa: E402
from jisr.matching.blocking import candidate_pairs  # noqa: E402

FEBRL_ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]


def febrl_rows(path: Path) -> tuple[list[dict], list[str]]:
    raws, truth = [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            raws.append({
                "id": r["rec_id"], "first_name_lat": r["given_name"],
                "last_name_lat": r["surname"], "birth_date": r["date_of_birth"],
                "address": " ".join(r[a] for a in FEBRL_ADDRESS if r[a]),
            })
            truth.append(re.match(r"(rec-\d+)", r["rec_id"]).group(1))
    return raws, truth


def person_rows(path: Path) -> tuple[list[dict], list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows, [r["true_id"] for r in rows]


def measure(raws: list[dict], truth: list[str]) -> dict[str, float]:
    records = [normalise_record(r) for r in raws]
    keys = [blocking_keys(r) for r in records]
    pairs = set(candidate_pairs(keys, [bool(r.dob_digits) for r in records]))
    clusters: dict[str, list[int]] = defaultdict(list)
    for pos, t in enumerate(truth):
        clusters[t].append(pos)
    true = {p for members in clusters.values() for p in combinations(members, 2)}
    return {
        "records": len(records),
        "true_pairs": len(true),
        "true_pairs_after_blocking": len(true & pairs),
        "share_kept": round(len(true & pairs) / len(true), 4),
        "candidate_pairs": len(pairs),
        "pairs_per_record": round(len(pairs) / len(records), 2),
    }


def main() -> int:
    result = {}
    for name in ("febrl3", "febrl4"):
        path = OUT / f"{name}.input.csv"
        if path.exists():
            result[name] = measure(*febrl_rows(path))
    for path in sorted(OUT.glob("persons*.input.csv")):
        result[path.name.split(".")[0]] = measure(*person_rows(path))
    save("blocking", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
