"""``DispersalGateway``: the reads and paperwork behind the dispersal panel and dialogs.

Commands (authorise a zone, give a direction, add, warn, sight or consult a person)
are called on ``commands`` directly; this object holds what is more than a call:
reads of zones, persons and the night's tally, rendered paperwork, and the log of a
disclosure (DPA 2018 s.62(3)) written before the disclosure happens.
"""

from __future__ import annotations

from controlroom.audit.trail import log_processing
from controlroom.commands import Commands
from controlroom.core.snapshots import SubjectSnapshot, ZoneSnapshot
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.dispersal.queries import NightTally, list_subjects, list_zones, night_tally
from controlroom.paperwork.render import RenderedDocument, render_authorisation, render_direction_set


class DispersalGateway:
    """Reads and paperwork for dispersal; ``commands`` for everything that writes."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    async def saved_zones(self) -> list[ZoneSnapshot]:
        return await list_zones(self.commands.db)

    async def night_tally(self) -> NightTally:
        return await night_tally(self.commands.db)

    async def subjects(self) -> list[SubjectSnapshot]:
        return await list_subjects(self.commands.db)

    async def direction_documents(self, reference: str) -> list[RenderedDocument]:
        """Notice to the person, record copy and (if items were surrendered) the receipt."""
        return render_direction_set(await direction_paper(self.commands.db, reference))

    async def zone_documents(self, zone_id: int) -> list[RenderedDocument]:
        return [render_authorisation(await authorisation_paper(self.commands.db, zone_id))]

    async def log_disclosure(
        self, action: str, *, entity: str, entity_id: int | None, detail: dict[str, object], why: str, to: str
    ) -> None:
        """Log a print or export of personal data (DPA 2018 s.62(3)) before it happens."""
        await log_processing(
            self.commands.db,
            self.commands.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=dict(detail),
            justification=why,
            recipient=to,
        )
