"""Moroccan persons: `jisr dedup` beside recordlinkage and Splink on a generated list.

Arabic-only, Latin-only and mixed records with known duplicates, and traps (twins,
siblings sharing phone and address, a parent and child of one name, look-alike names such
as امحمد / محمد): precision, recall and F1 of automatic matches, and how many trap pairs
each tool auto-matched.

    benchmarks/matching/run.sh persons [N]      (default N = 20000)
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).parent))

from common import OUT, prf, run_jisr_dedup, save  # noqa: E402
from peers import (  # noqa: E402
    load_peer_input,
    recordlinkage_persons,
    splink_persons,
    write_peer_input,
)

from jisr.matching.record import COLUMNS  # noqa: E402
from jisr.matching.synth import generate_people  # noqa: E402


def truth(rows: list[dict[str, str]]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[r["true_id"]].append(r["id"])
    pairs = {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}
    traps = {
        frozenset((r["id"], other))
        for r in rows
        if r["trap_of"]
        for other in clusters[r["trap_of"]]
    }
    return pairs, traps


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 20_000
    OUT.mkdir(parents=True, exist_ok=True)
    rows = list(generate_people(n, seed=2026))
    src = OUT / f"persons{n}.input.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*COLUMNS, "true_id", "kind", "trap_of"],
                                restval="")
        writer.writeheader()
        writer.writerows(rows)
    true_pairs, trap_pairs = truth(rows)
    result: dict[str, object] = {
        "records": n, "true_pairs": len(true_pairs), "trap_pairs": len(trap_pairs),
        "scripts": {
            "arabic_only": sum(1 for r in rows if r.get("first_name_ar")
                               and not r.get("first_name_lat")),
            "latin_only": sum(1 for r in rows if r.get("first_name_lat")
                              and not r.get("first_name_ar")),
            "both": sum(1 for r in rows if r.get("first_name_lat") and r.get("first_name_ar")),
        },
    }
    ours, wall, summary = run_jisr_dedup(src, OUT / f"persons{n}.pairs.csv", ["--workers", "2"])
    print(summary, file=sys.stderr)
    result["jisr"] = {
        "match": prf(ours["match"], true_pairs),
        "match_or_review": prf(ours["match"] | ours["review"], true_pairs),
        "review_pairs": len(ours["review"]),
        "trap_pairs_auto_matched": len(ours["match"] & trap_pairs),
        "trap_pairs_in_review": len(ours["review"] & trap_pairs),
        "seconds": round(wall, 1),
    }
    peer_src = OUT / f"persons{n}.peers.csv"
    write_peer_input(src, peer_src)
    df = load_peer_input(peer_src)
    for name, fn in (("recordlinkage_ecm", recordlinkage_persons), ("splink", splink_persons)):
        links, wall = fn(df)
        result[name] = {
            "match": prf(links, true_pairs),
            "trap_pairs_auto_matched": len(links & trap_pairs),
            "seconds": round(wall, 1),
        }
    save(f"persons{n}", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
