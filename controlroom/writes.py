"""The shared tail of every write: who acted, the audit entry and the change-log row."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.notify import notify_change
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting; a placeholder console name until logins exist."""

    name: str

    @classmethod
    def placeholder(cls) -> Actor:
        return cls(os.environ.get("CONTROLROOM_USER") or f"console:{getpass.getuser()}")


class CommandBase:
    """What every command class shares: the database, the acting user, the clock."""

    def __init__(self, db: Database, actor: Actor, clock: Clock = utcnow) -> None:
        self.db = db
        self.actor = actor
        self.clock = clock

    # -- shared tail of every write ------------------------------------------

    async def _finish(
        self,
        session: AsyncSession,
        action: str,
        entity: str,
        entity_id: int,
        audit_detail: dict[str, Any],
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Audit entry, then (last, under the feed lock) the change-log row."""
        session.add(
            AuditEntry(
                at=now,
                actor=self.actor.name,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=audit_detail,
            )
        )
        await session.flush()
        await self._append_change(session, entity, entity_id, payload, now)

    async def _append_change(
        self, session: AsyncSession, entity: str, entity_id: int, payload: dict[str, Any], now: datetime
    ) -> None:
        """Append one record's new state to the change log (under the feed lock: last step).

        On PostgreSQL the consoles are notified in the same transaction, so the
        notification goes out on commit or not at all.
        """
        await self.db.take_feed_lock(session)
        entry = ChangeLogEntry(
            entity=entity, entity_id=entity_id, op="upsert", payload=payload, committed_at=now
        )
        session.add(entry)
        await session.flush()
        if not self.db.is_sqlite:
            await notify_change(session, entry.seq)
