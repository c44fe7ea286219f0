#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle (dist/controlroom/) and prove it works offline:
# migrate an embedded SQLite database, load the demo, report an incident, and save a
# screenshot of the real window (map + incident list) offscreen, checked for content.
#
# Usage: scripts/bundle-smoke.sh            (called by `make bundle` and CI)
# Environment:
#   SKIP_BUILD=1            reuse an existing dist/controlroom instead of rebuilding
#   BUNDLE_SMOKE_ISOLATE=0  do not hide the source tree and .venv from the bundle
#   PYINSTALLER / PYTHON    override .venv/bin/pyinstaller / .venv/bin/python
#   STEP_TIMEOUT            seconds allowed per bundle command (default 120)
# The screenshot is kept as dist/bundle-smoke.png (dist/ is git-ignored) for inspection.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PYINSTALLER=${PYINSTALLER:-$ROOT/.venv/bin/pyinstaller}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
DIST="$ROOT/dist/controlroom"
EXE="$DIST/controlroom"
PNG_KEEP="$ROOT/dist/bundle-smoke.png"
MIN_PNG_BYTES=$((50 * 1024))
SIZE=1280x800

fail() {
  echo "bundle-smoke: FAILED: $*" >&2
  exit 1
}
say() { echo "bundle-smoke: $*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ -x "$PYINSTALLER" ] || fail "$PYINSTALLER not found; run scripts/setup.sh (installs the [bundle] extra)"
[ -x "$PYTHON" ] || fail "$PYTHON not found; run scripts/setup.sh"

# ------------------------------------------------------------------ build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mkdir -p build
  log="$ROOT/build/pyinstaller.log"
  say "building dist/controlroom with $("$PYINSTALLER" --version 2>/dev/null || echo pyinstaller) (log: build/pyinstaller.log)"
  t0=$(now)
  if ! "$PYINSTALLER" --noconfirm --clean controlroom.spec >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "pyinstaller failed; full log in $log"
  fi
  say "build took $(elapsed "$t0") s"
fi
[ -x "$EXE" ] || fail "$EXE missing; the build did not produce a one-folder bundle"
say "bundle size: $(du -sh "$DIST" | cut -f1)"

# ------------------------------------------------------------------ run offline
tmp=$(mktemp -d "${TMPDIR:-/tmp}/controlroom-bundle-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A clean, offline, headless environment: a fresh embedded SQLite database under a
# temporary CONTROLROOM_HOME, no server URL, no tile server, no Python from the venv.
export CONTROLROOM_HOME="$tmp/home"
export QT_QPA_PLATFORM=offscreen
export QTWEBENGINE_DISABLE_SANDBOX=1
unset CONTROLROOM_DB_URL CONTROLROOM_TILE_URL PYTHONPATH PYTHONHOME VIRTUAL_ENV || true

# Prove the bundle does not quietly read the source tree or the venv: run each command
# in a private mount namespace with them hidden under empty tmpfs mounts. Needs root
# or unprivileged user namespaces; otherwise the run continues without it.
HIDE=("$ROOT/.venv" "$ROOT/controlroom" "$ROOT/ui" "$ROOT/resources")
UNSHARE=()
if [ "${BUNDLE_SMOKE_ISOLATE:-1}" != 0 ] && command -v unshare >/dev/null; then
  for flags in "-m" "-rm"; do
    if unshare $flags -- sh -c 'mount -t tmpfs none "$1"' _ "$tmp" 2>/dev/null; then
      UNSHARE=(unshare "$flags" --)
      break
    fi
  done
fi
if [ ${#UNSHARE[@]} -gt 0 ]; then
  say "isolation: source tree and .venv hidden from the bundle (${UNSHARE[*]})"
else
  say "isolation: unavailable here (no mount namespace); running the bundle as is"
fi

# bundle ARGS... : run the frozen executable from outside the repo, with a time limit.
bundle() {
  (
    cd "$tmp"
    if [ ${#UNSHARE[@]} -gt 0 ]; then
      timeout "$STEP_TIMEOUT" "${UNSHARE[@]}" sh -c '
        exe=$1; shift; n=$1; shift
        while [ "$n" -gt 0 ]; do
          if [ -e "$1" ]; then mount -t tmpfs -o ro none "$1" || exit 97; fi
          shift; n=$((n - 1))
        done
        exec "$exe" "$@"' _ "$EXE" "${#HIDE[@]}" "${HIDE[@]}" "$@"
    else
      timeout "$STEP_TIMEOUT" "$EXE" "$@"
    fi
  )
}

# step NAME ARGS... : run one bundle command; stdout kept in $out, stderr shown on failure.
out=""
step() {
  local name=$1
  shift
  local t0 rc=0
  t0=$(now)
  out=$(bundle "$@" 2>"$tmp/stderr") || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "--- stdout ---" >&2
    echo "$out" >&2
    echo "--- stderr (last 40 lines) ---" >&2
    tail -n 40 "$tmp/stderr" >&2
    [ "$rc" -eq 124 ] && fail "'controlroom $*' timed out after ${STEP_TIMEOUT} s"
    [ "$rc" -eq 97 ] && fail "could not hide the source tree (set BUNDLE_SMOKE_ISOLATE=0)"
    fail "'controlroom $*' exited with $rc"
  fi
  printf 'bundle-smoke: %-11s %5s s  %s\n' "$name" "$(elapsed "$t0")" "$(echo "$out" | tail -n 1)"
}

step "db upgrade" db upgrade
echo "$out" | grep -q "up to date" || fail "db upgrade did not report an up-to-date schema: $out"

step "demo" demo
echo "$out" | grep -Eq "demo data ready: [1-9][0-9]* venues" || fail "demo did not load venues: $out"

step "report" report --venue "Velvet Fox" --category harassment --source cctv --summary smoke
ref=$(echo "$out" | tail -n 1)
[[ "$ref" =~ ^SOT-[0-9]{8}-[0-9]{4}$ ]] || fail "report printed '$ref', expected a reference like SOT-YYYYMMDD-NNNN"

png="$tmp/bundle.png"
step "screenshot" screenshot "$png" --size "$SIZE"

# ------------------------------------------------------------------ check the picture
[ -f "$png" ] || fail "screenshot exited 0 but $png does not exist"
bytes=$(stat -c %s "$png")
[ "$bytes" -gt "$MIN_PNG_BYTES" ] ||
  fail "screenshot is only $bytes bytes (expected > $MIN_PNG_BYTES): the window is probably blank"

# Distinct colours in the left quarter (incident list) and right quarter (map): a blank
# or unstyled region has a handful, the real window has thousands.
"$PYTHON" - "$png" "$SIZE" <<'EOF' || fail "the screenshot does not look like the rendered window (see above)"
import sys

from PySide6.QtGui import QImage

path, size = sys.argv[1], sys.argv[2]
want_w, want_h = (int(v) for v in size.split("x"))
img = QImage(path)
if img.isNull():
    sys.exit(f"{path} is not a readable PNG")
if (img.width(), img.height()) != (want_w, want_h):
    sys.exit(f"screenshot is {img.width()}x{img.height()}, asked for {size}")
img = img.convertToFormat(QImage.Format.Format_RGB32)
w, h, bpl = img.width(), img.height(), img.bytesPerLine()
bits = memoryview(img.constBits()).cast("B")
regions = {"incident list (left quarter)": set(), "map (right quarter)": set()}
left, right = regions.values()
for y in range(h):
    row = bits[y * bpl : y * bpl + w * 4].cast("I")
    left.update(row[: w // 4])
    right.update(row[3 * w // 4 :])
problems = [f"{name}: only {len(c)} colours" for name, c in regions.items() if len(c) < 64]
summary = ", ".join(f"{name} {len(c)} colours" for name, c in regions.items())
if problems:
    sys.exit("blank region(s): " + "; ".join(problems) + f" ({summary})")
print(f"bundle-smoke: picture ok: {w}x{h}, {summary}")
EOF

# Logins (argon2id's compiled bindings inside the bundle): the first administrator, then a
# command that needs the password checked.
step "user add" user add smoke_admin --role administrator --password-stdin <<<"bundle smoke password"
CONTROLROOM_USER=smoke_admin CONTROLROOM_PASSWORD="bundle smoke password" step "login" user list
echo "$out" | grep -q "smoke_admin" || fail "user list after a login did not list smoke_admin: $out"

mkdir -p "$(dirname "$PNG_KEEP")"
cp "$png" "$PNG_KEEP"
say "screenshot: $((bytes / 1024)) KB, kept as ${PNG_KEEP#"$ROOT"/}"
say "OK: the bundle migrates, loads the demo, reports $ref, draws the map offline and logs in"
