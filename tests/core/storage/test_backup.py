"""`db backup` while writers run gives a copy that restores, checks and holds what came before it;
`db restore` refuses while a console has the database open, and refuses a copy that does not check.

The writer half of this file runs as ``python -m tests.core.storage.test_backup URL N STOP_FILE``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from controlroom.storage.database import Database
from tests.conftest import ROOT, _migrate, controlroom_cmd, run_isolated
from tests.pg_cluster import PostgresCluster
from tests.ui.logins import PASSWORD, add_users, unique_names

WRITERS = 3


def cli(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        controlroom_cmd("--db", url, *args),
        capture_output=True,
        text=True,
        timeout=120,
        env=env or os.environ.copy(),
        check=False,
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def references(path: Path) -> set[str]:
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        return {row[0] for row in conn.execute("SELECT reference FROM incidents")}


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def report(url: str, summary: str) -> str:
    done = cli(
        url, "report", "--at", "50.905,-1.404", "--place", "East Street",
        "--category", "harassment", "--source", "cctv", "--summary", summary,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A migrated SQLite file with three reports."""
    path = tmp_path / "live.sqlite3"
    run_isolated(_migrate(sqlite_url(path)))
    for n in range(3):
        report(sqlite_url(path), f"before {n}")
    return path


def test_a_backup_during_a_write_storm_restores_whole(live: Path, tmp_path: Path) -> None:
    url = sqlite_url(live)
    stop = tmp_path / "stop"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.core.storage.test_backup", url, str(n), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(WRITERS)
    ]
    try:
        wait_until(lambda: len(references(live)) >= 3 + 3 * WRITERS, "every writer to commit")
        before = references(live)  # everything committed before the backup began
        backup = tmp_path / "copies" / "night.sqlite3"
        backup.parent.mkdir()
        made = cli(url, "db", "backup", str(backup))
        during = [w.poll() for w in writers]
        wait_until(lambda: len(references(live)) > len(before) + WRITERS, "writes after the backup")
    finally:
        stop.touch()
        outcomes = [(w.wait(timeout=60), w.communicate()[1]) for w in writers]
    assert outcomes == [(0, "")] * WRITERS
    assert made.returncode == 0, made.stderr
    assert during == [None] * WRITERS  # the storm was still blowing when the backup finished
    assert sorted(p.name for p in backup.parent.iterdir()) == ["night.sqlite3"]  # no temporary left
    assert integrity(backup) == ["ok"]

    restored = tmp_path / "elsewhere" / "restored.sqlite3"
    done = cli(sqlite_url(restored), "db", "restore", str(backup))

    assert done.returncode == 0, done.stderr
    assert integrity(restored) == ["ok"]
    assert before <= references(restored) <= references(live)
    verified = cli(sqlite_url(restored), "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "audit trail intact" in verified.stdout
    assert report(sqlite_url(restored), "after the restore")  # the restored file is in service


def _watch(url: str) -> subprocess.Popen[str]:
    console = subprocess.Popen(
        controlroom_cmd("--db", url, "watch"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert console.stdout is not None
    assert json.loads(console.stdout.readline())["event"] == "ready"
    return console


def test_a_restore_is_refused_while_a_console_has_the_database_open(live: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    assert cli(sqlite_url(live), "db", "backup", str(backup)).returncode == 0
    report(sqlite_url(live), "after the backup")
    kept = references(live)
    console = _watch(sqlite_url(live))
    try:
        refused = cli(sqlite_url(live), "db", "restore", str(backup))
    finally:
        console.terminate()
        console.wait(timeout=30)

    assert refused.returncode == 2
    assert "in use" in refused.stderr and "Close every console" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert references(live) == kept  # nothing replaced
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or ".replaced-" in p.name]

    # With the console gone the same restore goes through: the console was the reason.
    done = cli(sqlite_url(live), "db", "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert references(live) == kept - {max(kept)}
    assert [p.name for p in tmp_path.iterdir() if ".replaced-" in p.name] != []


def test_a_console_killed_outright_does_not_block_a_restore(live: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    assert cli(sqlite_url(live), "db", "backup", str(backup)).returncode == 0
    console = _watch(sqlite_url(live))
    console.kill()  # SIGKILL: no clean-up of its own ran
    console.wait(timeout=30)

    done = cli(sqlite_url(live), "db", "restore", str(backup))

    assert done.returncode == 0, done.stderr


def _break_audit_chain(path: Path) -> None:
    """An edited audit entry, as someone with the file and a sqlite3 shell could leave it."""
    with closing(sqlite3.connect(path)) as conn:
        triggers = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
        for (name,) in list(triggers):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = (SELECT min(id) FROM audit_log)")
        conn.commit()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    ("damage", "said"),
    [(_break_audit_chain, "audit trail BROKEN"), (_truncate, "nothing was restored")],
    ids=["audit-chain-edited", "truncated"],
)
def test_a_copy_that_does_not_check_is_refused_and_nothing_changes(
    live: Path, tmp_path: Path, damage: Callable[[Path], None], said: str
) -> None:
    backup = tmp_path / "backup.sqlite3"
    assert cli(sqlite_url(live), "db", "backup", str(backup)).returncode == 0
    damage(backup)
    report(sqlite_url(live), "after the backup")
    kept = live.read_bytes(), references(live)

    refused = cli(sqlite_url(live), "db", "restore", str(backup))

    assert refused.returncode == 2, refused.stderr
    assert said in refused.stderr and "Traceback" not in refused.stderr
    assert (live.read_bytes(), references(live)) == kept
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or ".replaced-" in p.name] == []


def test_an_administrator_backs_up_and_restores_and_an_operator_may_not(live: Path, tmp_path: Path) -> None:
    names = unique_names("administrator", "operator")
    add_users(sqlite_url(live), (names["operator"], "operator", ()), admin=names["administrator"])
    as_admin = {**os.environ, "CONTROLROOM_USER": names["administrator"], "CONTROLROOM_PASSWORD": PASSWORD}
    as_operator = {**as_admin, "CONTROLROOM_USER": names["operator"]}
    backup = tmp_path / "backup.sqlite3"

    refused = cli(sqlite_url(live), "db", "backup", str(backup), env=as_operator)
    written_when_refused = backup.exists()
    made = cli(sqlite_url(live), "db", "backup", str(backup), env=as_admin)
    restored = cli(sqlite_url(tmp_path / "new.sqlite3"), "db", "restore", str(backup), env=as_admin)

    assert refused.returncode == 4 and "administrator" in refused.stderr
    assert not written_when_refused
    assert made.returncode == 0, made.stderr
    assert restored.returncode == 0, restored.stderr
    assert references(tmp_path / "new.sqlite3") == references(live)


def test_a_backup_never_overwrites_a_file(live: Path, tmp_path: Path) -> None:
    existing = tmp_path / "precious.txt"
    existing.write_text("keep me")

    done = cli(sqlite_url(live), "db", "backup", str(existing))

    assert done.returncode == 2 and "already exists" in done.stderr
    assert existing.read_text() == "keep me"


@pytest.fixture
def server_url(pg_cluster: PostgresCluster) -> str:
    url = pg_cluster.create_database()
    run_isolated(_migrate(url))
    return url


def test_postgresql_backups_are_pg_dump_archives(server_url: str, tmp_path: Path) -> None:
    reference = report(server_url, "on the server")
    archive = tmp_path / "night.dump"

    made = cli(server_url, "db", "backup", str(archive))

    assert made.returncode == 0, made.stderr
    assert "pg_restore" in made.stdout
    data = subprocess.run(
        ["pg_restore", "--data-only", "--table=incidents", "--file=-", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert reference in data.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_postgresql_without_pg_dump_and_restore_say_what_to_do(server_url: str, tmp_path: Path) -> None:
    no_client = {**os.environ, "PATH": str(tmp_path / "empty")}
    archive = tmp_path / "night.dump"

    missing = cli(server_url, "db", "backup", str(archive), env=no_client)
    restore = cli(server_url, "db", "restore", str(archive))

    assert missing.returncode == 2 and "pg_dump is not installed" in missing.stderr
    assert "pg_basebackup" in missing.stderr and not archive.exists()
    assert restore.returncode == 2 and "pg_restore" in restore.stderr


async def _write_until(url: str, n: int, stop: Path) -> None:
    from controlroom.commands import Commands
    from controlroom.core.roles import Actor
    from controlroom.incidents.reporting import NewIncident

    db = Database(url)
    commands = Commands(db, Actor(f"writer-{n}"))
    try:
        i = 0
        while not stop.exists():
            await commands.report_incident(
                NewIncident(
                    category="harassment",
                    source="cctv",
                    summary=f"writer {n} report {i}",
                    lat=50.905,
                    lon=-1.404,
                    place="Above Bar Street",
                )
            )
            i += 1
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(_write_until(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
