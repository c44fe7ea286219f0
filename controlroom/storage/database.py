"""Engines for the embedded SQLite file and for a PostgreSQL server.

SQLite: WAL so readers never block the writer, a busy timeout so a second
process waits instead of failing, and ``BEGIN IMMEDIATE`` for write transactions
so two writers never deadlock upgrading a read lock. A file on a network share is
refused (``network_filesystem``): SQLite's locking is not reliable over NFS/SMB.

PostgreSQL: writers serialise only the last step of each transaction — taking
the feed lock and inserting change-log rows — so change-log sequence numbers
become visible in commit order and a console reading ``seq > cursor`` can never
skip a row that commits late (see ``take_feed_lock``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from controlroom.core.errors import DatabaseUnavailableError, ValidationError
from controlroom.storage.file_lock import exclusive_file_lock
from controlroom.storage.presence import PresenceLock

# Arbitrary but fixed: the advisory lock key every writer takes before the change log.
FEED_LOCK_KEY = 0x43524F4F4D  # "CROOM"
_WRITE_OPTION = "controlroom_write"
# Every SQLite connection's durability (see ``_install_sqlite_hooks``).
SQLITE_SYNCHRONOUS = "FULL"
# Filesystem types (as /proc/self/mountinfo names them) that are another machine's disk.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph", "glusterfs",
        "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "fuse.sshfs", "fuse.glusterfs", "fuse.rclone",
        "fuse.s3fs", "fuse.davfs2", "fuse.cephfs",
    }
)  # fmt: skip


def network_filesystem(path: str, mountinfo: str) -> str | None:
    """The network filesystem type ``path`` lives on, per ``mountinfo``; None if local.

    ``mountinfo`` is the text of ``/proc/self/mountinfo``; ``path`` must be absolute
    with symlinks resolved. The mount with the longest mount point containing the
    path wins, as the kernel resolves it.
    """
    target = PurePosixPath(path)
    best: tuple[int, str] | None = None
    for line in mountinfo.splitlines():
        fields = line.split()
        # id parent major:minor root mount-point options [optional...] - fstype source ...
        if "-" not in fields[6:-1]:
            continue
        mount_point = PurePosixPath(_unescape_mount(fields[4]))
        fstype = fields[fields.index("-", 6) + 1]
        if (target == mount_point or mount_point in target.parents) and (
            best is None or len(mount_point.parts) >= best[0]
        ):
            best = (len(mount_point.parts), fstype)
    if best is None:
        return None
    fstype = best[1]
    # "nfs4" and "nfs" alike; fuse mounts name their driver after the dot ("fuse.sshfs").
    return fstype if fstype in NETWORK_FILESYSTEMS or fstype.split(".")[0] in NETWORK_FILESYSTEMS else None


def _unescape_mount(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as octal escapes.
    for escape, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escape, char)
    return field


def refuse_network_share(database: Path) -> None:
    """Raise ``ValidationError`` if the SQLite file's folder is on a network filesystem."""
    folder = database.parent.resolve()
    if sys.platform == "win32":
        kind = "a network share" if str(folder).startswith("\\\\") else None
    else:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
        except OSError:
            return  # not Linux: nothing reliable to read, so nothing to refuse
        fstype = network_filesystem(str(folder), mountinfo)
        kind = f"a network filesystem ({fstype})" if fstype else None
    if kind:
        raise ValidationError(
            f"the database file {database} is on {kind}. SQLite's file locking is not "
            "reliable across a network, and several consoles writing through it can corrupt "
            "the database. Keep the SQLite file on a local disk of a single workstation, or "
            "point every console at a shared PostgreSQL server instead "
            "(--db postgresql://user@host/dbname, or CONTROLROOM_DB_URL)."
        )


def mask_url(url: str | URL) -> str:
    """The URL with any password replaced by ``***``, safe to print."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unparseable database URL>"
    return parsed.render_as_string(hide_password=True)


def _normalise(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValidationError(
            f"{url!r} is not a database URL; expected e.g. "
            "'sqlite+aiosqlite:///path/to/file.sqlite3' or "
            "'postgresql+asyncpg://user@host:5432/dbname'"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValidationError(
        f"unsupported database {mask_url(parsed)!r}: use SQLite (sqlite:///file) "
        "or PostgreSQL (postgresql://user@host/db)"
    )


class Database:
    """One database, its engine and the two kinds of transaction the core uses."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = _normalise(url)
        self.display_url = mask_url(self.url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # Held while this object lives, so `db restore` can see the file is in use.
        self.presence: PresenceLock | None = None
        if self.is_sqlite:
            self._prepare_sqlite_file()
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **self._engine_args())
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    def _engine_args(self) -> dict[str, Any]:
        if self.is_sqlite:
            return {"connect_args": {"timeout": 30}}
        # A console, not a web server: its LISTEN connection plus a pool that empties when idle.
        from controlroom.storage.pooling import postgres_engine_args

        return postgres_engine_args(self.url)

    def _prepare_sqlite_file(self) -> None:
        path = self.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            refuse_network_share(path)
            self.presence = PresenceLock(path)

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file's absolute path; None on PostgreSQL or in memory."""
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(os.path.abspath(Path(database).expanduser()))

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on any error."""
        async with AsyncSession(self._write_engine, expire_on_commit=False) as session:
            with self._lost_server_named():
                async with session.begin():
                    yield session

    @asynccontextmanager
    async def read(self, *, consistent: bool = False) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction; ``consistent`` gives one snapshot across statements."""
        engine = self.engine
        if consistent and not self.is_sqlite:
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with self._lost_server_named():
            async with engine.connect() as conn, conn.begin():
                yield conn

    @asynccontextmanager
    async def schema_change(self, lock_key: int) -> AsyncIterator[AsyncConnection]:
        """One transaction that changes the schema, with no other schema change beside it.

        SQLite: a lock file beside the database (``<name>-migration.lock``), waited for
        without a deadline, then ``BEGIN IMMEDIATE`` for the database's write lock, so a
        second process waits instead of migrating the same tables at the same moment.
        PostgreSQL: a transaction-scoped advisory lock on ``lock_key`` does the same
        for every client of the server. Either lock ends with the transaction.
        """
        path = self.sqlite_path
        with self._lost_server_named():
            async with AsyncExitStack() as locks:
                if path is not None:
                    await locks.enter_async_context(exclusive_file_lock(migration_lock_file(path)))
                conn = await locks.enter_async_context(self._write_engine.begin())
                if not self.is_sqlite:
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
                yield conn

    @contextmanager
    def _lost_server_named(self) -> Iterator[None]:
        """An OS error or a lost server inside a transaction, as ``DatabaseUnavailableError``."""
        try:
            yield
        except OSError as exc:
            raise self.unavailable(exc) from exc
        except DBAPIError as exc:
            if lost_connection(exc):
                raise self.unavailable(exc) from exc
            raise

    async def take_feed_lock(self, session: AsyncSession) -> None:
        """Serialise change-log appends so their ``seq`` becomes visible in order.

        A PostgreSQL sequence value taken before commit can become visible after a
        larger one from a faster transaction; a console that had already moved its
        cursor past the larger one would then miss it. Holding a transaction-scoped
        advisory lock from just before the change-log insert until commit means the
        next writer cannot even draw a sequence value until this one is visible.
        SQLite needs nothing: ``BEGIN IMMEDIATE`` already serialises writers.
        """
        if not self.is_sqlite:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK_KEY})

    async def check_reachable(self) -> None:
        """Raise ``DatabaseUnavailableError`` naming the masked URL if unreachable."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise self.unavailable(exc) from exc

    def unavailable(self, exc: BaseException) -> DatabaseUnavailableError:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        # Drivers sometimes echo the DSN back; never print a password.
        if self.url.password:
            reason = reason.replace(self.url.password, "***")
        return DatabaseUnavailableError(
            f"cannot reach the database at {self.display_url}: {reason}. "
            "Check the URL (--db or CONTROLROOM_DB_URL) and that the server is running."
        )

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.presence is not None:
            self.presence.release()


def migration_lock_file(database: Path) -> Path:
    """The file schema upgrades of the SQLite file ``database`` queue on."""
    return database.with_name(f"{database.name}-migration.lock")


def lost_connection(exc: DBAPIError) -> bool:
    """Whether a driver error means the server went away (not that it refused the statement).

    Drivers name a lost connection in many ways (asyncpg's ``ConnectionDoesNotExistError``,
    ``CannotConnectNowError``, an administrator's shutdown, a closed socket), so the
    connection's invalidation and the error's text are both consulted. A constraint
    violation never counts: it is an answer, and callers settle it as a conflict.
    """
    if isinstance(exc, IntegrityError):
        return False
    if exc.connection_invalidated:
        return True
    # A server's answer carries its SQLSTATE: only class 08 (connection exception) and
    # 57P01-57P03 (shut down, crashed, cannot connect now) mean it went away. The words
    # below are for errors without one (a closed socket); a refused statement's text can
    # name anything (a role called "admin_1" once read as an administrator's shutdown).
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")
    text = f"{type(exc.orig).__name__} {exc.orig}".lower()
    return any(word in text for word in ("connection", "cannotconnect", "shutdown", "terminat", "closed"))


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # FULL: a commit is on the disk before the operator is shown its reference. In WAL
        # mode NORMAL syncs only at checkpoints, so a power cut may lose the last commits;
        # FULL syncs the WAL at every commit (benchmarks/bench_durability.py: the cost).
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
