"""Speed and memory: `jisr dedup` and Splink on the same generated list of N records.

Each tool runs in its own process under /usr/bin/time -v (wall time, peak resident
memory). Splink gets the cleaned peer columns (see peers.py); that cleaning is not timed.

    benchmarks/matching/run.sh speed [N [jisr|splink]]   (default N = 1000000, both)
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).parent))

from common import OUT, ROOT, save  # noqa: E402
from peers import write_peer_input  # noqa: E402

from jisr.matching.record import COLUMNS  # noqa: E402
from jisr.matching.synth import generate_people  # noqa: E402


def timed(
    cmd: list[str], env: dict[str, str] | None = None, timeout: int | None = None
) -> dict[str, object]:
    full = ["/usr/bin/time", "-v", *cmd]
    if timeout:
        full = ["timeout", str(timeout), *full]
    proc = subprocess.run(full, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"failed": f"exit status {proc.returncode} (124: stopped at {timeout} s)",
                "stderr": proc.stderr[-1500:]}
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    parts = [float(x) for x in wall.group(1).split(":")] if wall else [0.0]
    seconds = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    cpu = sum(
        float(m.group(1))
        for m in re.finditer(r"(?:User|System) time \(seconds\): ([0-9.]+)", proc.stderr)
    )
    tail = [line for line in proc.stderr.splitlines() if not line.startswith("\t")]
    return {"wall_seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
            "output": tail[-4:]}


SPLINK_SCRIPT = """
import sys, time
sys.path.insert(0, {here!r})
from peers import load_peer_input, splink_persons
df = load_peer_input({src!r})
links, wall = splink_persons(df, large=True)
print(len(links), 'pairs at 0.9', round(wall, 1), 's')
"""


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 1_000_000
    OUT.mkdir(parents=True, exist_ok=True)
    src = OUT / f"speed{n}.input.csv"
    if not src.exists():
        start = time.perf_counter()
        with open(src, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=[*COLUMNS, "true_id", "kind", "trap_of"],
                                    restval="")
            writer.writeheader()
            writer.writerows(generate_people(n, seed=7))
        print(f"generated {n:,} records in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result: dict[str, object] = {"records": n, "nproc": os.cpu_count()}
    if "splink" not in argv[1:]:
        result["jisr"] = timed(
            [sys.executable, "-m", "jisr.matching.cli", str(src), "--out",
             str(OUT / f"speed{n}.pairs.csv"), "--no-progress", "--workers", "2"],
            env,
        )
        save(f"speed{n}.jisr", result)
    if "jisr" not in argv[1:]:
        peer_src = OUT / f"speed{n}.peers.csv"
        if not peer_src.exists():
            write_peer_input(src, peer_src)
        script = SPLINK_SCRIPT.format(here=str(Path(__file__).parent), src=str(peer_src))
        # Splink is given 12 minutes, past the 10-minute target.
        result["splink"] = timed([sys.executable, "-c", script], env, timeout=720)
        save(f"speed{n}.splink", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
