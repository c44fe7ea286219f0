"""GUI-thread stalls while the Reports dock works out a month's report (issue #16: no stall ≥ 50 ms).

The database is bench_period's (``--db``, made once and kept): ``--rows`` incidents over
about three years of nights, clustered streets and venues. The real Reports dock
(offscreen, 1000x800) runs the period report for October 2026 with a before/after date:
``period_report``, the kernel density and the two charts are worked out in the reports
worker thread, and the GUI thread then attaches the finished figures to canvases and
fills the tables. A 5 ms precise ``QTimer`` heartbeat on the GUI thread measures every
gap beyond its interval (bench_gui_stall's ``Heartbeat``), in three phases of the same
run: the idle dock (baseline), the report computing, and the result being shown (the
charts' first drawing in the worker included). Each phase is also given less the GUI
thread's run-queue wait inside each gap (runnable, no core free: other processes on a
shared machine), as bench_gui_stall does.

Run: QT_QPA_PLATFORM=offscreen nice .venv/bin/python benchmarks/bench_reports_dock.py
     [--db sqlite+aiosqlite:////tmp/controlroom-bench-reports-dock.db] [--rows 300000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from benchmarks.bench_gui_stall import Heartbeat
from benchmarks.bench_period import MONTH, _fill
from benchmarks.benchlib import print_table, verdict
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.storage.migrate import ensure_schema
from ui.common.theme import apply_dark_theme
from ui.reports.dock import ReportsPanel
from ui.reports.gateway import ReportGateway
from ui.reports.period_picker import ReportPeriod

TARGET_MS = 50.0
IDLE_S = 2.0
SHOWN_S = 1.5  # after the result arrives: the canvases' first paint and the tables


def prepare(url: str, rows: int) -> int:
    async def fill() -> int:
        db = Database(url)
        try:
            await ensure_schema(db)
            return await _fill(db, rows)
        finally:
            await db.dispose()

    return asyncio.run(fill())


async def measure(panel: ReportsPanel, beat: Heartbeat, runs: int) -> dict[str, list[float]]:
    phases: dict[str, list[float]] = {"idle dock": [], "report computing": [], "result shown": []}
    queued: dict[str, list[float]] = {name: [] for name in phases}

    def stopped(name: str) -> None:
        stalls, _busy, waits = beat.stop()
        less = [max(0.0, s - w) for s, w in zip(stalls, waits, strict=True)]
        print(
            f"  {name}: worst {max(stalls, default=0):.0f} ms, "
            f"less run-queue wait {max(less, default=0):.0f} ms"
        )
        phases[name] += stalls
        queued[name] += less

    seconds: list[float] = []
    beat.start()
    await asyncio.sleep(IDLE_S)
    stopped("idle dock")
    period = ReportPeriod(False, MONTH[0], MONTH[1], MONTH[0].replace(day=16))
    for _ in range(runs):
        shown = asyncio.get_running_loop().create_future()
        original = panel.show_result

        def stop_then_show(result: Any, original: Any = original, shown: Any = shown) -> None:
            stopped("report computing")
            beat.start()
            original(result)
            shown.set_result(time.perf_counter())

        panel.show_result = stop_then_show  # type: ignore[method-assign]
        started = time.perf_counter()
        beat.start()
        await panel.run(period)
        seconds.append(await shown - started)
        await asyncio.sleep(SHOWN_S)
        stopped("result shown")
        panel.show_result = original  # type: ignore[method-assign]
    phases["seconds to result"] = seconds
    for name, values in queued.items():
        phases[f"{name}, less run-queue wait"] = values
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite+aiosqlite:////tmp/controlroom-bench-reports-dock.db")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    total = prepare(args.db, args.rows)
    app = QApplication([])
    apply_dark_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    db = Database(args.db)
    panel = ReportsPanel(ReportGateway(db, Actor("bench-analyst", "operator")))
    panel.resize(1000, 800)
    panel.show()
    beat = Heartbeat()
    with loop:
        phases = loop.run_until_complete(measure(panel, beat, args.runs))
        loop.run_until_complete(db.dispose())
    seconds = phases.pop("seconds to result")
    rows = []
    for name, stalls in phases.items():
        worst = max(stalls, default=0.0)
        over = sum(1 for s in stalls if s >= TARGET_MS)
        rows.append((name, f"{worst:.1f}", over, TARGET_MS, verdict(worst, TARGET_MS)))
    print_table(
        f"Reports dock, month report (Oct 2026) over {total:,} incidents, {args.runs} runs; "
        f"result after {min(seconds):.2f}-{max(seconds):.2f} s",
        ("phase", "worst stall ms", "stalls ≥ 50 ms", "target ms", "verdict"),
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
