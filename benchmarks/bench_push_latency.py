"""Commit → line in ``controlroom watch`` on PostgreSQL, NOTIFY against poll-only; idle cost.

A throwaway PostgreSQL cluster (``tests/pg_cluster.py``: initdb + pg_ctl, fsync off)
serves 1, 5 and 20 ``controlroom watch`` subprocesses. For each count the consoles run
twice on a fresh database: pushed (``[feed] listen = true``, the default: LISTEN, and
a catch-up read on each notification) and the BASELINE poll-only
(``listen = false``: a read every ``poll_interval`` = 0.5 s). This process reports
incidents through ``Commands.report_incident`` at random gaps, noting the wall-clock
time each call returned (just after its commit); latency is each console's
``received_at`` for that reference minus that time, pooled over every console.

Idle cost: with 20 consoles connected and nothing written, the CPU time the database
server's processes (postmaster and every child, from ``/proc/<pid>/stat``) use over
``--idle-seconds``, minus the same window with no console connected, per console;
the consoles' own CPU is shown beside it.

Targets: NOTIFY p99 ≤ 100 ms at 20 consoles; poll-only p99 ≤ interval + 100 ms.
Run: ``.venv/bin/python benchmarks/bench_push_latency.py [--writes 100] [--idle-seconds 60]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_watch_latency import WatchProcess, migrate, write_incidents
from benchlib import percentile, print_table, verdict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pg_cluster import PostgresCluster, find_pg_bin  # noqa: E402

POLL_INTERVAL_S = 0.5
NOTIFY_TARGET_MS = 100.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LATENCY_HEADER = ["mode", "consoles", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "target ms", "verdict"]
IDLE_HEADER = ["mode", "consoles", "db CPU ms/s", "db CPU per console ms/s", "console CPU ms/s each"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, in seconds (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def server_cpu(postmaster: int) -> dict[int, float]:
    """CPU seconds of the postmaster and each of its children, by pid."""
    usage = {postmaster: cpu_seconds(postmaster)}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == postmaster:
            usage[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return usage


def server_cpu_over(postmaster: int, seconds: float) -> float:
    """Server CPU seconds used over a window (a process born in it counts from zero)."""
    before = server_cpu(postmaster)
    time.sleep(seconds)
    after = server_cpu(postmaster)
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


class ConsoleGroup:
    """``count`` watch processes on ``url``, pushed or poll-only, each with its own home."""

    def __init__(self, url: str, count: int, listen: bool, tmp: Path) -> None:
        self.consoles = []
        for n in range(count):
            home = tmp / f"{'push' if listen else 'poll'}-{count}-{n}"
            (home / "config").mkdir(parents=True)
            (home / "config" / "config.toml").write_text(
                f"[feed]\npoll_interval = {POLL_INTERVAL_S}\nlisten = {'true' if listen else 'false'}\n"
            )
            self.consoles.append(WatchProcess(url, home))
        for console in self.consoles:
            if not console.ready.wait(timeout=120):
                raise RuntimeError("a controlroom watch did not print its ready line within 120 s")

    def cpu(self) -> float:
        return sum(cpu_seconds(c.proc.pid) for c in self.consoles)

    def stop(self) -> None:
        for console in self.consoles:
            console.stop()


def latency_row(
    mode: str, consoles: ConsoleGroup, url: str, writes: int, mean_gap: float, target_ms: float
) -> list[object]:
    committed = asyncio.run(write_incidents(url, writes, mean_gap, random.Random(7)))
    latencies: list[float] = []
    for console in consoles.consoles:
        console.wait_for(list(committed), timeout=30)
        latencies += [console.received[ref] - at for ref, at in committed.items()]
    figures = [percentile(latencies, q) * 1000 for q in (0.50, 0.95, 0.99, 1.0)]
    count = len(consoles.consoles)
    return [mode, count, len(latencies), *figures, target_ms, verdict(figures[2], target_ms)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=100, help="incidents per run (default 100)")
    parser.add_argument("--mean-gap", type=float, default=0.1, help="mean seconds between writes")
    parser.add_argument("--consoles", default="1,5,20", help="console counts (default 1,5,20)")
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="idle CPU window (default 60)")
    args = parser.parse_args(argv)
    if find_pg_bin() is None:
        parser.error("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    counts = [int(n) for n in args.consoles.split(",")]
    cluster = PostgresCluster()
    cluster.start()
    latency_rows: list[list[object]] = []
    idle_rows: list[list[object]] = []
    try:
        postmaster = cluster.postmaster_pid()
        none = server_cpu_over(postmaster, args.idle_seconds)
        idle_rows.append(["no console", 0, none / args.idle_seconds * 1000, "-", "-"])
        with tempfile.TemporaryDirectory(prefix="controlroom-push-bench-") as tmp:
            for count in counts:
                for listen in (True, False):
                    url = cluster.create_database()
                    asyncio.run(migrate(url))
                    mode = "NOTIFY" if listen else "BASELINE poll-only 0.5 s"
                    target = NOTIFY_TARGET_MS if listen else (POLL_INTERVAL_S * 1000 + 100)
                    group = ConsoleGroup(url, count, listen, Path(tmp))
                    try:
                        latency_rows.append(latency_row(mode, group, url, args.writes, args.mean_gap, target))
                        if count == max(counts):
                            time.sleep(2)  # let the last diffs settle
                            consoles_before = group.cpu()
                            used = server_cpu_over(postmaster, args.idle_seconds)
                            consoles_used = group.cpu() - consoles_before
                            per_second = 1000 / args.idle_seconds
                            idle_rows.append(
                                [
                                    mode,
                                    count,
                                    used * per_second,
                                    (used - none) / count * per_second,
                                    consoles_used / count * per_second,
                                ]
                            )
                    finally:
                        group.stop()
                    print(f"... {mode}, {count} console(s) done", file=sys.stderr, flush=True)
    finally:
        cluster.destroy()
    print_table(
        f"Commit → line in `controlroom watch`, PostgreSQL, {args.writes} writes a run, consoles pooled",
        LATENCY_HEADER,
        latency_rows,
    )
    print_table(
        f"Idle cost over {args.idle_seconds:.0f} s (CPU milliseconds per second of wall time)",
        IDLE_HEADER,
        idle_rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
