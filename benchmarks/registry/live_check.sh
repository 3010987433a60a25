#!/usr/bin/env bash
# Live duplicate check over HTTP (benchmarks/README.md, "Registry: live duplicate check").
#
#   benchmarks/registry/live_check.sh [PERSONS]        # default 1000000
#
# Creates a PostgreSQL database, loads the territories, the demo network and PERSONS demo
# persons (`jisr demo --no-serve --persons PERSONS`), serves Jisr with gunicorn (`jisr
# serve`, 2 x cores + 1 workers), logs in as the reception officer `amina` through the API
# token endpoint, and measures from the client the latency of POST
# /api/v1/persons/duplicates/ for misspelt variants of registered persons and for new
# persons: one request at a time, then from CLIENTS concurrent clients.
#
# Environment: BENCH_DB (jisr_bench_live), PGHOST (127.0.0.1), PGPORT (5432), PGUSER
# (root), PORT (8765), CLIENTS (4), VARIANTS (2000), NEW (1000), KEEP_DB=1 to reuse a
# database loaded by an earlier run (only missing persons are then added), SKIP_LOAD=1 to
# use it as it is (no `jisr demo` at all: after other changes to the registry, the demo
# would otherwise scan it for duplicates again).
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS=${1:-1000000}
DB=${BENCH_DB:-jisr_bench_live}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-root}
PORT=${PORT:-8765}
CLIENTS=${CLIENTS:-4}
WORKERS=$((2 * $(nproc) + 1))
OUT=var/bench-live
mkdir -p "$OUT"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" JISR_DEMO=1 JISR_DATA_DIR="$OUT"
BIN=.venv/bin

echo "== machine"
echo "nproc: $(nproc)"
lscpu | grep -m1 "Model name" || true
free -h | head -2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${KEEP_DB:-0}" != 1 ] && [ "${SKIP_LOAD:-0}" != 1 ]; then
  dropdb --if-exists "$DB"
  createdb "$DB"
fi
if [ "${SKIP_LOAD:-0}" != 1 ]; then
  echo "== load: jisr demo --no-serve --persons $PERSONS"
  start=$(date +%s)
  $BIN/jisr demo --no-serve --persons "$PERSONS" | grep -v "^  persons"
  echo "load took $(( $(date +%s) - start )) s (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
fi
# Statistics for every table (the load analyses the registry's; autovacuum, which would do
# the rest, may be off on a test server, as on the one of benchmarks/README.md).
psql -d "$DB" -qc "ANALYZE"
psql -d "$DB" -Atc "SELECT 'persons ' || count(*) FROM registry_person"
psql -d "$DB" -Atc "SELECT 'match keys ' || count(*) FROM registry_personmatchkey"

echo "== serve: jisr serve --workers $WORKERS"
$BIN/jisr serve --bind "127.0.0.1:$PORT" --workers "$WORKERS" > "$OUT/serve.log" 2>&1 &
server=$!
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 1
done

# The machine is shared: sample the load average while the client runs.
( while true; do cut -d' ' -f1 /proc/loadavg; sleep 5; done ) > "$OUT/load.txt" &
sampler=$!

echo "== client: live_check.py (one client, then $CLIENTS)"
$BIN/python benchmarks/registry/live_check.py --url "http://127.0.0.1:$PORT" \
  --clients "$CLIENTS" --variants "${VARIANTS:-2000}" --new "${NEW:-1000}" \
  --server-pid "$server"

kill "$sampler" 2>/dev/null || true
sampler=
sort -n "$OUT/load.txt" | awk '{a[NR]=$1; s+=$1} END {if (NR) printf "load average during the run: min %s, mean %.1f, max %s (%d samples)\n", a[1], s/NR, a[NR], NR}'
