"""``DispersalGateway``: the reads and paperwork behind the dispersal panel and dialogs.

Commands (authorise a zone, give a direction, add, warn, sight or consult a person)
are called on ``commands`` directly; this object holds what is more than a call:
reads of zones, persons and the night's tally, rendered paperwork, and the DPA 2018
s.62 logs: a board read (who and when), a direction opened singly (with why), and
one disclosure per document printed (to its recipient).
"""

from __future__ import annotations

from collections.abc import Sequence

from controlroom.audit.trail import log_processing
from controlroom.commands import Commands
from controlroom.core.snapshots import SubjectSnapshot, ZoneSnapshot
from controlroom.dispersal.consult import consult_direction, log_direction_printed, log_dispersal_read
from controlroom.dispersal.papers import authorisation_paper, direction_paper
from controlroom.dispersal.queries import NightTally, list_subjects, list_zones, night_tally
from controlroom.paperwork.data import DirectionPaper
from controlroom.paperwork.render import (
    DIRECTION_PARTS,
    DirectionPart,
    RenderedDocument,
    render_authorisation,
    render_direction_set,
)


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

    async def consult_direction(self, reference: str, why: str) -> DirectionPaper:
        """One direction in full, logged as a consultation with ``why`` (s.62(2))."""
        return await consult_direction(self.commands.db, self.commands.actor, reference, why)

    @staticmethod
    def printable(paper: DirectionPaper) -> tuple[list[DirectionPart], list[RenderedDocument]]:
        """The parts a direction prints (the receipt only with items) and their documents."""
        parts = [p for p in DIRECTION_PARTS if p != "receipt" or paper.surrendered_items]
        return parts, render_direction_set(paper, parts)

    async def log_printed(
        self, paper: DirectionPaper, parts: Sequence[str], why: str, recipient: str | None
    ) -> None:
        """One disclosure per document printed, each to its recipient (s.62(3))."""
        await log_direction_printed(self.commands.db, self.commands.actor, paper, parts, why, recipient)

    async def log_read(self, view: str, ids: Sequence[int | str]) -> None:
        """A board of directions was read: who, when, which records (s.62(1)(c))."""
        await log_dispersal_read(self.commands.db, self.commands.actor, view, ids)

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
