#!/usr/bin/env bash
# The real window as an operator sees it: on a virtual screen (Xvfb) with a window
# manager (openbox), so Alt keys, focus and dialogs behave as on a desktop.
#
#   scripts/real-window.sh [WIDTHxHEIGHT] [DISPLAY]      e.g. scripts/real-window.sh 1366x768 :77
#
# It starts the screen and the window on the demo data (in a throwaway CONTROLROOM_HOME)
# and prints the DISPLAY and the window id; drive it with xdotool and photograph it:
#   DISPLAY=:77 xdotool key ctrl+n ; DISPLAY=:77 xdotool type --delay 40 'Velvet Fox'
#   DISPLAY=:77 import -window root shot.png
# Stop it with: kill $(cat /tmp/controlroom-real-window-77.pids)   (one file per display)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1366x768}
SCREEN=${2:-:77}
HOME_DIR=${CONTROLROOM_HOME:-$(mktemp -d /tmp/controlroom-real-window.XXXX)}
export CONTROLROOM_HOME=$HOME_DIR
Xvfb "$SCREEN" -screen 0 "${SIZE}x24" -nolisten tcp >/dev/null 2>&1 &
pids=$!
for _ in $(seq 50); do DISPLAY=$SCREEN xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
DISPLAY=$SCREEN openbox >/dev/null 2>&1 &
pids="$pids $!"
.venv/bin/controlroom demo >/dev/null
unset QT_QPA_PLATFORM
DISPLAY=$SCREEN .venv/bin/controlroom run >"$HOME_DIR/window.log" 2>&1 &
pids="$pids $!"
echo "$pids" >/tmp/controlroom-real-window-${SCREEN#:}.pids
window=""
for _ in $(seq 300); do
  window=$(DISPLAY=$SCREEN xdotool search --name '^controlroom —' 2>/dev/null | head -1) && [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || { echo "the window did not appear; see $HOME_DIR/window.log" >&2; exit 1; }
DISPLAY=$SCREEN xdotool windowsize "$window" "${SIZE%x*}" "${SIZE#*x}" windowmove "$window" 0 0 windowactivate "$window"
echo "DISPLAY=$SCREEN window=$window home=$HOME_DIR"
