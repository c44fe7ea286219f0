"""``ActivityGateway``: the activity log's reads, as the window's acting user.

Both run as coroutines on the window's loop; the database driver does the waiting off the
GUI thread (aiosqlite's thread, asyncpg's socket). The core decides whose log the actor may
read and writes the audit entry when it is another's.
"""

from __future__ import annotations

from datetime import date

from controlroom.activity.log import ActivityLog, ActivityQuery, activity_log, activity_users, activity_window
from controlroom.commands import Commands
from controlroom.core.domain import operational_night
from controlroom.core.roles import Actor


class ActivityGateway:
    """What the activity viewer asks of the core."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    @property
    def actor(self) -> Actor:
        return self.commands.actor

    @property
    def may_read_any(self) -> bool:
        """Whether the role may read another user's log (supervisors, auditors)."""
        return self.actor.may("activity.read_any")

    def tonight(self) -> date:
        return operational_night(self.commands.clock())

    async def log(self, query: ActivityQuery) -> ActivityLog:
        return await activity_log(self.commands.db, self.actor, query, now=self.commands.clock())

    async def users(self, night: date) -> tuple[str, ...]:
        """Who did something that night (the picker's choices)."""
        start, end, _night = activity_window(ActivityQuery(night=night), self.commands.clock())
        return await activity_users(self.commands.db, self.actor, start, end)
