#!/usr/bin/env bash
# Every test, as `make unit` runs them. With no PYTEST_ARGS the tests run as three pytest
# processes side by side — the command-line and dispersal tests, the rest of the core, the
# window — each with its own throwaway PostgreSQL cluster on a free port and its own pytest
# cache. Much of a test's time is spent waiting on a `controlroom` subprocess or the
# database, so three processes keep two cores busy. Each part's output is printed whole when
# all have finished, and the run fails if any part does. Core tests never run after window
# tests in one process: the window tests leave their qasync loop running, which
# asyncio.run() refuses. With PYTEST_ARGS, one pytest process runs exactly those.
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
declare -A parts=(
    [cli]="tests/core/cli tests/core/dispersal"
    [core]="tests/core --ignore=tests/core/cli --ignore=tests/core/dispersal"
    [ui]="tests/ui"
)
declare -A pids
for part in cli core ui; do
    # shellcheck disable=SC2086  # the part's arguments are meant to split
    "$PYTHON" -m pytest ${parts[$part]} -o cache_dir=".pytest_cache/$part" >"$logs/$part.log" 2>&1 &
    pids[$part]=$!
done
status=0
summary=""
for part in cli core ui; do
    wait "${pids[$part]}"
    code=$?
    summary+="${parts[$part]%% --*}: exit $code; "
    [ "$code" -eq 0 ] || status=1
done
for part in cli core ui; do
    echo "======================== ${parts[$part]} ========================"
    cat "$logs/$part.log"
done
echo "$summary"
exit "$status"
