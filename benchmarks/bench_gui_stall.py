"""Main-thread stalls of the real window under simulated peak load, beside the idle window.

The real main window (offscreen) opens on a SQLite database holding 10,000
incidents reported over the night. A 5 ms ``QTimer`` heartbeat (precise timer)
runs on the GUI thread; every gap between two beats beyond the 5 ms interval is a
stall — time the event loop could not react to the operator. Two phases in the
same run, same data: the window idle (baseline), then the window following
``controlroom simulate`` running in another process (other consoles writing; this
window only reads through the change feed) at ≥ 5 incident changes a second.
Reports max / p99 / count over 50 ms per phase, the incident changes per second
the window received, and where main-thread time went during the load phase
(model, map bridge, boards, heading, alert ranking; feed decoding is the remainder).
Target: every stall < 50 ms.

The map's camera layer is on with a register of ``--cameras`` (300) cameras across the
area — one in three PTZ with four presets, the rest fixed, one in twenty faulty — and
so is the coverage-gap layer. During the load phase another low-priority process
reports and clears a fault on a camera every ``--camera-churn`` seconds (2), as an
operator elsewhere would: each change reaches this window as a camera diff, draws
that camera again and computes the coverage gaps again on the worker thread. The
number of those computations and their time on the worker are printed with the table.

The night is seeded so that the alert stack holds ``--alerts`` entries (50) when
the window opens: that many open Grade 1/2 incidents, most of them long past their
target, every other open incident Grade 3, 4 or ungraded. The stack is re-ranked on
every diff and once a second; its count at the start and end of each phase is
printed with the table (the simulator adds and acknowledges alerts meanwhile).

Inside each gap it also records the main thread's CPU time and, on Linux, its
run-queue wait (``/proc/thread-self/schedstat``: runnable, but no core free). The
"less queue" columns are the stalls minus that wait: what the window's own work,
the GIL and its locks cost, without the share other processes took.

The simulator stands in for other consoles on other machines, so by default it runs
at the lowest CPU priority (``nice -n 19``, printed with the results): on a 2-core
box it would otherwise take the GUI thread's core and the measured stalls would be
this machine's CPU shortage, not the window's work. ``--simulator-nice 0`` runs it
at normal priority. The window's own processes (the GUI thread, Chromium for the
map) keep their priority: their work is what is measured.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_stall.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qasync
from PySide6 import QtWebEngineWidgets  # noqa: F401
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.benchlib import percentile, print_table, verdict
from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.config import Settings
from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.sim.simulator import CATEGORIES, SOURCES, NightPlayer, SimulationConfig
from controlroom.sim.training import mark_training
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade
from controlroom.users.accounts import UserCommands, authenticate
from controlroom.writes import placeholder_actor
from ui.map import camera_layer
from ui.shell.app import create_window, wait_until_drawn
from ui.shell.closing import close_in_order
from ui.shell.main_window import MainWindow

# The training database's users: the simulator writes as a logged-in supervisor.
ADMIN, SUPERVISOR = "bench_admin", "bench_supervisor"
PASSWORD = "bench gui stall only"  # noqa: S105 - a throwaway database in a temporary folder
HEARTBEAT_MS = 5
TARGET_MS = 50.0
INCIDENTS = 10_000
ALERTS = 50
OPEN_SHARE = 0.02  # the rest of the night's incidents are resolved or closed
CAMERAS = 300
CAMERA_CHURN_S = 2.0
HEADER = [
    *("phase", "beats", "max ms", "p99 ms", "> 50 ms", "max CPU ms", "> 50 ms CPU", "max gc ms"),
    *("max ms less queue", "> 50 ms less queue", "incident changes/s", "target", "verdict"),
]
# Linux: the calling thread's time on the CPU and waiting in the run queue (ns).
SCHEDSTAT = Path("/proc/thread-self/schedstat")


def run_queue_wait() -> float:
    """Seconds the calling thread has spent runnable but waiting for a core (0 if unknown)."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def seed(path: Path, count: int, alerts: int = ALERTS) -> None:
    """``count`` incidents over the last 8 hours, bulk-inserted with their change-log rows.

    Exactly ``alerts`` of them are open Grade 1 or 2 (the newest open ones, alternating
    grades): the alert stack's entries. Every other open incident is Grade 3, 4 or ungraded.
    """
    rng = random.Random(7)
    now = datetime.now(UTC).replace(microsecond=0)
    open_ids = [n for n in range(1, count + 1) if rng.random() < OPEN_SHARE]
    while len(open_ids) < alerts:  # a short night: open more of the newest
        open_ids.append(max(set(range(1, count + 1)) - set(open_ids)))
    alerting = {n: 1 + i % 2 for i, n in enumerate(sorted(open_ids, reverse=True)[:alerts])}
    open_set = set(open_ids)
    rng = random.Random(7)
    columns = (
        "id, reference, night, reported_at, source, category, grade, status, venue_id, place, lat, lon, "
        "summary, idempotency_key, created_by, version"
    )
    incidents, changes = [], []
    for n in range(1, count + 1):
        reported = now - timedelta(seconds=8 * 3600 * (count - n) / count)
        rng.random()
        status = "new" if n in open_set else rng.choice(("resolved", "closed"))
        grade = alerting.get(n) or rng.choice((3, 4, None) if status == "new" else (1, 2, 3, 4, None))
        category = rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0]
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        lat, lon = rng.uniform(50.898, 50.915), rng.uniform(-1.411, -1.393)
        snapshot = IncidentSnapshot(
            id=n, reference=f"BEN-{operational_night(reported):%Y%m%d}-{n:05d}", reported_at=reported,
            source=source, category=category, grade=grade, status=status,
            venue_id=None, place=f"Street {n % 300}", lat=lat, lon=lon,
            summary=f"Seeded incident {n}", version=1,
        )  # fmt: skip
        stamp = reported.strftime("%Y-%m-%d %H:%M:%S.%f")
        incidents.append(
            (n, snapshot.reference, operational_night(reported).isoformat(), stamp, source, category,
             snapshot.grade, status, None, snapshot.place, lat, lon, snapshot.summary, None, "bench", 1)
        )  # fmt: skip
        changes.append(("incident", n, "upsert", json.dumps(snapshot.to_json()), stamp))
    conn = sqlite3.connect(path)
    with conn:
        marks = ", ".join("?" * 16)
        conn.executemany(f"INSERT INTO incidents ({columns}) VALUES ({marks})", incidents)  # noqa: S608
        conn.executemany(
            "INSERT INTO change_log (entity, entity_id, op, payload, committed_at) VALUES (?, ?, ?, ?, ?)",
            changes,
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


def camera_specs(count: int) -> list[CameraSpec]:
    """``count`` cameras over the area where the incidents are: PTZ with 4 presets one in three."""
    rng = random.Random(15)
    specs = []
    for n in range(1, count + 1):
        lat, lon = rng.uniform(50.898, 50.915), rng.uniform(-1.411, -1.393)
        status = "faulty" if n % 20 == 0 else "working"
        if n % 3 == 0:
            presets = tuple(
                PresetSpec(
                    f"P{k}", (rng.uniform(0, 90) + 90 * k) % 360, rng.uniform(30, 70), rng.uniform(60, 200)
                )
                for k in range(4)
            )
            specs.append(
                CameraSpec(
                    f"B{n}", f"Junction {n}", "council", lat, lon, "ptz", status=status, presets=presets
                )
            )
        else:
            heading, angle, reach = rng.uniform(0, 360), rng.uniform(30, 100), rng.uniform(30, 150)
            specs.append(
                CameraSpec(
                    f"B{n}", f"Door {n}", "council", lat, lon, "fixed", heading, angle, reach, status=status
                )
            )
    return specs


async def churn_cameras(url: str, every: float) -> None:
    """Report a fault on a camera, then clear it, one change every ``every`` seconds, until killed."""
    db = Database(url)
    cameras = Commands(db, Actor(SUPERVISOR, "supervisor")).cameras
    n = 0
    try:
        while True:
            number = f"B{1 + (n // 2) % 19}"  # never a 20th: those are faulty from the start
            if n % 2 == 0:
                await cameras.report_fault(number, "bench: no picture")
            else:
                await cameras.clear_fault(number)
            n += 1
            await asyncio.sleep(every)
    finally:
        await db.dispose()


async def prepare(url: str, path: Path, count: int, alerts: int = ALERTS, cameras: int = CAMERAS) -> None:
    db = Database(url)
    try:
        await upgrade(db)
        await mark_training(db, placeholder_actor(), datetime.now(UTC))  # as `controlroom demo` does
        await UserCommands(db, placeholder_actor()).add_user(ADMIN, "administrator", PASSWORD)
        admin = await authenticate(db, ADMIN, PASSWORD)
        await UserCommands(db, admin).add_user(SUPERVISOR, "supervisor", PASSWORD)
        supervisor = await authenticate(db, SUPERVISOR, PASSWORD)
        await NightPlayer(db, SimulationConfig(), supervisor).prepare()  # demo venues and units on duty
        register = Commands(db, supervisor).cameras
        for spec in camera_specs(cameras):
            await register.add_camera(spec)
    finally:
        await db.dispose()
    seed(path, count, alerts)


class Heartbeat:
    """A 5 ms precise timer; records every gap beyond its interval."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.stalls: list[float] = []
        # Main-thread CPU time inside each gap: a stall with little CPU is the thread
        # waiting for a core (other processes), not our code running.
        self.busy: list[float] = []
        # Time inside each gap the main thread was runnable but had no core (the kernel's
        # run-queue wait). A stall less this is what the window did or waited for itself
        # (its own code, the GIL, locks); the rest is other processes on the machine.
        self.queued: list[float] = []
        self._last = self._last_cpu = self._last_queued = 0.0

    def start(self) -> None:
        self.stalls, self.busy, self.queued = [], [], []
        self._last, self._last_cpu, self._last_queued = (
            time.perf_counter(),
            time.thread_time(),
            run_queue_wait(),
        )
        self.timer.start()

    def stop(self) -> tuple[list[float], list[float], list[float]]:
        self.timer.stop()
        return self.stalls, self.busy, self.queued

    def _beat(self) -> None:
        now, cpu, queued = time.perf_counter(), time.thread_time(), run_queue_wait()
        self.stalls.append(max(0.0, (now - self._last) * 1000 - HEARTBEAT_MS))
        self.busy.append((cpu - self._last_cpu) * 1000)
        self.queued.append((queued - self._last_queued) * 1000)
        self._last, self._last_cpu, self._last_queued = now, cpu, queued


class GcPauses:
    """Time spent in the cyclic garbage collector on the main thread."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)


class Accounting:
    """Main-thread time per part of the diff path, by wrapping the instance methods."""

    def __init__(self, window: MainWindow) -> None:
        self.spent: Counter[str] = Counter()
        self.worst: dict[str, float] = {}
        self.incident_changes = 0
        self.camera_changes = 0
        self.enabled = False
        targets = {
            "model.apply_changes": (window.model, "apply_changes"),
            "map.apply_changes": (window.map.bridge, "apply_changes"),
            "map.apply_patrol_changes": (window.map.bridge, "apply_patrol_changes"),
            "map.apply_camera_changes": (window.map.bridge, "apply_camera_changes"),
            "map.set_camera_coverage": (window.map.bridge, "set_camera_coverage"),
            "coverage.apply (camera diffs)": (window.map_link.coverage, "apply"),
            "units.apply_changes": (window.units.model, "apply_changes"),
            "alerts.apply_changes": (window.alerts, "apply_changes"),
            "alerts.rank (stack)": (window.alerts, "rank"),
            "heading": (window.board, "refresh_heading"),
            "model.tick": (window.model, "tick"),
        }
        for label, (owner, name) in targets.items():
            setattr(owner, name, self._timed(label, getattr(owner, name)))
        window.feed.sig_diff_received.connect(self._on_diff)

    def _timed(self, label: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                if self.enabled:
                    spent = (time.perf_counter() - started) * 1000
                    self.spent[label] += spent
                    self.worst[label] = max(self.worst.get(label, 0.0), spent)

        return timed

    def _on_diff(self, diff: Any) -> None:
        if self.enabled:
            self.incident_changes += len(diff.incident_changes())
            self.camera_changes += len(diff.camera_changes())


class CoverageTimes:
    """Worker-thread time of each coverage-gap computation (``camera_layer.coverage`` wrapped)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        computed = getattr(camera_layer, "coverage")  # noqa: B009 - replaced below, read the same way

        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return computed(*args)
            finally:
                self.seconds.append(time.perf_counter() - started)

        setattr(camera_layer, "coverage", timed)  # noqa: B010 - the module's name, seen by its worker


def camera_churner(url: str, every: float) -> subprocess.Popen[bytes]:
    """Another console changing camera statuses, in its own low-priority process."""
    command = [
        "nice",
        "-n",
        "19",
        sys.executable,
        __file__,
        "--churn-cameras",
        url,
        "--camera-churn",
        str(every),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def simulator(url: str, args: argparse.Namespace, log: Path) -> subprocess.Popen[bytes]:
    """``controlroom simulate`` in another process; its stderr goes to ``log`` (a pipe nobody
    reads would block it once full, and a failing simulator must be visible)."""
    command = [sys.executable, "-m", "controlroom", "--db", url, "simulate", "--speed", str(args.speed)]
    command += ["--scale", str(args.scale), "--consoles", str(args.consoles), "--duration", "12h"]
    command += ["--seed", "1"]
    if args.simulator_nice:
        command = ["nice", "-n", str(args.simulator_nice), *command]
    env = {**os.environ, "CONTROLROOM_USER": SUPERVISOR, "CONTROLROOM_PASSWORD": PASSWORD}
    with log.open("wb") as stderr:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)


Measured = tuple[list[float], list[float], list[float], float]


async def phase(seconds: float, beat: Heartbeat, gc_pauses: GcPauses) -> Measured:
    gc_pauses.pauses = []
    beat.start()
    await asyncio.sleep(seconds)
    stalls, busy, queued = beat.stop()
    return stalls, busy, queued, max(gc_pauses.pauses, default=0.0)


def row(name: str, measured: Measured, changes_per_s: float | None) -> list[object]:
    stalls, busy, queued, gc_worst = measured
    worst = max(stalls) if stalls else 0.0
    over = sum(1 for s in stalls if s > TARGET_MS)
    busy_over = sum(1 for s, b in zip(stalls, busy, strict=True) if s > TARGET_MS and b > TARGET_MS)
    own = [max(0.0, s - q) for s, q in zip(stalls, queued, strict=True)]
    own_over = sum(1 for s in own if s > TARGET_MS)
    rate = "-" if changes_per_s is None else f"{changes_per_s:.1f}"
    target = TARGET_MS if changes_per_s is not None else None
    judged = ["< 50 ms", verdict(worst, target)] if target else ["-", "-"]
    return [name, len(stalls), worst, percentile(stalls, 0.99), over, max(busy, default=0.0), busy_over,
            gc_worst, max(own, default=0.0), own_over, rate, *judged]  # fmt: skip


async def run(args: argparse.Namespace, folder: Path) -> None:
    url = f"sqlite+aiosqlite:///{folder / 'night.sqlite3'}"
    db = Database(url)
    coverage_times = CoverageTimes()
    window = create_window(db, Settings(), alert_sound=lambda: None)
    window.resize(1600, 900)
    window.show()
    window.feed.start()
    started = time.perf_counter()
    while window.model.rowCount() < args.incidents:
        await asyncio.sleep(0.05)
    await wait_until_drawn(window, timeout=120)
    print(f"window drawn with {window.model.rowCount()} incidents in {time.perf_counter() - started:.1f} s")
    await show_camera_layers(window, args.cameras)
    accounting = Accounting(window)
    beat = Heartbeat()
    gc_pauses = GcPauses()
    await asyncio.sleep(2)  # let the first paint settle
    stack = window.alert_stack.model
    counts = [stack.rowCount()]
    idle = await phase(args.seconds, beat, gc_pauses)
    counts.append(stack.rowCount())
    simulator_log = folder / "simulator.log"
    process = simulator(url, args, simulator_log)
    churner = camera_churner(url, args.camera_churn)
    computed_before = len(coverage_times.seconds)
    try:
        await asyncio.sleep(3)  # the simulator's start-up (venues and units checked)
        accounting.enabled = True
        started = time.perf_counter()
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()  # main thread only; it slows everything, so stalls grow too
        counts.append(stack.rowCount())
        load = await phase(args.seconds, beat, gc_pauses)
        counts.append(stack.rowCount())
        if profiler is not None:
            profiler.disable()
        load_seconds = time.perf_counter() - started
        accounting.enabled = False
    finally:
        for child in (process, churner):
            child.terminate()
            child.wait(timeout=10)
    computations = coverage_times.seconds[computed_before:]
    print(
        f"camera layer: {args.cameras} cameras drawn, coverage gaps shown; {accounting.camera_changes} "
        f"camera changes reached the window in the load phase, {len(computations)} coverage computations "
        f"on the worker thread (median {percentile(computations or [0.0], 0.5) * 1000:.0f} ms, "
        f"max {max(computations, default=0.0) * 1000:.0f} ms)"
    )
    rate = accounting.incident_changes / load_seconds
    if rate < 5:
        print(f"only {rate:.1f} incident changes/s reached the window; the simulator said:")
        print(simulator_log.read_text(encoding="utf-8", errors="replace")[-3000:] or "(nothing)")
    load_name = f"simulator x{args.scale:g} speed {args.speed:g} nice {args.simulator_nice}"
    shown = "shown" if window.alert_stack.isVisible() else "NOT shown"
    print(
        f"alert stack ({shown}): {counts[0]} → {counts[1]} entries over the idle phase, "
        f"{counts[2]} → {counts[3]} over the load phase"
    )
    print_table(
        f"Main-thread stalls, {window.model.rowCount()} incidents on the board, "
        f"{counts[0]} alerts in the stack, {HEARTBEAT_MS} ms heartbeat",
        HEADER,
        [
            row(f"BASELINE window idle, {args.seconds:g} s", idle, None),
            row(f"{load_name}, {args.seconds:g} s", load, rate),
        ],
    )
    total = sum(accounting.spent.values())
    parts = [
        [label, spent, spent / load_seconds / 10, accounting.worst[label]]
        for label, spent in accounting.spent.most_common()
    ]
    parts.append(["(sum of the above)", total, total / load_seconds / 10, 0.0])
    print_table(
        "Where main-thread time went during the load phase",
        ["part", "total ms", "% of time", "worst ms"],
        parts,
    )
    worst = sorted(zip(*load[:3], strict=True), reverse=True)[:10]
    print(
        "worst load-phase stalls, wall / main-thread CPU / waiting for a core ms: "
        + ", ".join(f"{s:.0f}/{b:.0f}/{q:.0f}" for s, b, q in worst)
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    nice = f"nice -n {args.simulator_nice}" if args.simulator_nice else "normal priority"
    print(f"simulator process (other consoles' writes) ran at {nice}")
    if profiler is not None:
        print("\nmain-thread profile of the load phase (tottime, top 20):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    await window.feed.stop()
    window.close()
    await close_in_order(db)  # tasks, then engines, then the loop: no traceback at the end


async def show_camera_layers(window: MainWindow, cameras: int) -> None:
    """Wait until the page draws every camera and the first coverage answer; turn the gaps on."""
    page = window.map.page()
    answers: list[Any] = []

    def ask(script: str) -> Any:
        answers.clear()
        page.runJavaScript(f"JSON.stringify({script})", 0, answers.append)

    started = time.perf_counter()
    while True:
        ask("controlroomCameras.describe().gaps.lines > 0 && controlroomCameras.count()")
        while not answers:
            await asyncio.sleep(0.05)
        if json.loads(answers[0] or "0") == cameras:
            break
        if time.perf_counter() - started > 120:
            raise SystemExit(f"the map never drew {cameras} cameras and the coverage gaps")
        await asyncio.sleep(0.2)
    ask("controlroom.toggleLayer('cameraGaps')")
    while not answers:
        await asyncio.sleep(0.05)
    print(f"camera layer drawn ({cameras} cameras) and coverage gaps shown: {answers[0]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (60)")
    parser.add_argument("--incidents", type=int, default=INCIDENTS)
    parser.add_argument("--alerts", type=int, default=ALERTS, help="alert stack entries at start (50)")
    parser.add_argument("--speed", type=float, default=120.0, help="simulator speed (120)")
    parser.add_argument("--scale", type=float, default=12.0, help="simulator arrivals multiplier (12)")
    parser.add_argument("--consoles", type=int, default=4, help="simulator writer tasks (4)")
    parser.add_argument(
        "--simulator-nice",
        type=int,
        default=19,
        help="CPU niceness of the simulator process, which stands in for other machines (19; 0: normal)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread under load")
    parser.add_argument("--cameras", type=int, default=CAMERAS, help=f"cameras in the register ({CAMERAS})")
    parser.add_argument(
        "--camera-churn", type=float, default=CAMERA_CHURN_S, help="seconds between camera status changes (2)"
    )
    parser.add_argument("--churn-cameras", metavar="URL", help=argparse.SUPPRESS)  # the churner's own process
    args = parser.parse_args(argv)
    if args.churn_cameras:
        asyncio.run(churn_cameras(args.churn_cameras, args.camera_churn))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-gui-stall-") as tmp:
        folder = Path(tmp)
        os.environ["CONTROLROOM_HOME"] = str(folder / "home")  # outbox and window state stay here
        asyncio.run(
            prepare(
                f"sqlite+aiosqlite:///{folder / 'night.sqlite3'}",
                folder / "night.sqlite3",
                args.incidents,
                args.alerts,
                args.cameras,
            )
        )
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)  # closing the window must not stop the loop mid-run
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(run(args, folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
