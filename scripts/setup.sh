#!/usr/bin/env bash
# Sets up everything controlroom needs on a fresh Debian/Ubuntu machine:
# the system libraries QtWebEngine needs headless, PostgreSQL (for the
# many-console tests), poppler (to look at printed PDFs) and a virtualenv.
# As root it installs the system packages; otherwise it prints the apt command.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libegl1 libgl1 libx11-6 libxcomposite1 libxdamage1 libxext6 libxfixes3 libxrandr2
  libxtst6 libasound2 libbrotli1 libcups2 libdbus-1-3 libfontconfig1 libfreetype6 libgbm1
  libglib2.0-0 libnspr4 libnss3 libxcb-dri3-0 libxcb1 libxkbcommon0 libxkbfile1
  fonts-dejavu-core fontconfig-config
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0
  libpulse0
  postgresql poppler-utils
  # PgBouncer in front of PostgreSQL for many consoles (tests/core/feed/test_pgbouncer.py).
  pgbouncer
  # The real window on a virtual screen with a window manager, driven by keys (scripts/real-window.sh).
  xvfb openbox xdotool imagemagick
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "controlroom needs these system packages; run:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,bundle]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
