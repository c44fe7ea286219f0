"""PostgreSQL push: writers NOTIFY on commit, consoles LISTEN and then read from their cursor.

A notification carries only the new change-log ``seq``; a console never trusts it for
content, it just wakes up and reads everything after its cursor (``ChangeFeed.poll``),
so a burst of notifications costs one read, not one each. ``NOTIFY`` inside the
writing transaction is queued by the server and delivered only if that transaction
commits, and after the feed lock is released, so a woken console always finds the row.

Notifications sent while a listener is disconnected are lost for good; the feed
therefore reads from its cursor on every (re)connect and keeps a slow fallback poll.

LISTEN needs a session of its own on the server: through PgBouncer in transaction
pooling a notification would reach whichever client last borrowed that server
connection. With ``listen_url`` (``[database] listen_url``) the listener connects
there, straight to the server, while writes and the engine's reads go through the
pooler; it logs in as the console's own user, so its reads get the same grants.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.errors import DatabaseUnavailableError
from controlroom.storage.database import Database, mask_url
from controlroom.storage.models import ChangeLogEntry

CHANNEL = "controlroom_changes"
# Shown in pg_stat_activity, so a DBA can tell console listeners from pooled connections.
APPLICATION_NAME = "controlroom-listen"
# The feed's catch-up read, as ChangeFeed.poll writes it, for the listener's own connection.
_CHANGES_AFTER = (
    f"SELECT seq, entity, entity_id, op, payload FROM {ChangeLogEntry.__tablename__} "  # noqa: S608
    "WHERE seq > $1 ORDER BY seq LIMIT $2"
)
# A partner console reads only what its grants allow: the redacted payload (see security.partner_view).
_PARTNER_CHANGES_AFTER = (
    f"SELECT seq, entity, entity_id, op, partner_payload, venue_id FROM {ChangeLogEntry.__tablename__} "  # noqa: S608
    "WHERE seq > $1 ORDER BY seq LIMIT $2"
)
# Options SQLAlchemy's asyncpg dialect adds for its own adapter; asyncpg.connect rejects them.
_DIALECT_ONLY = ("async_creator_fn", "prepared_statement_cache_size", "prepared_statement_name_func")


async def notify_change(session: AsyncSession, seq: int) -> None:
    """Queue a notification for change ``seq``; the server sends it only on commit."""
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": str(seq)}
    )


class ChangeListener:
    """One dedicated asyncpg connection LISTENing on ``CHANNEL``.

    ``wait(timeout)`` returns when a notification arrived (or at once if one arrived
    since the last wait), or when the timeout passes; it raises
    ``DatabaseUnavailableError`` once the connection is lost, so the caller notices an
    outage immediately instead of at its next fallback poll.
    """

    def __init__(
        self,
        db: Database,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 10.0,
        partner: bool = False,
        listen_url: str | None = None,
    ) -> None:
        if db.is_sqlite:
            raise ValueError("LISTEN/NOTIFY needs PostgreSQL")
        self.db = db
        self.address = _listen_address(db.url, listen_url)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._query = _PARTNER_CHANGES_AFTER if partner else _CHANGES_AFTER
        self._conn: Any = None
        self._errors: tuple[type[BaseException], ...] = (OSError, TimeoutError)
        self._woken = asyncio.Event()
        self._lost: str | None = None
        self.notifications = 0

    async def connect(self) -> None:
        """Open the connection and LISTEN; a failure names the masked URL."""
        import asyncpg  # type: ignore[import-untyped]  # only PostgreSQL consoles need it

        args, kwargs = self.db.engine.dialect.create_connect_args(self.address)
        for name in _DIALECT_ONLY:
            kwargs.pop(name, None)
        settings = dict(kwargs.pop("server_settings", None) or {})
        settings.setdefault("application_name", APPLICATION_NAME)
        kwargs.setdefault("timeout", self.connect_timeout)
        self._errors = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)
        try:
            self._conn = await asyncpg.connect(*args, **kwargs, server_settings=settings)
            self._conn.add_termination_listener(self._on_terminated)
            await self._conn.add_listener(CHANNEL, self._on_notification)
        except self._errors as exc:
            await self.close()
            raise self._unreachable(exc) from exc

    async def changes_after(self, cursor: int, limit: int) -> list[tuple[Any, ...]]:
        """The change-log rows after ``cursor``, in order, read on this connection.

        One statement on a connection outside any transaction: it sees everything
        committed before it started, exactly as ``ChangeFeed.poll``'s read does, in one
        round trip instead of a pool check-out, a ping, BEGIN, the query and ROLLBACK —
        which matters when twenty consoles wake at the same notification.
        """
        self._raise_if_lost()
        try:
            # Bounded: over a link that died silently the read would otherwise wait forever.
            rows = await self._conn.fetch(self._query, cursor, limit, timeout=self.read_timeout)
        except self._errors as exc:
            raise self.db.unavailable(exc) from exc
        return [(*row[:4], json.loads(row[4]) if row[4] is not None else None, *row[5:]) for row in rows]

    async def wait(self, timeout: float) -> bool:
        """True if woken by a notification, False on timeout; raises if the connection died."""
        self._raise_if_lost()
        if not self._woken.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), timeout)
        self._raise_if_lost()
        woken = self._woken.is_set()
        # Cleared before the caller reads: anything notified during that read wakes it again.
        self._woken.clear()
        return woken

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            await conn.close(timeout=2)
        except Exception:  # a dying server: drop the socket rather than wait
            conn.terminate()

    def _unreachable(self, exc: BaseException) -> DatabaseUnavailableError:
        if self.address == self.db.url:
            return self.db.unavailable(exc)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if self.db.url.password:
            reason = reason.replace(self.db.url.password, "***")
        return DatabaseUnavailableError(
            f"cannot reach the database server for notifications at {mask_url(self.address)}: "
            f"{reason}. Check [database] listen_url (or CONTROLROOM_LISTEN_URL): it must name "
            "the PostgreSQL server itself, not PgBouncer, and the server must be running."
        )

    def _on_notification(self, _conn: Any, _pid: int, _channel: str, _payload: str) -> None:
        self.notifications += 1
        self._woken.set()

    def _on_terminated(self, _conn: Any) -> None:
        self._lost = "the server closed the notification connection"
        self._woken.set()

    def _raise_if_lost(self) -> None:
        if self._lost is not None or self._conn is None or self._conn.is_closed():
            reason = self._lost or "the notification connection is closed"
            raise DatabaseUnavailableError(
                f"lost the database at {self.db.display_url}: {reason}; reconnecting"
            )


def _listen_address(url: URL, listen_url: str | None) -> URL:
    """Where LISTEN connects: ``listen_url``'s server and database, as ``url``'s user."""
    if listen_url is None:
        return url
    direct = make_url(listen_url).set(drivername=url.drivername)
    return direct.set(username=url.username, password=url.password)
