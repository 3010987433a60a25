"""The machine's speed at this moment: a fixed pure-Python workload (dicts, strings, sorting,
the kind of work a page does), best of five, in milliseconds; lower is faster.

This machine's speed drifts by a fifth and more from one hour to the next (a shared
virtual machine), so ``run.sh`` prints this before and after each load run: two runs'
figures can only be compared with the speed they ran at.
"""

from __future__ import annotations

import time


def workload() -> int:
    rows = [{"id": i, "name": f"person {i % 977}", "due": (i * 7919) % 10007} for i in
            range(60_000)]
    rows.sort(key=lambda row: (row["due"], row["id"]))
    text = "".join(f"<tr><td>{row['name']}</td><td>{row['due']}</td></tr>" for row in rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["name"]] = counts.get(row["name"], 0) + 1
    return len(text) + len(counts)


def main() -> None:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        workload()
        best = min(best, time.process_time() - start)
    print(f"{best * 1000:.0f}")


if __name__ == "__main__":
    main()
