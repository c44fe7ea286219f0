"""Engines for the embedded SQLite file and for a PostgreSQL server.

SQLite: WAL so readers never block the writer, a busy timeout so a second
process waits instead of failing, and ``BEGIN IMMEDIATE`` for write transactions
so two writers never deadlock upgrading a read lock.

PostgreSQL: writers serialise only the last step of each transaction — taking
the feed lock and inserting change-log rows — so change-log sequence numbers
become visible in commit order and a console reading ``seq > cursor`` can never
skip a row that commits late (see ``take_feed_lock``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from controlroom.errors import DatabaseUnavailableError, ValidationError

# Arbitrary but fixed: the advisory lock key every writer takes before the change log.
FEED_LOCK_KEY = 0x43524F4F4D  # "CROOM"
_WRITE_OPTION = "controlroom_write"


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
        if self.is_sqlite:
            self._prepare_sqlite_file()
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **self._engine_args())
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    def _engine_args(self) -> dict[str, Any]:
        if self.is_sqlite:
            return {"connect_args": {"timeout": 30}}
        return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}

    def _prepare_sqlite_file(self) -> None:
        database = self.url.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on any error."""
        async with AsyncSession(self._write_engine, expire_on_commit=False) as session:
            try:
                async with session.begin():
                    yield session
            except OSError as exc:
                raise self.unavailable(exc) from exc

    @asynccontextmanager
    async def read(self, *, consistent: bool = False) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction; ``consistent`` gives one snapshot across statements."""
        engine = self.engine
        if consistent and not self.is_sqlite:
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        try:
            async with engine.connect() as conn, conn.begin():
                yield conn
        except OSError as exc:
            raise self.unavailable(exc) from exc

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


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
