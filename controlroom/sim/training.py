"""Training databases: the only ones a simulated night may be written into.

A simulated night writes dozens of invented incidents, flags and unit moves; in a
live database they would stand beside real ones on every console and in the audit
trail. So ``controlroom demo`` marks the database it fills as a training database
(the ``training`` fact, ``storage.facts``) — only while it holds no incidents but the
demo's and the simulator's, so a live database is never marked by running the demo
on it — and ``simulate`` refuses any database without that mark, before writing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from controlroom.storage.facts import TRAINING, add_fact, read_fact
from controlroom.storage.models import Incident

# Idempotency keys of the incidents the demo and the simulator write.
_OWN_KEYS = ("demo-%", "sim-%")


async def is_training(db: Database) -> bool:
    """Whether the database is marked as a training database."""
    async with db.read() as conn:
        return await read_fact(conn, TRAINING) is not None


async def require_training(db: Database) -> None:
    """Refuse (nothing written) unless the database is marked as a training database."""
    if not await is_training(db):
        raise ValidationError(
            f"{db.display_url} is not a training database, so no simulated night is written into it "
            "(its invented incidents would stand beside real ones). Create a new database, load it "
            "with `controlroom --db URL demo` (which marks it for training), add a supervisor, and "
            "run `simulate` there"
        )


async def mark_training(db: Database, actor: Actor, now: datetime) -> bool:
    """Mark the database for training if it holds no incidents but the demo's and the simulator's.

    Returns whether it is a training database afterwards.
    """
    async with db.write() as session:
        if await read_fact(session, TRAINING) is not None:
            return True
        keys = Incident.idempotency_key
        ours = or_(*(keys.like(k) for k in _OWN_KEYS))
        live = select(func.count()).where(or_(keys.is_(None), ~ours))
        if (await session.execute(live)).scalar_one():
            return False
        await add_fact(session, TRAINING, "yes", at=now, by=actor.name)
    return True
