"""Report → visible in ``controlroom watch``: commit-to-received latency on SQLite.

``controlroom --db URL watch`` runs as a subprocess (its own CONTROLROOM_HOME, so its
config is ours to set); once it prints ``{"event": "ready"}``, this process writes N
incidents through ``Commands.report_incident`` at random gaps (so commits land at
every phase of the poll cycle), noting the wall-clock time each write returned, i.e.
just after its commit. Lines are matched to writes by reference; latency is the line's
``received_at`` minus that commit time (same machine, same clock).
Run with the default poll interval (0.5 s), then the BASELINE with
``[feed] poll_interval = 0.1`` in config.toml. Target: p99 ≤ poll interval + 100 ms.

Run: ``.venv/bin/python benchmarks/bench_watch_latency.py [--writes 200]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from benchlib import percentile, print_table, verdict

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.migrate import upgrade

SLACK_S = 0.100
HEADER = ["run", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "target ms", "verdict"]


class WatchProcess:
    """``controlroom watch`` in a subprocess; a thread collects its JSON lines as they come."""

    def __init__(self, url: str, home: Path) -> None:
        env = {**os.environ, "CONTROLROOM_HOME": str(home), "CONTROLROOM_USER": "bench"}
        env.pop("CONTROLROOM_DB_URL", None)
        command = [sys.executable, "-m", "controlroom", "--db", url, "watch"]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
        self.received: dict[str, float] = {}
        self.ready = threading.Event()
        assert self.proc.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            event = json.loads(line)
            if event["event"] == "ready":
                self.ready.set()
            elif event["event"] == "incident":
                stamp = datetime.fromisoformat(event["received_at"]).timestamp()
                self.received.setdefault(event["reference"], stamp)

    def wait_for(self, references: Sequence[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while any(r not in self.received for r in references):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                missing = sum(r not in self.received for r in references)
                raise RuntimeError(f"watch never showed {missing} of {len(references)} incidents")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def write_incidents(url: str, count: int, mean_gap: float, rng: random.Random) -> dict[str, float]:
    """Report ``count`` incidents; reference → wall-clock time the committing call returned."""
    db = Database(url)
    commands = Commands(db, Actor("bench"))
    committed: dict[str, float] = {}
    try:
        for n in range(count):
            await asyncio.sleep(rng.uniform(0, 2 * mean_gap))
            snapshot = await commands.report_incident(
                NewIncident(
                    category="harassment",
                    source="cctv",
                    summary=f"latency probe {n}",
                    lat=50.905,
                    lon=-1.404,
                    place="Bench probe, Above Bar Street",
                )
            )
            committed[snapshot.reference] = time.time()
    finally:
        await db.dispose()
    return committed


async def migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def run_once(
    label: str, poll_interval: float | None, writes: int, mean_gap: float, seed: int
) -> list[object]:
    """One watch process, one database, ``writes`` reports; the table row for it."""
    with tempfile.TemporaryDirectory(prefix="controlroom-watch-bench-") as tmp:
        home = Path(tmp) / "home"
        (home / "config").mkdir(parents=True)
        if poll_interval is not None:
            (home / "config" / "config.toml").write_text(f"[feed]\npoll_interval = {poll_interval}\n")
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'watch.sqlite3'}"
        asyncio.run(migrate(url))
        watch = WatchProcess(url, home)
        try:
            if not watch.ready.wait(timeout=60):
                raise RuntimeError("controlroom watch did not print its ready line within 60 s")
            committed = asyncio.run(write_incidents(url, writes, mean_gap, random.Random(seed)))
            watch.wait_for(list(committed), timeout=10)
        finally:
            watch.stop()
    latencies = [watch.received[ref] - at for ref, at in committed.items()]
    interval = poll_interval if poll_interval is not None else 0.5
    target_ms = (interval + SLACK_S) * 1000
    figures = [percentile(latencies, q) * 1000 for q in (0.50, 0.95, 0.99, 1.0)]
    return [label, len(latencies), *figures, target_ms, verdict(figures[2], target_ms)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=200, help="incidents per run (default 200)")
    parser.add_argument(
        "--mean-gap", type=float, default=0.1, help="mean seconds between writes (default 0.1)"
    )
    args = parser.parse_args(argv)
    rows = [
        run_once("default config (poll 0.5 s)", None, args.writes, args.mean_gap, seed=1),
        run_once("BASELINE poll_interval = 0.1", 0.1, args.writes, args.mean_gap, seed=1),
    ]
    print_table("Commit → line in `controlroom watch` (received_at), SQLite", HEADER, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
