"""``SearchGateway``: the search and the read-only incident read, as the window's acting user.

Both run as coroutines on the window's loop; the database driver does the waiting off the
GUI thread (aiosqlite's thread, asyncpg's socket), as every other panel's reads do.
"""

from __future__ import annotations

from controlroom.commands import Commands
from controlroom.incidents.queries import IncidentDetail, incident_detail
from controlroom.search.filters import SearchFilters
from controlroom.search.query import SearchHit, search


class SearchGateway:
    """What the Search panel asks of the core."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    async def search(self, text: str, filters: SearchFilters) -> list[SearchHit]:
        return await search(self.commands.db, text, filters, actor=self.commands.actor)

    async def detail(self, reference: str) -> IncidentDetail:
        """The incident with its timeline; a partner's without persons-of-concern data or notes."""
        return await incident_detail(self.commands.db, reference, redacted=self.commands.actor.is_partner)
