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
from typing import TYPE_CHECKING, Any

from controlroom.core.roles import Actor
from controlroom.handover.content import HandoverContent
from controlroom.storage.database import Database

if TYPE_CHECKING:
    from controlroom.paperwork.render import RenderedDocument


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


async def paper(
    actor: Actor,
    source: HandoverContent | int,
    notes: str,
    item_notes: dict[str, str],
    to_user: str | None,
    justification: str | None,
    recipient: str | None,
    db: Database,
) -> RenderedDocument:
    """The core's handover paper (the CLI's), its print logged by the core as it renders."""
    from controlroom.handover.paper import handover_paper

    return await handover_paper(
        db,
        actor,
        source,
        notes=notes,
        item_notes=item_notes,
        to_user=to_user,
        justification=justification,
        recipient=recipient,
    )
