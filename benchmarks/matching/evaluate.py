"""Precision, recall and F1 of a pairs file against a labelled input (shared by the benchmarks).

    python benchmarks/matching/evaluate.py INPUT.csv PAIRS.csv [--id id] [--truth true_id]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from itertools import combinations


def true_pairs(path: str, id_col: str, truth_col: str) -> tuple[set[frozenset[str]], dict, dict]:
    clusters: dict[str, list[str]] = defaultdict(list)
    trap_of: dict[str, str] = {}
    truth_of: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            clusters[row[truth_col]].append(row[id_col])
            truth_of[row[id_col]] = row[truth_col]
            if row.get("trap_of"):
                trap_of[row[id_col]] = row["trap_of"]
    pairs = {frozenset(p) for ids in clusters.values() for p in combinations(ids, 2)}
    return pairs, truth_of, trap_of


def scores(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    tp = len(predicted & truth)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def is_trap(pair: frozenset[str], truth_of: dict, trap_of: dict) -> bool:
    """A pair joining a trap record (a relative, twin, homonym, look-alike) to any record
    of the person it is a trap for."""
    a, b = tuple(pair)
    return bool(
        (trap_of.get(a) and trap_of[a] == truth_of.get(b))
        or (trap_of.get(b) and trap_of[b] == truth_of.get(a))
    )


def trap_pairs(predicted: set[frozenset[str]], truth_of: dict, trap_of: dict) -> int:
    return sum(1 for pair in predicted if is_trap(pair, truth_of, trap_of))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("pairs")
    ap.add_argument("--id", default="id")
    ap.add_argument("--truth", default="true_id")
    args = ap.parse_args(argv)
    truth, truth_of, trap_of = true_pairs(args.input, args.id, args.truth)
    match, review = set(), set()
    with open(args.pairs, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (match if row["decision"] == "match" else review).add(
                frozenset((row["id_a"], row["id_b"]))
            )
    result = {
        "true_pairs": len(truth),
        "match": scores(match, truth),
        "match_or_review": scores(match | review, truth),
        "review_pairs": len(review),
        "trap_pairs_total": sum(
            1 for t in trap_of for rid, tid in truth_of.items() if tid == trap_of[t]
        ),
        "trap_pairs_auto_matched": trap_pairs(match, truth_of, trap_of),
        "trap_pairs_in_review": trap_pairs(review, truth_of, trap_of),
    }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
