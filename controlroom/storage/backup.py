"""Backing up the database while consoles work, and restoring an SQLite backup.

**A backup is consistent while writers run.** SQLite: the online backup API
(``sqlite3.Connection.backup``) copies every page in one step, inside one read
transaction of the source; in WAL mode that transaction sees one commit point and
never blocks the writers, so the copy holds exactly the commits made before it
began, each whole. PostgreSQL: ``pg_dump`` reads in one snapshot for the same reason.

**Nothing is ever half-written.** Every file is written under a temporary name in
the folder it ends up in, flushed to disk (``fsync``), renamed over its final name
(atomic on POSIX) and the folder flushed: a crash leaves the old file or the new
one, never a mixture. A backup never overwrites an existing file.

**A restore only replaces what nobody uses, and only with a checked copy.** The
backup is copied beside the live file, where ``PRAGMA integrity_check`` must say
``ok``, the schema is brought to this version (a copy from a newer program is
refused) and the caller's check must pass (the CLI verifies the audit chain; this
layer sits below ``audit``). Only then, holding the presence file alone
(``storage.presence``: no console or command has the database open), is the live
file checkpointed, its WAL and shared-memory files removed so they cannot be
replayed onto the new pages, kept under a ``.replaced-<time>`` name, and the copy
renamed into its place.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from controlroom.core.errors import ValidationError
from controlroom.storage.database import Database, migration_lock_file
from controlroom.storage.migrate import upgrade
from controlroom.storage.presence import presence_file

# Files SQLite keeps beside a database: replayed onto whatever file bears the name.
SIDECARS = ("-wal", "-shm", "-journal")
CopyCheck = Callable[[Database], Awaitable[None]]
# SQLite's primary result codes for a file that is not (or no longer) a sound database.
_DAMAGED = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


async def backup(db: Database, target: Path, *, server_url: str | None = None) -> str:
    """Write a consistent backup of ``db`` to the new file ``target``; say what was written.

    ``server_url`` is the PostgreSQL URL ``pg_dump`` connects with (the database
    owner's, given on the command line); ``db`` itself may be a user's narrower login.
    """
    target = Path(os.path.abspath(target))
    _refuse_target(target)
    source = db.sqlite_path
    try:
        if source is not None:
            pages = await asyncio.to_thread(_backup_sqlite, source, target)
            return f"backup of {source} written to {target} ({pages} pages, integrity check ok)"
        if db.is_sqlite:
            raise ValidationError("an in-memory database has nothing to back up")
        await asyncio.to_thread(_dump_postgresql, server_url or db.url.render_as_string(False), target)
    except OSError as exc:
        raise ValidationError(
            f"could not write {target}: {exc.strerror or exc}; nothing was written"
        ) from exc
    return f"pg_dump of {db.display_url} written to {target} (custom format: restore with pg_restore)"


def _refuse_target(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise ValidationError(f"{target} already exists; a backup never overwrites a file: give a new name")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist; nothing was written")


def _backup_sqlite(source: Path, target: Path) -> int:
    if not source.is_file():
        raise ValidationError(f"there is no database file at {source}; nothing was written")
    temp = _temporary_beside(target)
    try:
        pages = _copy_pages(source, temp, outcome="nothing was written")
        _publish(temp, target)
        return pages
    finally:
        _remove_with_sidecars(temp)


def _copy_pages(source: Path, destination: Path, *, outcome: str) -> int:
    """Copy ``source`` page by page into the new file ``destination`` and check the copy.

    ``outcome`` ends a refusal ("nothing was written"). One ``backup()`` step
    (pages=-1) is one read transaction of the source, hence one commit point.
    """
    src = _open_readable(source, outcome)
    with closing(src):
        try:
            with closing(sqlite3.connect(destination)) as dst:
                src.backup(dst)
                # A backup is one self-contained file; the program turns WAL on again at first use.
                dst.execute("PRAGMA journal_mode=DELETE")
                found = [row[0] for row in dst.execute("PRAGMA integrity_check")]
                pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DAMAGED:
                raise ValidationError(f"{source} is damaged ({exc}); {outcome}") from exc
            raise ValidationError(
                f"copying {source} into {destination.parent} failed ({exc}): is the disk full, "
                f"or the folder not writable? {outcome[0].upper()}{outcome[1:]}"
            ) from exc
    if found != ["ok"]:
        shown = "; ".join(found[:5])
        raise ValidationError(f"{source} fails SQLite's integrity check ({shown}); {outcome}")
    return pages


def _open_readable(source: Path, outcome: str) -> sqlite3.Connection:
    try:
        src = sqlite3.connect(source, timeout=30)
        src.execute("PRAGMA schema_version").fetchone()  # the first read checks the header
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{source} cannot be read as an SQLite database ({exc}); {outcome}") from exc
    return src


def _dump_postgresql(url: str, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ValidationError(
            "pg_dump is not installed on this machine: install the PostgreSQL client "
            "(Debian/Ubuntu: apt-get install postgresql-client) of the server's version or newer, "
            "or back up on the server itself (see 'Backups' in the README: pg_dump, "
            "pg_basebackup). Nothing was written."
        )
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password:  # an environment variable, never an argument that `ps` shows
        env["PGPASSWORD"] = str(parsed.password)
        parsed = parsed.set(password=None)
    temp = _temporary_beside(target)
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program with arguments, no shell
            [pg_dump, "--format=custom", f"--file={temp}", f"--dbname={parsed.render_as_string(False)}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[0]
            raise ValidationError(f"pg_dump could not back up the database: {reason}. Nothing was written.")
        _publish(temp, target)
    finally:
        temp.unlink(missing_ok=True)


async def restore_sqlite(db: Database, copy: Path, check_copy: CopyCheck) -> str:
    """Replace ``db``'s SQLite file with the backup ``copy`` once it checks; say what was done.

    Refused (``ValidationError``, nothing replaced) on PostgreSQL, for a copy that is
    not an intact controlroom database or fails ``check_copy``, and while any other
    process has the database open.
    """
    target = db.sqlite_path
    if target is None:
        raise ValidationError(
            "restore replaces an SQLite file; on PostgreSQL restore a pg_dump backup with "
            "pg_restore (see 'Backups' in the README)"
        )
    copy = Path(os.path.abspath(copy))
    if not copy.is_file():
        raise ValidationError(f"there is no backup file at {copy}; nothing was restored")
    if copy == target:
        raise ValidationError(f"{copy} is the database itself; give the path of a backup")
    temp = _temporary_beside(target)
    try:
        await asyncio.to_thread(_copy_pages, copy, temp, outcome="nothing was restored")
        await _bring_up_to_date_and_check(temp, check_copy)
        await asyncio.to_thread(_settle, temp)
        kept = await _replace_unused(db, temp, target)
    finally:
        _remove_with_sidecars(temp)
    if kept is None:
        return f"{target} restored from {copy}"
    return f"{target} restored from {copy}; the database it replaced is kept as {kept.name}"


async def _bring_up_to_date_and_check(temp: Path, check_copy: CopyCheck) -> None:
    copy_db = Database(f"sqlite+aiosqlite:///{temp}")
    try:
        await upgrade(copy_db)  # refuses a copy written by a newer program
        await check_copy(copy_db)
    finally:
        await copy_db.dispose()


def _settle(path: Path) -> None:
    """Fold the WAL into the file, leave rollback-journal mode, and flush it to disk."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    _fsync(path)


async def _replace_unused(db: Database, temp: Path, target: Path) -> Path | None:
    presence = db.presence
    if presence is None or not presence.held:
        raise ValidationError(
            f"cannot tell whether consoles are using {target} (no file lock beside it on this "
            "system); nothing was restored"
        )
    await db.engine.dispose()  # this process's own connections to the database it replaces
    if not presence.take_exclusive():
        raise ValidationError(
            f"{target} is in use: a console (the window or `watch`) or another command has it "
            "open. Close every console using this database, then run the restore again; "
            "nothing was restored"
        )
    try:
        return await asyncio.to_thread(_swap, temp, target)
    finally:
        presence.share()


def _swap(temp: Path, target: Path) -> Path | None:
    """Put ``temp`` in ``target``'s place; the replaced file's new name, if there was one."""
    if not target.exists():
        os.replace(temp, target)
        _fsync_folder(target.parent)
        return None
    kept = target.with_name(f"{target.name}.replaced-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}")
    with closing(sqlite3.connect(target, timeout=30)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in SIDECARS:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.link(target, kept)  # the old file stays reachable; the rename below is atomic
    os.replace(temp, target)
    _fsync_folder(target.parent)
    return kept


def _publish(temp: Path, target: Path) -> None:
    """Flush ``temp`` and give it the name ``target``, never overwriting a file made meanwhile."""
    _fsync(temp)
    try:
        os.link(temp, target)  # atomic, and fails if target appeared since the check
        temp.unlink()
    except FileExistsError as exc:
        raise ValidationError(f"{target} was created meanwhile; nothing was overwritten") from exc
    except OSError:
        # No hard links here (a FAT/exFAT backup drive): check again, then rename.
        if target.exists():
            raise ValidationError(f"{target} was created meanwhile; nothing was overwritten") from None
        os.rename(temp, target)
    _fsync_folder(target.parent)


def _temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _remove_with_sidecars(path: Path) -> None:
    others = (presence_file(path), migration_lock_file(path))
    for name in (str(path), *(f"{path}{suffix}" for suffix in SIDECARS), *map(str, others)):
        Path(name).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # A rename is durable only once the folder's entry is on disk (POSIX; no-op elsewhere).
    if os.name == "posix":
        _fsync(folder)
