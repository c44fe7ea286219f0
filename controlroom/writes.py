"""The shared tail of every write: who acted, may they, the audit entry, the change-log row."""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.chain import append_audit
from controlroom.core.domain import SOUTHAMPTON_CENTRE, OperatingArea
from controlroom.core.roles import Actor, partner_view
from controlroom.procedures.book import ProcedureBook, current_book
from controlroom.storage.database import Database
from controlroom.storage.models import ChangeLogEntry
from controlroom.storage.notify import notify_change

Clock = Callable[[], datetime]
P = ParamSpec("P")
R = TypeVar("R")


def requires(action: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Refuse a command the actor's role lacks before it reads or writes anything.

    ``_finish`` checks again inside the transaction (with the venue, for a partner); this
    first check gives the person the reason rather than a database permission error,
    since on PostgreSQL the user's own login would be refused by the grants first.
    """

    def wrap(command: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(command)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            owner = args[0]
            assert isinstance(owner, CommandBase)  # noqa: S101 - decorates command methods only
            owner.actor.require_role(action)
            return await command(*args, **kwargs)

        return checked

    return wrap


def utcnow() -> datetime:
    return datetime.now(UTC)


def placeholder_actor() -> Actor:
    """The actor of a database with no users yet (open set-up mode): the OS account."""
    return Actor(os.environ.get("CONTROLROOM_USER") or f"console:{getpass.getuser()}")


@dataclass(frozen=True, slots=True)
class CommandContext:
    """What every feature's commands share: one database, one acting user, one clock.

    ``area`` bounds every coordinate typed in (``OperatingArea.require``) and
    ``reference_prefix`` starts every incident reference, whichever feature makes it.
    ``procedures`` is the procedures book new checklists are copied from; None: the
    process's own (``procedures.book.current_book``: the config directory's file, read
    once). Tests and tools pass a book of their own.
    """

    db: Database
    actor: Actor
    clock: Clock = utcnow
    area: OperatingArea = SOUTHAMPTON_CENTRE
    reference_prefix: str = "SOT"
    procedures: ProcedureBook | None = None


class CommandBase:
    """A feature's commands: the shared context, and the tail every write ends with."""

    def __init__(self, context: CommandContext) -> None:
        self.context = context

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def actor(self) -> Actor:
        return self.context.actor

    @property
    def clock(self) -> Clock:
        return self.context.clock

    @property
    def area(self) -> OperatingArea:
        return self.context.area

    @property
    def procedures(self) -> ProcedureBook:
        """The procedures book new checklists are copied from (read only when first needed)."""
        return self.context.procedures or current_book()

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
        """Check the role, the audit entry, then (last, under the feed lock) the change-log row.

        A refusal raises inside the transaction, so nothing of the write is kept.
        """
        venue_id = entity_id if entity == "venue" else payload.get("venue_id")
        self.actor.require(action, venue_id if isinstance(venue_id, int) else None)
        await self._audit(session, action, entity, entity_id, audit_detail, now)
        await self._append_change(session, entity, entity_id, payload, now)

    async def _audit(
        self,
        session: AsyncSession,
        action: str,
        entity: str,
        entity_id: int | None,
        detail: dict[str, Any],
        now: datetime,
        *,
        justification: str | None = None,
        recipient: str | None = None,
    ) -> None:
        """One hash-chained s.62 audit entry in this transaction."""
        if self.actor.simulating is not None:  # a training night: the logged-in user, and whom they play
            detail = {**detail, "simulated_actor": self.actor.simulating}
        await append_audit(
            self.db,
            session,
            at=now,
            actor=self.actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            justification=justification,
            recipient=recipient,
        )

    async def _append_change(
        self, session: AsyncSession, entity: str, entity_id: int, payload: dict[str, Any], now: datetime
    ) -> None:
        """Append one record's new state to the change log (under the feed lock: last step).

        On PostgreSQL the consoles are notified in the same transaction, so the
        notification goes out on commit or not at all.
        """
        await self.db.take_feed_lock(session)
        partner_payload, venue_id = partner_view(entity, payload)
        entry = ChangeLogEntry(
            entity=entity,
            entity_id=entity_id,
            op="upsert",
            payload=payload,
            committed_at=now,
            partner_payload=partner_payload,
            venue_id=venue_id,
        )
        session.add(entry)
        await session.flush()
        if not self.db.is_sqlite:
            await notify_change(session, entry.seq)
