"""Fifty consoles, four writers and a hard PostgreSQL restart; the connections each console holds.

Fifty light consoles (``console_fleet``: each its own ``Database`` and ``ChangeFeed``,
running ``watch``'s own loop; 25 to a process) follow one database on a cluster of
this test's own. Idle, the server must hold at most 1.5 client connections per
console (``pg_stat_activity``): its LISTEN connection, and its pool closed once idle.
Four writers report (and acknowledge every other report) while the server is stopped
with ``pg_ctl -m immediate`` and started again; afterwards every console has printed
every committed incident change exactly once, and is back to its idle connections.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _migrate, run_isolated
from tests.core.feed.console_fleet import (
    ConsoleHost,
    Written,
    client_connections,
    committed_changes,
    start_hosts,
    write_all,
)
from tests.pg_cluster import PostgresCluster, find_pg_bin

CONSOLES = 50
PER_HOST = 25
WRITERS = 4
REPORTS_PER_WRITER = 15  # and an acknowledgement of every other one: 92 changes
MEAN_GAP_S = 0.05
CRASH_AFTER_CHANGES = 20
DOWN_FOR_S = 1.0
TARGET_PER_CONSOLE = 1.5
# An idle console's pool closes LINGER_S (10 s) after its last use; room for a busy machine.
IDLE_WITHIN_S = 40.0


def _wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _per_console_when_idle(cluster: PostgresCluster, database: str) -> float:
    """Wait for the consoles' connections to settle at or under the target; the last count."""
    counts: list[float] = []

    def settled() -> bool:
        counts.append(run_isolated(client_connections(cluster.port, database)) / CONSOLES)
        return counts[-1] <= TARGET_PER_CONSOLE

    try:
        _wait_until(settled, IDLE_WITHIN_S, "idle consoles to hold at most 1.5 connections each")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the server still held {counts[-1]:.2f} per console") from None
    return counts[-1]


@pytest.mark.postgres
@pytest.mark.timeout(180)
def test_fifty_consoles_see_every_change_once_through_a_hard_restart_on_few_connections(
    tmp_path: Path,
) -> None:
    if find_pg_bin() is None:
        pytest.fail("PostgreSQL is not installed; run `make setup` (installs the postgresql package)")
    cluster = PostgresCluster()  # its own: a crash must not hurt the session's shared cluster
    cluster.start()
    hosts: list[ConsoleHost] = []
    try:
        url = cluster.create_database()
        database = url.rsplit("/", 1)[1]
        run_isolated(_migrate(url))
        hosts = start_hosts(url, CONSOLES, PER_HOST, tmp_path)
        _wait_until(lambda: all(h.all_ready() for h in hosts), 90, "every console's ready line")
        _per_console_when_idle(cluster, database)

        outcome: dict[str, Any] = {}

        def write() -> None:
            try:
                outcome["written"] = run_isolated(
                    write_all(url, WRITERS, REPORTS_PER_WRITER, MEAN_GAP_S, "scale")
                )
            except BaseException as exc:  # re-raised in the test's thread
                outcome["error"] = exc

        writing = threading.Thread(target=write)
        writing.start()
        first = hosts[0]
        _wait_until(
            lambda: len(first.events(0, "incident")) >= CRASH_AFTER_CHANGES or not writing.is_alive(),
            60,
            "the writers to get going",
        )
        assert writing.is_alive(), "writers finished before the crash; raise REPORTS_PER_WRITER"
        cluster.crash()
        time.sleep(DOWN_FOR_S)  # the outage itself: consoles and writers meet a dead server
        cluster.restart()
        writing.join(timeout=120)
        assert "error" not in outcome, outcome.get("error")
        written: Written = outcome["written"]
        assert written.retried, "the crash missed every writer"

        committed_list = run_isolated(committed_changes(url))
        committed = set(committed_list)
        assert len(committed) == len(committed_list)  # one change-log row per version
        assert committed == set(written.returned_at)
        assert len(committed) == WRITERS * (REPORTS_PER_WRITER + (REPORTS_PER_WRITER + 1) // 2)

        def caught_up() -> bool:
            return all(set(h.seen(n)) >= committed for h in hosts for n in h.numbers)

        _wait_until(caught_up, 60, "every console to catch up")
        # One more change, after all the others: a duplicate of any of them would be
        # printed before it, so once every console has it, nothing else is on its way.
        last = run_isolated(write_all(url, 1, 1, 0.0, "last"))
        _wait_until(
            lambda: all(set(h.seen(n)) >= set(last.returned_at) for h in hosts for n in h.numbers),
            30,
            "every console to see the last change",
        )
        committed |= set(last.returned_at)
        idle = _per_console_when_idle(cluster, database)
    finally:
        for host in hosts:
            host.terminate()
        codes = [host.stop() for host in hosts]
        cluster.destroy()

    for host in hosts:
        for n in host.numbers:
            seen = host.seen(n)
            twice = [key for key, count in seen.items() if count > 1]
            assert not twice, f"console {n} printed {len(twice)} changes twice, e.g. {twice[:3]}"
            assert set(seen) == committed, f"console {n}: {len(committed - set(seen))} missing"
            # The outage was noticed and recovered from on the same cursor, not slept through.
            assert host.events(n, "disconnected") and host.events(n, "reconnected"), host.log.read_text()
            assert not any(line["reloaded"] for line in host.events(n, "reconnected"))
    assert idle <= TARGET_PER_CONSOLE
    assert codes == [0] * len(hosts)
    for host in hosts:  # the outage and the idle pools' closing were quiet
        assert "Traceback" not in host.log.read_text(), host.log.read_text()
