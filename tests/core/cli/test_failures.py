"""Every failure is a sentence: a broken database or disk exits 2 with what to do, never a traceback.

Each test breaks something real — an immutable file, a read-only mount, a full tmpfs,
overwritten pages, a unique index the program does not know — and runs the command
line as a user would (a fresh process). The tests run as root (the container's user),
so file modes alone stop nothing: ``chattr +i`` and read-only mounts do.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.core.support import row_counts, run_with_db
from tests.pg_cluster import PostgresCluster

REPORT = (
    *("report", "--at", "50.9015,-1.4020", "--place", "East Street bus stop"),
    *("--category", "vulnerable_person", "--source", "street_pastors", "--summary", "Woman alone, upset"),
)


def cli(url: str, *args: str | bytes) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*controlroom_cmd("--db", url), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=os.environ.copy(),
        check=False,
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def migrated(path: Path) -> str:
    url = sqlite_url(path)
    done = cli(url, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    return url


def assert_sentence(done: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, one ``controlroom: error:`` line on stderr saying ``words``, no traceback."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("controlroom: error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A migrated SQLite file with a report in it, made immutable (``chattr +i``)."""
    path = tmp_path / "ro" / "night.sqlite3"
    path.parent.mkdir()
    url = migrated(path)
    assert cli(url, *REPORT).returncode == 0
    path.chmod(0o444)
    path.parent.chmod(0o555)  # modes alone stop nothing for root: the immutable flag does
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
        path.parent.chmod(0o755)


def test_a_read_only_database_file_is_named_and_nothing_is_saved(immutable: Path) -> None:
    before = digest(immutable)
    done = cli(sqlite_url(immutable), *REPORT)
    assert_sentence(done, str(immutable), "read-only", "Nothing was saved", "writable")
    assert digest(immutable) == before


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a migrated database, bind-mounted onto itself read-only."""
    folder = tmp_path / "mounted"
    folder.mkdir()
    path = folder / "night.sqlite3"
    assert cli(migrated(path), *REPORT).returncode == 0
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield path
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_database_on_a_read_only_mount_is_named_not_called_unreachable(read_only_mount: Path) -> None:
    before = digest(read_only_mount)
    done = cli(sqlite_url(read_only_mount), *REPORT)
    assert_sentence(done, str(read_only_mount), "read-only", "-wal and -shm")
    assert "server is running" not in done.stderr
    assert digest(read_only_mount) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, unmounted at the end whatever happens."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(folder: Path) -> Path:
    """Write zeros into ``folder`` until its filesystem refuses more."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_is_named_and_nothing_is_saved(small_disk: Path) -> None:
    path = small_disk / "night.sqlite3"
    url = migrated(path)
    filler = fill(small_disk)
    done = cli(url, *REPORT)
    assert_sentence(done, str(path), "is full", "Free space")
    filler.unlink()
    assert run_with_db(url, row_counts)["incidents"] == 0
    assert cli(url, *REPORT).returncode == 0  # room again: the same report goes through


def test_a_full_disk_during_a_write_is_named(small_disk: Path) -> None:
    path = small_disk / "night.sqlite3"
    url = migrated(path)
    assert cli(url, "demo").returncode != 0  # the demo's venues and incidents outgrow 2 MiB
    done = cli(url, "demo")
    assert_sentence(done, str(path), "is full", "Nothing was saved")


def damage_table(path: Path, table: str) -> None:
    """Overwrite the middle of ``table``'s root page with a byte pattern (a torn write's shape)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xa5" * (page_size - 16))


def test_a_damaged_page_is_named_and_the_file_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "night.sqlite3"
    url = migrated(path)
    assert cli(url, "demo").returncode == 0
    damage_table(path, "incidents")
    before = digest(path)
    done = cli(url, *REPORT)
    assert_sentence(done, str(path), "is damaged", "malformed", "backup")
    assert digest(path) == before


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"shopping list\n" * 400)
    done = cli(sqlite_url(path), *REPORT)
    assert_sentence(done, str(path), "is damaged", "not a database", "backup")
    assert "server is running" not in done.stderr
    assert path.read_bytes() == b"shopping list\n" * 400


def test_a_duplicate_key_is_a_sentence_and_nothing_is_written(db_url: str) -> None:
    # A unique index the program does not know, as a site's own tooling might add: the
    # second identical summary breaks it inside the write transaction.
    async def add_index(db: Database) -> None:
        async with db.write() as session:
            await session.execute(text("CREATE UNIQUE INDEX site_one_summary ON incidents (summary)"))

    run_with_db(db_url, add_index)
    assert cli(db_url, *REPORT).returncode == 0
    before = run_with_db(db_url, row_counts)
    done = cli(db_url, *REPORT)
    assert_sentence(done, "already holds a record with the same", "summary", "Nothing was written")
    assert run_with_db(db_url, row_counts) == before


def test_a_read_only_postgresql_server_is_named_and_nothing_is_saved(pg_cluster: PostgresCluster) -> None:
    # What a hot standby (or a database set read-only for maintenance) answers: SQLSTATE 25006.
    url = pg_cluster.create_database()
    assert cli(url, "db", "upgrade").returncode == 0

    async def read_only(db: Database) -> None:
        async with db.write() as session:
            name = (await session.execute(text("SELECT current_database()"))).scalar_one()
            await session.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))

    run_with_db(url, read_only)
    done = cli(url, *REPORT)
    assert_sentence(done, "refuses writes", "Nothing was saved", "primary server")
    assert "at postgresql+asyncpg://" in done.stderr  # which server
