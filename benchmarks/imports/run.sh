#!/usr/bin/env bash
# Import benchmark, one command:  benchmarks/imports/run.sh [ROWS]   (default 1000000)
# Generates a CSV of ROWS Moroccan persons (jisr.matching.synth, with duplicates and
# errors), creates its own PostgreSQL database (BENCH_DATABASE_URL, default
# postgres://root@127.0.0.1:5432/jisr_bench_import; dropped and recreated), then times on
# the same machine, in the same run: a raw COPY of the rows into a plain table (the
# physical limit) and `jisr import` of the same file (validated, duplicate-checked,
# written to the registry). Prints the figures and the machine; results in results/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
py="$root/.venv/bin/python"
[ -x "$py" ] || (cd "$root" && make install)
cd "$root"
exec "$py" "$here/bench.py" "${1:-1000000}" "${@:2}"
