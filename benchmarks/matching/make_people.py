"""Write a generated Moroccan person list (with its truth columns) as CSV.

    python benchmarks/matching/make_people.py N OUT.csv [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jisr.matching.record import COLUMNS  # noqa: E402
from jisr.matching.synth import generate_people  # noqa: E402

TRUTH = ("true_id", "kind", "trap_of")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duplicate-rate", type=float, default=0.3)
    args = ap.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*COLUMNS, *TRUTH], restval="")
        writer.writeheader()
        for row in generate_people(args.n, seed=args.seed, duplicate_rate=args.duplicate_rate):
            writer.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
