"""``FootageGateway``: the footage commands for one acting user, and the read of an incident's clips.

The dialog is not a live board: it reads the incident's footage when it opens and
again after each of its own writes (another console's writes show at the next read).
"""

from __future__ import annotations

from datetime import date, datetime

from controlroom.commands import Commands
from controlroom.footage.commands import FootageCommands
from controlroom.footage.queries import IncidentFootage, incident_footage
from controlroom.footage.records import ClipRecord, RequestRecord


class FootageGateway:
    """What the Footage dialog may do, as the window's acting user."""

    def __init__(self, commands: Commands) -> None:
        self.commands = FootageCommands(commands.context)

    async def read(self, reference: str) -> IncidentFootage:
        return await incident_footage(self.commands.db, reference)

    async def mark(
        self, reference: str, camera: str, starts_at: datetime, ends_at: datetime, description: str
    ) -> ClipRecord:
        return await self.commands.mark_clip(reference, camera, starts_at, ends_at, description)

    async def view(self, clip_id: int, reason: str) -> ClipRecord:
        return await self.commands.view_clip(clip_id, reason)

    async def lock(self, clip_id: int, until: date, reason: str) -> ClipRecord:
        return await self.commands.lock_clip(clip_id, until, reason)

    async def unlock(self, clip_id: int, reason: str) -> ClipRecord:
        return await self.commands.unlock_clip(clip_id, reason)

    async def request(
        self, reference: str, requester: str, purpose: str, clip_id: int | None
    ) -> RequestRecord:
        return await self.commands.record_request(reference, requester, purpose, clip_id)

    async def release(self, clip_id: int, recipient: str, justification: str) -> ClipRecord:
        return await self.commands.release_clip(clip_id, recipient, justification)
