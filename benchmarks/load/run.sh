#!/usr/bin/env bash
# Load benchmark (benchmarks/README.md, "Load"): centre staff at work against 1,000,000
# persons and 2,000,000 cases in PostgreSQL, the server, the database and locust together on
# this machine.
#
#   benchmarks/load/run.sh [PERSONS [CASES]]      # default 1000000 2000000
#
# 1. creates the database (BENCH_DB, default jisr_bench_load) and loads the demo at that
#    size with `jisr demo --no-serve --persons PERSONS --cases CASES` (timed), then VACUUM
#    ANALYZE (KEEP_DB=1 reuses a loaded database and adds only what is missing; SKIP_LOAD=1
#    uses it as it is);
# 2. times `jisr refresh-kpis --full` (every activity figure recomputed);
# 3. serves Jisr as the standard deployment does: `jisr serve` (gunicorn, WORKERS, default
#    2 x cores + 1) and one `jisr worker`;
# 4. runs locust headless: USERS (50) centre staff (benchmarks/load/locustfile.py), 1-3 s of
#    thought between actions, spawned at 5 a second; measures for DURATION (10m) once
#    WARMUP seconds (60) have passed after the last login;
# 5. prints the percentiles of reads and writes (summary.py), with the load average sampled
#    every 5 s and the CPU time of the server, the database and locust.
#
# Environment: BENCH_DB, PGHOST (127.0.0.1), PGPORT (5432), PGUSER (root), PORT (8766),
# USERS, DURATION, WARMUP, WORKERS, LANGUAGE (ar), KEEP_DB, SKIP_LOAD, SKIP_REFRESH=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/load
PERSONS=${1:-1000000}
CASES=${2:-2000000}
DB=${BENCH_DB:-jisr_bench_load}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-root}
PORT=${PORT:-8766}
USERS=${USERS:-50}
DURATION=${DURATION:-10m}
WARMUP=${WARMUP:-60}
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}
OUT=var/bench-load
RESULTS=$HERE/results
mkdir -p "$OUT" "$RESULTS"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" JISR_DEMO=1 JISR_DATA_DIR="$OUT"
BIN=.venv/bin
STAMP=$(date -u +%Y%m%dT%H%M)

venv=benchmarks/.venv-load
if [ ! -x "$venv/bin/locust" ]; then
  python3.11 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$HERE/requirements.txt"
fi

echo "== machine"
echo "nproc: $(nproc)"
lscpu | grep -m1 "Model name" || true
free -h | head -2
psql -d postgres -Atc "SELECT 'postgresql ' || current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem') || ', max_connections ' || current_setting('max_connections')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${KEEP_DB:-0}" != 1 ] && [ "${SKIP_LOAD:-0}" != 1 ]; then
  dropdb --if-exists "$DB"
  createdb "$DB"
fi
if [ "${SKIP_LOAD:-0}" != 1 ]; then
  echo "== load: jisr demo --no-serve --persons $PERSONS --cases $CASES"
  /usr/bin/time -f "load took %e s wall, %M KB peak" \
    $BIN/jisr demo --no-serve --persons "$PERSONS" --cases "$CASES" | grep -v "^  persons"
  echo "load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  # Index-only scans need the visibility map that VACUUM writes, the planner needs
  # statistics; autovacuum may be off on a test server (it is on this one).
  /usr/bin/time -f "VACUUM ANALYZE took %e s" psql -d "$DB" -qc "VACUUM ANALYZE"
fi
psql -d "$DB" -Atc "SELECT 'persons ' || count(*) FROM registry_person" \
  -c "SELECT 'cases ' || count(*) FROM cases_case" \
  -c "SELECT 'open cases ' || count(*) FROM cases_case WHERE stage <> 'closed'" \
  -c "SELECT 'referrals ' || count(*) FROM cases_referral" \
  -c "SELECT 'database size ' || pg_size_pretty(pg_database_size('$DB'))"

if [ "${SKIP_REFRESH:-0}" != 1 ]; then
  echo "== refresh of every activity figure: jisr refresh-kpis --full"
  /usr/bin/time -f "refresh took %e s wall, %M KB peak" $BIN/jisr refresh-kpis --full
fi

echo "== plan"
$BIN/python $HERE/prepare.py "$OUT/plan.json" --users "$USERS"

echo "== serve: jisr serve --workers $WORKERS, and one jisr worker"
$BIN/jisr serve --bind "127.0.0.1:$PORT" --workers "$WORKERS" > "$OUT/serve.log" 2>&1 &
server=$!
$BIN/jisr worker > "$OUT/worker.log" 2>&1 &
worker=$!
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$server" "$worker" 2>/dev/null || true
  # The worker ends its current job before leaving: a long one is not the benchmark's
  sleep 5
  kill -9 "$worker" 2>/dev/null || true
  wait "$server" "$worker" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
  sleep 1
done

cpu() {  # CPU seconds of the processes whose command line matches $1
  ps -eo times=,args= | awk -v pat="$1" '{t = $1; $1 = ""} $0 ~ pat {s += t} END {print s + 0}'
}
# The server's processes (jisr serve, gunicorn) and the worker's (jisr worker) apart: the
# worker runs the periodic jobs, whose catching up competes with the pages; the machine's
# busy and I/O-wait time from /proc/stat.
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
speed_before="$($BIN/python "$HERE/speed.py")"  # the machine's speed, before the load
cpu_before="$(cpu 'gunicorn|jisr serve') $(cpu 'jisr worker')"
busy_before="$(busy)"

(while true; do cut -d' ' -f1 /proc/loadavg; sleep 5; done) > "$OUT/loadavg.txt" &
sampler=$!

echo "== locust: $USERS users, $DURATION measured after the logins and $WARMUP s of warm-up (language ${LANGUAGE:-ar})"
LOAD_PLAN="$OUT/plan.json" /usr/bin/time -o "$OUT/locust.time" -f "locust and its users: %U s user, %S s system" \
  "$venv/bin/locust" -f "$HERE/locustfile.py" --headless --host "http://127.0.0.1:$PORT" \
  -u "$USERS" -r 5 -t "${DURATION}$((WARMUP + USERS / 5 + 5))s" --warmup "$WARMUP" \
  --language "${LANGUAGE:-ar}" \
  --times-out "$OUT/times.json" --csv "$OUT/locust" --only-summary \
  --exit-code-on-error 0 2>&1 | tail -n 40
kill "$sampler" 2>/dev/null || true
sampler=
cpu_after="$(cpu 'gunicorn|jisr serve') $(cpu 'jisr worker')"
busy_after="$(busy)"
speed_after="$($BIN/python "$HERE/speed.py")"

echo "== result"
$BIN/python $HERE/summary.py "$OUT/times.json" "$RESULTS/load-$STAMP.json"
read -r app0 work0 <<< "$cpu_before"
read -r app1 work1 <<< "$cpu_after"
echo "requests of the whole locust run (logins and warm-up included), which the CPU times cover: $(awk -F, '$2 == "Aggregated" {print $3}' "$OUT/locust_stats.csv")"
read -r b0 w0 t0 <<< "$busy_before"
read -r b1 w1 t1 <<< "$busy_after"
# PostgreSQL's own figure is the machine's busy time less the others': ps loses the CPU of
# a backend that ended during the run (the server reconnects every JISR_DB_CONN_MAX_AGE).
awk -v b=$((b1 - b0)) -v w=$((w1 - w0)) -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
  -v app=$((app1 - app0)) -v work=$((work1 - work0)) -v cores="$(nproc)" \
  -v locust="$(awk '{print $5 + $8}' "$OUT/locust.time")" -v lt="$(cat "$OUT/locust.time")" \
  'BEGIN {printf "CPU during the run: Jisr'"'"'s web server %d s, its worker (background jobs) %d s, PostgreSQL and the rest %.0f s; %s\n", app, work, b / hz - app - work - locust, lt
          printf "machine during the run: CPU busy %.0f %%, waiting for I/O %.0f %% (of %d cores): %.0f s of CPU in all\n", 100 * b / t, 100 * w / t, cores, b / hz}'
awk '{s += $1; n++; if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1}
     END {printf "load average during the run: mean %.1f, min %.1f, max %.1f (%d samples)\n", s/n, min, max, n}' \
  "$OUT/loadavg.txt"
echo "machine speed (benchmarks/load/speed.py, a fixed Python workload, ms, lower is faster): $speed_before before the run, $speed_after after"
echo "results: $RESULTS/load-$STAMP.json, locust's own tables: $OUT/locust_stats.csv"
