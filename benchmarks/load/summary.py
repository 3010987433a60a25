"""Percentiles of the load benchmark's measured phase, reads and writes apart.

``python summary.py TIMES.json [RESULT.json]``: prints a table (every request name, then
all reads and all writes) and writes it as JSON. Targets (issue 8): client-side p95 under
150 ms for reads and under 300 ms for writes, and no errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGETS = {"read": 150.0, "write": 300.0}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def row(name: str, times: list[float], errors: int) -> dict:
    return {"name": name, "requests": len(times), "errors": errors,
            "p50": round(percentile(times, 50), 1), "p95": round(percentile(times, 95), 1),
            "p99": round(percentile(times, 99), 1), "max": round(max(times, default=0), 1)}


def summarise(data: dict) -> dict:
    times, errors = data["times_ms"], data["errors"]
    rows = [row(name, t, errors.get(name, 0)) for name, t in sorted(times.items())]
    totals = {}
    for kind in TARGETS:
        names = [n for n in times if n.startswith(kind + ":")]
        totals[kind] = row(f"all {kind}s", [x for n in names for x in times[n]],
                           sum(errors.get(n, 0) for n in names))
        totals[kind]["target_p95"] = TARGETS[kind]
        totals[kind]["met"] = totals[kind]["p95"] < TARGETS[kind] and not totals[kind]["errors"]
    return {"requests": rows, "totals": totals,
            "other_errors": {n: e for n, e in errors.items()
                             if not n.startswith(("read:", "write:"))}}


def main() -> None:
    result = summarise(json.loads(Path(sys.argv[1]).read_text()))
    line = "{name:<32} {requests:>8} {errors:>6} {p50:>8} {p95:>8} {p99:>8} {max:>8}"
    print(line.format(name="request", requests="count", errors="errors", p50="p50 ms",
                      p95="p95 ms", p99="p99 ms", max="max ms"))
    for r in result["requests"] + list(result["totals"].values()):
        print(line.format(**r))
    for kind, total in result["totals"].items():
        verdict = "met" if total["met"] else "NOT met"
        print(f"{kind}s: p95 {total['p95']} ms, {total['errors']} errors "
              f"(target p95 < {total['target_p95']:.0f} ms, no errors): {verdict}")
    if result["other_errors"]:
        print(f"other errors: {result['other_errors']}")
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
