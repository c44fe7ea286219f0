"""Record an incident: key presses in the form → row in the list, and the CLI beside it.

The form path is driven with real key events on the real window (offscreen) over
a demo SQLite database. Two figures: wall time from the Enter key to the new row
(includes waiting for the next feed poll, interval set to 50 ms here), and the
application time inside that — the save command plus applying the diff to the
model — which is what the operator's machine spends. Baseline in the same run:
``controlroom report`` from the command line (a whole process per report).
Target: median application time ≤ 100 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_form.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qasync
from PySide6 import QtWebEngineWidgets  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.benchlib import print_table, summary_ms, verdict
from controlroom.config import Settings
from controlroom.storage.database import Database
from ui.shell.app import create_window, wait_until_drawn

KEYS = [
    ("Moonlit Parlour", Qt.Key.Key_Tab),
    ("Suspected", Qt.Key.Key_Tab),
    ("Licensed", Qt.Key.Key_Tab),
    ("G2", Qt.Key.Key_Tab),
]


def cli(url: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "controlroom", "--db", url, *args], check=True, capture_output=True)
    return time.perf_counter() - started


async def form_runs(url: str, runs: int) -> tuple[list[float], list[float], int]:
    db = Database(url)
    window = create_window(db, Settings(poll_interval=0.05), alert_sound=lambda: None)
    window.resize(1400, 850)
    window.show()
    window.feed.start()
    await wait_until_drawn(window)
    service = window.service
    saving: list[float] = []
    original = service.report

    async def timed_report(new):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await original(new)
        finally:
            saving.append(time.perf_counter() - started)

    service.report = timed_report  # type: ignore[method-assign]
    applying: list[float] = []
    original_apply = window.model.apply_changes

    def timed_apply(changes):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        original_apply(changes)
        applying.append(time.perf_counter() - started)

    window.model.apply_changes = timed_apply  # type: ignore[method-assign]
    walls: list[float] = []
    app_times: list[float] = []
    presses = 0
    for n in range(runs):
        window.activateWindow()
        while QApplication.activeWindow() is not window:
            await asyncio.sleep(0.005)
        QTest.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        presses = 1
        form = window.actions.form
        while QApplication.activeWindow() is not form:
            await asyncio.sleep(0.005)
        for text, key in KEYS:
            QTest.keyClicks(form.focusWidget(), text)
            QTest.keyClick(form.focusWidget(), key)
            presses += len(text) + 1
        summary = f"Bench report {n}: two women feel unwell after one drink"
        QTest.keyClicks(form.focusWidget(), summary)
        presses += len(summary) + 1
        rows = window.model.rowCount()
        saving_before, applying_before = len(saving), len(applying)
        started = time.perf_counter()
        QTest.keyClick(form.focusWidget(), Qt.Key.Key_Return)
        deadline = time.perf_counter() + 10
        while window.model.rowCount() == rows:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the form did not save: {form.error.text()!r}")
            await asyncio.sleep(0.001)
        walls.append(time.perf_counter() - started)
        app_times.append(sum(saving[saving_before:]) + sum(applying[applying_before:]))
        await asyncio.sleep(0.05)
    await window.feed.stop()
    window.close()
    await db.dispose()
    return walls, app_times, presses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CONTROLROOM_HOME"] = tmp
        url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        cli(url, "demo")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            walls, app_times, presses = loop.run_until_complete(form_runs(url, args.runs))
        cli_times = [
            cli(
                url,
                "report",
                "--venue",
                "Moonlit Parlour",
                "--category",
                "suspected_spiking",
                "--source",
                "licensed_premises",
                "--summary",
                f"CLI bench {n}",
                "--grade",
                "2",
            )
            for n in range(max(5, args.runs // 2))
        ]
    rows = []
    for label, samples, target in (
        ("form: application time (save + apply)", app_times, 100.0),
        ("form: Enter → row on screen (50 ms poll)", walls, None),
        ("baseline: `controlroom report` process", cli_times, None),
    ):
        s = summary_ms(samples)
        rows.append(
            (
                label,
                len(samples),
                s["median"],
                s["p95"],
                s["max"],
                "≤ 100" if target else "-",
                verdict(s["median"], target),
            )
        )
    print_table(
        f"Recording an incident ({presses} key presses per form)",
        ("path", "n", "median ms", "p95 ms", "max ms", "target", "verdict"),
        rows,
    )


if __name__ == "__main__":
    main()
