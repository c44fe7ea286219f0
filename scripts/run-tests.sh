#!/usr/bin/env bash
# Every test, as `make unit` runs them. With no PYTEST_ARGS the core tests and the window
# tests run as two pytest processes side by side (each starts its own throwaway PostgreSQL
# cluster on a free port, and has its own pytest cache), which nearly halves the wall time
# on a two-core machine; each half's output is printed whole when both have finished, and
# the run fails if either half does. With PYTEST_ARGS, one pytest process runs exactly those.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export QT_QPA_PLATFORM=offscreen
if [ -n "${PYTEST_ARGS:-}" ]; then
    # shellcheck disable=SC2086  # the arguments are meant to split
    exec "$PYTHON" -m pytest $PYTEST_ARGS
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
"$PYTHON" -m pytest tests/core -o cache_dir=.pytest_cache/core >"$logs/core.log" 2>&1 &
core=$!
"$PYTHON" -m pytest tests/ui -o cache_dir=.pytest_cache/ui >"$logs/ui.log" 2>&1 &
ui=$!
wait "$core"; core_status=$?
wait "$ui"; ui_status=$?
for half in core ui; do
    echo "======================== tests/$half ========================"
    cat "$logs/$half.log"
done
echo "tests/core: exit $core_status; tests/ui: exit $ui_status"
[ "$core_status" -eq 0 ] && [ "$ui_status" -eq 0 ]
