"""Connection pooling sized for a console, not a web server.

A console's steady state is one dedicated LISTEN connection (``storage.notify``)
that also carries its catch-up reads; the engine's pool serves only the board's
first load, a reconnect and the operator's own actions. A web-server pool keeps
its connections open for ever, so a hundred idle consoles would hold two hundred
server processes. ``LingeringPool`` keeps a connection only while the console is
busy: once nothing has been returned to the pool for ``LINGER_S``, every connection
waiting in it is closed, and an idle console holds its LISTEN connection alone.

Through PgBouncer in transaction pooling, consecutive transactions of one client
connection may run on different server connections, so a prepared statement must
not outlive its transaction: a database URL that turns SQLAlchemy's statement cache
off (``?prepared_statement_cache_size=0``, the dialect's own URL option) says the
server is behind such a pooler, and asyncpg's cache goes off too, with every
statement uniquely named (the dialect's documented PgBouncer advice). Straight to
the server both caches stay on: without them a report took about a third longer
(measured on this machine, 47 ms against 35 ms median under load).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

from sqlalchemy.engine import URL
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util import queue as sqla_queue

# Long enough that an operator's burst of actions (open an incident, its timeline,
# an update) reuses one connection; short enough that a console left alone is back
# to its LISTEN connection within seconds. Reconnecting costs a few milliseconds.
LINGER_S = 10.0
# Connections kept while busy, and extra ones allowed for a moment of concurrency
# (the board's load while an action saves); beyond that a transaction waits its turn.
CONSOLE_POOL_SIZE = 2
CONSOLE_MAX_OVERFLOW = 3


def unique_statement_name() -> str:
    """A prepared-statement name no other client of a shared server connection uses."""
    return f"__controlroom_{uuid.uuid4().hex}__"


def behind_transaction_pooler(url: URL) -> bool:
    """Whether ``url`` turns statement caching off, as a URL through PgBouncer must."""
    return str(url.query.get("prepared_statement_cache_size", "")).strip() == "0"


def postgres_engine_args(url: URL) -> dict[str, Any]:
    """``create_async_engine`` arguments for a PostgreSQL console at ``url``."""
    args: dict[str, Any] = {
        "poolclass": LingeringPool,
        "pool_size": CONSOLE_POOL_SIZE,
        "max_overflow": CONSOLE_MAX_OVERFLOW,
        # A lingering connection may have died with the server (a restart, an idle cut).
        "pool_pre_ping": True,
    }
    if behind_transaction_pooler(url):
        args["connect_args"] = {
            "prepared_statement_name_func": unique_statement_name,
            "statement_cache_size": 0,
        }
    return args


class LingeringPool(AsyncAdaptedQueuePool):
    """An asyncio queue pool that closes its idle connections ``linger`` seconds after
    the last one came back.

    The timer restarts at every return, so when it fires every connection waiting in
    the pool has been idle for at least ``linger``; checked-out connections are never
    touched. Closing runs in SQLAlchemy's greenlet bridge, as any driver call must.
    """

    def __init__(self, creator: Any, *, linger: float = LINGER_S, **kw: Any) -> None:
        super().__init__(creator, **kw)
        self.linger = linger
        self._timer: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Future[None]] = set()

    def recreate(self) -> LingeringPool:
        fresh = cast("LingeringPool", super().recreate())  # QueuePool rebuilds self.__class__
        fresh.linger = self.linger
        return fresh

    def dispose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().dispose()

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        super()._do_return_conn(record)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # returned by the garbage collector, outside any loop: the next return re-arms
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.linger, self._on_linger_expired)

    def _on_linger_expired(self) -> None:
        self._timer = None
        if self.checkedin():
            closing = asyncio.ensure_future(greenlet_spawn(self._close_idle))
            # Held until done, so the task is not collected half-way through closing.
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    def _close_idle(self) -> None:
        """Close every connection waiting in the pool (runs inside the greenlet bridge)."""
        while True:
            try:
                record = self._pool.get(False)
            except sqla_queue.Empty:
                return
            try:
                # Invalidating closes as SQLAlchemy does a broken connection: politely, but
                # given up after 2 s, so a server gone silent cannot hang the closing.
                record.invalidate(soft=False)
            finally:
                self._dec_overflow()  # as QueuePool itself does when it discards one
