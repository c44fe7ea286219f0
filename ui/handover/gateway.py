"""``HandoverGateway``: what the handover dialogs ask of the core, as the console's user.

The draft reads the whole live state (every open incident, unit, flag, zone, direction…)
and builds a few hundred rows: run as a task on the window's loop, its Python work would
hold the GUI thread between the database's answers. So it is worked out whole in a worker
process, as the Reports dock's reports are (``ui.reports.gateway`` says why a thread is
not enough): one process, started on the first draft ("spawn": a fork of a process running
Qt threads is unsafe) and kept; it connects to the same database under the same login.

Giving, acknowledging and the history's reads are single statements or small reads: they
run on the window's loop through ``Commands`` and the core's queries, as every other
panel's writes and reads do, and their result comes back to every console through the feed.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any

from controlroom.commands import Commands
from controlroom.core.snapshots import HandoverSnapshot
from controlroom.handover.content import HandoverContent
from controlroom.handover.queries import handover_record, list_handovers
from controlroom.handover.records import HandoverRecord
from ui.handover.work import draft, in_worker, paper


@functools.cache
def _worker() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class HandoverGateway:
    """Handover work for the window's acting user (``commands.actor``)."""

    def __init__(self, commands: Commands, grade_targets: Any = None) -> None:
        self.commands = commands
        self.grade_targets = grade_targets
        # The login's own URL (password and all): the worker connects as this user.
        self._url = commands.db.url.render_as_string(hide_password=False)

    @property
    def actor_name(self) -> str:
        return self.commands.actor.name

    def may(self, action: str) -> bool:
        return self.commands.actor.may(action)

    async def draft(self) -> HandoverContent:
        """The draft of the live state now, worked out in the worker process."""
        now = self.commands.context.clock()
        work = functools.partial(draft, self.commands.actor, now, self.grade_targets)
        result: HandoverContent = await self._run(work)
        return result

    async def draft_paper(
        self,
        draft: HandoverContent,
        notes: str,
        item_notes: Mapping[str, str],
        to_user: str | None,
        justification: str | None,
        recipient: str | None,
    ) -> Any:
        """The draft's paper with the notes typed (the core checks them and logs the print)."""
        work = functools.partial(
            paper, self.commands.actor, draft, notes, dict(item_notes), to_user, justification, recipient
        )
        return await self._run(work)

    async def handover_paper(self, handover_id: int, justification: str | None, recipient: str | None) -> Any:
        """A given handover's paper as stored (the core logs the print)."""
        work = functools.partial(
            paper, self.commands.actor, handover_id, "", {}, None, justification, recipient
        )
        return await self._run(work)

    async def _run(self, work: Any) -> Any:
        """``work(db)`` in the worker process, on its own connection under this login."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_worker(), in_worker, self._url, work)

    async def give(
        self, draft: HandoverContent, notes: str, item_notes: Mapping[str, str], to_user: str | None
    ) -> HandoverRecord:
        """Hand over ``draft`` with the notes typed; the core's refusals propagate."""
        return await self.commands.give_handover(notes, item_notes, to_user, draft=draft)

    async def acknowledge(self, handover_id: int) -> HandoverRecord:
        return await self.commands.acknowledge_handover(handover_id)

    async def show(self, handover_id: int) -> HandoverRecord:
        return await handover_record(self.commands.db, self.commands.actor, handover_id)

    async def search(
        self, text: str | None, user: str | None, since: date | None, until: date | None
    ) -> list[HandoverSnapshot]:
        return await list_handovers(
            self.commands.db, self.commands.actor, text=text, user=user, date_from=since, date_to=until
        )
