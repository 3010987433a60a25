#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite (always), on PostgreSQL and in Chromium
# (when available). Writes var/ci/<run>.status ("ran" or "skipped: why") for .ci/run, and ends
# with a summary naming what was skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
STATUS=var/ci
mkdir -p "$STATUS"
rm -f "$STATUS"/*.status
failed=0
summary=()

record() {  # name status
  echo "$2" > "$STATUS/$1.status"
  summary+=("$1: $2")
}

echo "== ruff"
if $BIN/ruff check .; then summary+=("ruff: clean"); else summary+=("ruff: FAILED"); failed=1; fi

echo "== pytest on SQLite"
if $BIN/python -m pytest -m "not browser" -n 2 -q; then record sqlite ran; else record sqlite failed; failed=1; fi

PG_URL=${JISR_TEST_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}
if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(dbname=c["NAME"], user=c["USER"] or None, host=c["HOST"] or None,
                port=c["PORT"] or None, connect_timeout=3).close()
PY
then
  echo "== pytest on PostgreSQL ($PG_URL)"
  if DATABASE_URL=$PG_URL $BIN/python -m pytest -m "not browser" -n 2 -q; then
    record postgres ran; else record postgres failed; failed=1; fi
else
  record postgres "skipped: no PostgreSQL server answers at $PG_URL"
fi

CHROMIUM=${JISR_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  echo "== browser tests in $CHROMIUM"
  if JISR_CHROMIUM=$CHROMIUM $BIN/python -m pytest -m browser -q; then
    record browser ran; else record browser failed; failed=1; fi
else
  record browser "skipped: no Chromium at $CHROMIUM (apt-get install chromium)"
fi

echo
echo "== summary"
for line in "${summary[@]}"; do echo "  $line"; done
exit $failed
