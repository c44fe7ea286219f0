"""What the handover worker process runs: the draft, and the handover's paper.

Nothing here imports Qt: these functions run in a separate process (``gateway``) that
imports only the core and the database drivers. Each call opens its own connection to
the database under the console's login (the URL carries it) and closes it before
returning; what it returns is plain, picklable values (the core's frozen dataclasses).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from controlroom.core.roles import Actor
from controlroom.handover.content import HandoverContent
from controlroom.storage.database import Database


def in_worker(url: str, work: Callable[[Database], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``work(db)`` on a fresh loop with its own connection to ``url``."""

    async def run() -> Any:
        db = Database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


async def draft(actor: Actor, now: datetime, targets: Any, db: Database) -> HandoverContent:
    """The core's draft of the live state at ``now``, as ``actor``'s role may read it."""
    from controlroom.handover.draft import draft_handover

    return await draft_handover(db, actor, now, targets)
