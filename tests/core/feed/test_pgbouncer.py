"""Writes and reads through PgBouncer (transaction pooling); LISTEN straight to the server.

PgBouncer from the Debian package sits in front of the test cluster with two server
connections shared by all its clients, so one client's consecutive transactions run
on different server connections. A ``controlroom watch`` is given PgBouncer as its
database and the server itself as ``CONTROLROOM_LISTEN_URL``, and falls back to
polling only every 300 s, so a change reaches it within the test only if its LISTEN
works; given no listen URL it must poll instead (a LISTEN through PgBouncer would
hear nothing). Concurrent ``controlroom report`` processes and four in-process writers
report through PgBouncer; every report must succeed (no prepared statement lost or
taken twice) and the console must print each change exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import ROOT, controlroom_cmd, run_isolated
from tests.core.feed.console_fleet import committed_changes, write_all
from tests.pg_cluster import PgBouncer, PostgresCluster

REPORT_PROCESSES = 6
WRITERS = 4
REPORTS_PER_WRITER = 10
FALLBACK_POLL_S = 300  # far beyond the test's waits: only a notification can deliver in time


class _Watch:
    """``controlroom watch`` on ``url``, listening at ``listen_url`` if given; keeps its lines."""

    def __init__(self, url: str, listen_url: str | None, home: Path) -> None:
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text(
            f"[feed]\nfallback_poll_interval = {FALLBACK_POLL_S}\n", encoding="utf-8"
        )
        env = {**os.environ, "CONTROLROOM_HOME": str(home)}
        if listen_url is not None:
            env["CONTROLROOM_LISTEN_URL"] = listen_url
        self.proc = subprocess.Popen(
            controlroom_cmd("--db", url, "watch"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            cwd=ROOT,
        )
        self.lines: list[dict[str, Any]] = []
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(json.loads(line))

    def seen(self) -> Counter[tuple[str, int]]:
        incidents = [line for line in list(self.lines) if line["event"] == "incident"]
        return Counter((line["reference"], line["version"]) for line in incidents)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def _wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _report(url: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        controlroom_cmd(
            "--db", url, "report", "--at", "50.9015,-1.4020", "--place", "East Street",
            "--category", "harassment", "--source", "cctv", "--summary", f"through PgBouncer {n}",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.timeout(120)
@pytest.mark.parametrize("listen", ["direct", "unset"])
def test_reports_through_pgbouncer_reach_a_console_listening_directly(
    pg_cluster: PostgresCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listen: str
) -> None:
    """``unset``: with no listen URL the console polls (0.5 s) rather than LISTEN through
    PgBouncer, where it would hear nothing until its fallback poll."""
    monkeypatch.delenv("CONTROLROOM_LISTEN_URL", raising=False)
    direct = pg_cluster.create_database()
    from tests.conftest import _migrate

    run_isolated(_migrate(direct))
    bouncer = PgBouncer(pg_cluster)
    bouncer.start()
    watch: _Watch | None = None
    try:
        pooled = bouncer.url(direct)
        watch = _Watch(pooled, direct if listen == "direct" else None, tmp_path / "console")
        _wait_until(lambda: any(line["event"] == "ready" for line in watch.lines), 60, "the ready line")

        reports = [_report(pooled, n) for n in range(REPORT_PROCESSES)]
        written = run_isolated(write_all(pooled, WRITERS, REPORTS_PER_WRITER, 0.01, "bouncer"))
        outcomes = [(p.wait(timeout=60), *p.communicate()) for p in reports]
        assert [code for code, _, _ in outcomes] == [0] * REPORT_PROCESSES, outcomes

        committed_list = run_isolated(committed_changes(direct))
        committed = set(committed_list)
        assert len(committed) == len(committed_list)
        assert set(written.returned_at) <= committed
        assert {out.strip() for _, out, _ in outcomes} <= {ref for ref, _ in committed}
        assert len(committed) == REPORT_PROCESSES + WRITERS * (REPORTS_PER_WRITER + REPORTS_PER_WRITER // 2)
        _wait_until(lambda: set(watch.seen()) >= committed, 30, "the console to print every change")
    finally:
        err = watch.stop() if watch is not None else ""
        bouncer.stop()
    seen = watch.seen()
    assert set(seen) == committed
    assert all(count == 1 for count in seen.values()), [k for k, c in seen.items() if c > 1][:3]
    assert "Traceback" not in err, err
