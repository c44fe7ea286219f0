"""Reading handovers: the history (search, by user, by date), one in full, and the board's few.

``list_handovers`` and ``handover_record`` need ``handover.read``. The handovers a console's
board starts from are the change feed's (``feed.handovers.handover_board``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import HandoverSnapshot
from controlroom.core.validation import bounded_date
from controlroom.handover.records import HandoverRecord, find_handover, record_of, snapshot_of
from controlroom.storage.database import Database
from controlroom.storage.models import Handover

# The longest history one listing returns (newest first); narrow it with a date or a word.
LIST_LIMIT = 500
SEARCH_LIMIT = 200  # characters of one search text


async def list_handovers(
    db: Database,
    actor: Actor,
    *,
    text: str | None = None,
    user: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = LIST_LIMIT,
) -> list[HandoverSnapshot]:
    """Handovers newest first: ``text`` in notes or content (any case), ``user`` gave, received or
    was named, given on local dates ``date_from``..``date_to`` (inclusive)."""
    actor.require("handover.read")
    query = (
        select(Handover)
        .order_by(Handover.given_at.desc(), Handover.id.desc())
        .limit(max(1, min(limit, LIST_LIMIT)))
    )
    words = (text or "").strip()
    if len(words) > SEARCH_LIMIT:
        raise ValidationError(
            f"the search text runs to {len(words)} characters; search for at most {SEARCH_LIMIT}"
        )
    for word in words.casefold().split():
        query = query.where(Handover.search_text.contains(word, autoescape=True))
    if user and user.strip():
        name = user.strip()
        query = query.where(
            or_(Handover.given_by == name, Handover.acknowledged_by == name, Handover.to_user == name)
        )
    start = bounded_date(date_from, "from date")
    end = bounded_date(date_to, "to date")
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"the dates run backwards ({start.isoformat()} to {end.isoformat()}); give the earlier date first"
        )
    if start is not None:
        query = query.where(Handover.given_at >= _local_midnight(start))
    if end is not None:
        query = query.where(Handover.given_at < _local_midnight(end + timedelta(days=1)))
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        rows = (await session.execute(query)).scalars().all()
        return [snapshot_of(row) for row in rows]


async def handover_record(db: Database, actor: Actor, handover: int | str) -> HandoverRecord:
    """One handover by id or reference, with its frozen content and every note."""
    actor.require("handover.read")
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        return record_of(await find_handover(session, handover))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


__all__ = ["LIST_LIMIT", "handover_record", "list_handovers"]
