"""Start-up: ``controlroom report`` and ``venues`` as whole processes, beside ``import sqlalchemy``.

Each case is a fresh process, timed from spawn to exit (wall clock) with its peak
resident set from ``wait4``'s rusage (``ru_maxrss``, Linux: KiB). The cases run in
interleaved rounds so machine drift hits them alike. ``report`` records one incident in
a throwaway ``CONTROLROOM_HOME`` (an embedded SQLite file, migrated and loaded with the
demo once before timing) through the installed console script (``ui.cli:main``, which
also offers the window). Baselines in the same run: a bare interpreter and
``python -c "import sqlalchemy"`` (what any command touching the database pays).
Targets: ``report`` median ≤ 0.4 s wall and ≤ 80 MiB peak RSS.

Window cold start (unless ``--no-window``): ``controlroom screenshot`` of the demo board with the
map drawn, beside a floor: a bare ``QWebEngineView`` loading a local Leaflet page (from
xstatic-leaflet) with one marker, grabbed to a PNG once loaded. Target ≤ 2x the floor.

Run: ``.venv/bin/python benchmarks/bench_start.py [--runs 15] [--no-window] [--window-runs 5]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import print_table, verdict

REPORT_TARGET_S = 0.4
REPORT_TARGET_MIB = 80.0
WINDOW_TARGET_RATIO = 2.0
HEADER = ["case", "n", "median s", "min s", "max s", "peak MiB", "target", "verdict"]


@dataclass
class Case:
    """One command line to start again and again, and what each start cost."""

    label: str
    argv: list[str]
    target_s: float | None = None
    target_mib: float | None = None
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def row(self) -> list[object]:
        if not self.seconds:
            return [self.label, 0, "-", "-", "-", "-", "-", f"failed: {self.failures[-1][:60]}"]
        median = statistics.median(self.seconds)
        mib = statistics.median(self.peak_mib)
        target = "-" if self.target_s is None else f"≤{self.target_s} s, ≤{self.target_mib:.0f} MiB"
        ok = [verdict(median, self.target_s), verdict(mib, self.target_mib)]
        return [
            self.label,
            len(self.seconds),
            median,
            min(self.seconds),
            max(self.seconds),
            mib,
            target,
            "MISS" if "MISS" in ok else ok[0],
        ]


def measure(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and the exit status ('' when 0) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    failed = f"exit {process.returncode}: {error.splitlines()[-1] if error else ''}"
    return elapsed, usage.ru_maxrss / 1024, "" if process.returncode == 0 else failed


def run_rounds(cases: Sequence[Case], runs: int, env: dict[str, str]) -> None:
    for _ in range(runs):
        for case in cases:
            seconds, mib, failed = measure(case.argv, env)
            if failed:
                case.failures.append(failed)
                continue
            case.seconds.append(seconds)
            case.peak_mib.append(mib)


def console_script() -> list[str]:
    """The installed ``controlroom`` program beside this interpreter, else its module."""
    script = Path(sys.executable).with_name("controlroom")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


def prepare(home: Path) -> dict[str, str]:
    """A throwaway home with a migrated embedded database and the demo loaded."""
    env = {**os.environ, "CONTROLROOM_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    for name in ("CONTROLROOM_DB_URL", "CONTROLROOM_USER", "CONTROLROOM_PASSWORD"):
        env.pop(name, None)
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([*console_script(), *step], env=env, check=True, capture_output=True)
    return env


def headless_cases() -> list[Case]:
    report = [
        *("report", "--at", "50.9060,-1.4044", "--place", "East Street corner"),
        *("--category", "harassment", "--source", "cctv", "--summary", "start-up benchmark"),
    ]
    return [
        Case("python -c pass", [sys.executable, "-c", "pass"]),
        Case('python -c "import sqlalchemy"', [sys.executable, "-c", "import sqlalchemy"]),
        Case("controlroom report", [*console_script(), *report], REPORT_TARGET_S, REPORT_TARGET_MIB),
        Case("controlroom venues", [*console_script(), "venues"]),
        Case("python -m controlroom report", [sys.executable, "-m", "controlroom", *report]),
    ]


# -- window cold start ---------------------------------------------------------------------

FLOOR_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{leaflet}/leaflet.css"><script src="{leaflet}/leaflet.js"></script>
<style>html, body, #map {{ height: 100%; margin: 0 }}</style></head>
<body><div id="map"></div><script>
const map = L.map("map").setView([50.9060, -1.4044], 16);
L.marker([50.9060, -1.4044]).addTo(map);
</script></body></html>
"""

# The floor: the least a window with a web map can do (Qt, QtWebEngine, Leaflet, one marker).
FLOOR_SCRIPT = """
import os
import sys

if os.geteuid() == 0:  # as the window does: Chromium refuses root with its sandbox on
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
view = QWebEngineView()
view.resize(1600, 900)

def loaded(ok):
    view.grab().save(sys.argv[2])
    app.exit(0 if ok else 1)

view.loadFinished.connect(loaded)
view.load(QUrl.fromLocalFile(sys.argv[1]))
view.show()
sys.exit(app.exec())
"""


def window_cases(folder: Path) -> list[Case]:
    """``controlroom screenshot`` of the demo board beside the floor page."""
    import xstatic.pkg.leaflet

    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR).as_uri()
    page = folder / "floor.html"
    page.write_text(FLOOR_PAGE.format(leaflet=leaflet), encoding="utf-8")
    script = folder / "floor.py"
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    return [
        Case(
            "floor: QWebEngineView + Leaflet", [sys.executable, str(script), str(page), str(folder / "f.png")]
        ),
        Case("controlroom screenshot", [*console_script(), "screenshot", str(folder / "s.png")]),
    ]


def window_rows(cases: Sequence[Case]) -> list[list[object]]:
    floor, shot = cases
    rows = [floor.row(), shot.row()]
    if floor.seconds and shot.seconds:
        ratio = statistics.median(shot.seconds) / statistics.median(floor.seconds)
        rows[1][6] = f"≤{WINDOW_TARGET_RATIO:.0f}x floor"
        rows[1][7] = f"{ratio:.1f}x {verdict(ratio, WINDOW_TARGET_RATIO)}"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="starts of each headless case (15)")
    parser.add_argument("--no-window", action="store_true", help="skip the window cold start")
    parser.add_argument("--window-runs", type=int, default=5, help="starts of each window case (5)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench_start_"))
    try:
        env = prepare(home)
        run_rounds(headless_cases(), 1, env)  # warms the page cache; not counted
        cases = headless_cases()
        run_rounds(cases, args.runs, env)
        print_table(
            f"Start-up, {args.runs} fresh processes each (interleaved)", HEADER, [c.row() for c in cases]
        )
        if not args.no_window:
            shots = window_cases(home)
            run_rounds(shots, args.window_runs, env)
            print_table(
                f"Window cold start, {args.window_runs} fresh processes each", HEADER, window_rows(shots)
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
