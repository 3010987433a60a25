"""Shared helpers of the matching benchmarks: running `jisr dedup`, the peers, scoring."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "matching" / "results"


def true_pairs_from_clusters(cluster_of: dict[str, str]) -> set[frozenset[str]]:
    clusters: dict[str, list[str]] = defaultdict(list)
    for rid, cl in cluster_of.items():
        clusters[cl].append(rid)
    return {frozenset(p) for ids in clusters.values() for p in combinations(sorted(ids), 2)}


def prf(predicted: Iterable[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    predicted = set(predicted)
    tp = len(predicted & truth)
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
        "recall": round(recall, 4), "f1": round(f1, 4),
    }


def run_jisr_dedup(
    input_csv: Path, out_csv: Path, extra: list[str] | None = None
) -> tuple[dict[str, set[frozenset[str]]], float, str]:
    """Run the real command; returns pairs by decision, wall seconds and its summary."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "jisr.matching.cli", str(input_csv), "--out", str(out_csv),
           "--no-progress", *(extra or [])]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"jisr dedup failed ({proc.returncode}): {proc.stderr}")
    pairs: dict[str, set[frozenset[str]]] = {"match": set(), "review": set()}
    with open(out_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pairs[row["decision"]].add(frozenset((row["id_a"], row["id_b"])))
    return pairs, wall, proc.stderr.strip()


def save(name: str, result: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=1, ensure_ascii=False))


def splink_dedupe(
    df,  # pandas DataFrame with a unique "uid" column
    comparisons: list,
    blocking_rules: list,
    deterministic_rules: list,
    em_rules: list,
    *,
    recall: float = 0.9,
    threshold: float = 0.9,
    max_pairs: float = 1e6,
) -> tuple[set[frozenset[str]], float]:
    """Splink 5 on DuckDB, the documented unsupervised recipe: prior from deterministic
    rules, u by random sampling, m by EM sessions; pairs at ``threshold`` or above."""
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator

    start = time.perf_counter()
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(df)
    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=comparisons,
    )
    linker = Linker(sdf, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        deterministic_rules, recall=recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(threshold_match_probability=threshold)
    rows = pred.as_duckdbpyrelation().select("uid_l, uid_r").fetchall()
    wall = time.perf_counter() - start
    return {frozenset((str(a), str(b))) for a, b in rows}, wall
