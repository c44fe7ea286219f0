"""``DecisionGateway``: the decision log's command, reads and print, as the window's acting user.

Each runs as a coroutine on the window's loop; the database driver does the waiting off the
GUI thread (aiosqlite's thread, asyncpg's socket), as every other panel's reads do. The
decisions themselves reach the dock through the feed, not through these reads.
"""

from __future__ import annotations

from datetime import date

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.decisions.queries import DecisionChain, decision_chain, list_decisions
from controlroom.decisions.records import NewDecision
from controlroom.paperwork.render import RenderedDocument


class DecisionGateway:
    """What the Decisions dock asks of the core."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    @property
    def actor(self) -> Actor:
        return self.commands.actor

    async def record(self, new: NewDecision) -> DecisionSnapshot:
        """Record (or, with ``new.revises``, revise); refusals are the core's ``DecisionInputError``."""
        return await self.commands.record_decision(new)

    @property
    def on_the_feed(self) -> bool:
        """Whether the feed brings this role decisions: those who record them (an auditor reads
        the log instead; the feed withholds decisions from roles that do not run the board)."""
        return self.actor.may("decision.record")

    async def night(self, night: date) -> tuple[DecisionSnapshot, ...]:
        """The night's decisions read from the log (for a role the feed does not bring them to)."""
        return await list_decisions(self.commands.db, self.actor, night=night)

    async def chain(self, reference: str) -> DecisionChain:
        """The decision with what it revises and what revised it."""
        return await decision_chain(self.commands.db, self.actor, reference)

    async def paper(
        self, *, night: date | None, incident: str | None, reason: str, recipient: str | None
    ) -> RenderedDocument:
        """The decision log of ``night`` or ``incident``, rendered; the core logs the print first."""
        from controlroom.decisions.paper import print_decision_log

        if incident:
            return await print_decision_log(
                self.commands.db, self.actor, incident=incident, reason=reason, recipient=recipient
            )
        return await print_decision_log(
            self.commands.db, self.actor, night=night, reason=reason, recipient=recipient
        )
