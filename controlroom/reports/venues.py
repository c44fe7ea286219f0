"""The per-venue table: how each venue's incidents relate to it, so a review reads evidence.

A licensing review that counts every incident "at" a venue counts the fight across the
street and the report the venue's own staff made alike (one review found most of 300+
such incidents did not relate to the venue at all). Each incident at a venue carries a
``VenueLink``; this table counts them per link and per grade. It is a pure function of
snapshots, so the night pack and the period report build the same table from whatever
incidents they have read, and a test needs no database.

An incident linked as a duplicate of another is the same event reported twice: it is
left out unless asked for, so a venue is not counted twice for one fight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from controlroom.core.domain import VenueLink
from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot

# Column headings in the order ``VenueRow.cells`` gives the values (CSV, PDF table).
VENUE_TABLE_HEADINGS = (
    "Venue",
    "Inside",
    "At the door/queue",
    "Nearby",
    "Reported by the venue",
    "At venue (unspecified)",
    "Total",
    "G1",
    "G2",
    "G3",
    "G4",
    "Ungraded",
)


@dataclass(frozen=True, slots=True)
class VenueRow:
    """One venue's incidents, counted by link and by grade (plain values)."""

    venue_id: int
    name: str
    inside: int
    door_queue: int
    nearby: int
    venue_reported: int
    at_venue: int  # linked to the venue without saying how
    total: int
    grade_1: int
    grade_2: int
    grade_3: int
    grade_4: int
    ungraded: int

    def cells(self) -> tuple[str | int, ...]:
        """The row's values in the order of ``VENUE_TABLE_HEADINGS``."""
        return (
            self.name,
            self.inside,
            self.door_queue,
            self.nearby,
            self.venue_reported,
            self.at_venue,
            self.total,
            self.grade_1,
            self.grade_2,
            self.grade_3,
            self.grade_4,
            self.ungraded,
        )


_LINK_FIELD = {
    VenueLink.INSIDE.value: "inside",
    VenueLink.DOOR_QUEUE.value: "door_queue",
    VenueLink.NEARBY.value: "nearby",
    VenueLink.VENUE_REPORTED.value: "venue_reported",
}
_GRADE_FIELD = {1: "grade_1", 2: "grade_2", 3: "grade_3", 4: "grade_4"}


def venue_table(
    incidents: Iterable[IncidentSnapshot],
    venues: Iterable[VenueSnapshot],
    *,
    include_duplicates: bool = False,
) -> list[VenueRow]:
    """One row per venue with at least one incident, most incidents first, then by name.

    An incident with a venue but no link (a row written before the link, or around the
    program) counts as "at venue (unspecified)". Incidents at no venue are not counted.
    A venue no longer in ``venues`` is still counted, named by its number.
    """
    names = {venue.id: venue.name for venue in venues}
    counts: dict[int, dict[str, int]] = {}
    for incident in incidents:
        if incident.venue_id is None or (incident.duplicate_of is not None and not include_duplicates):
            continue
        tally = counts.setdefault(incident.venue_id, dict.fromkeys(_COUNTED, 0))
        tally[_LINK_FIELD.get(incident.venue_link or "", "at_venue")] += 1
        tally[_GRADE_FIELD.get(incident.grade or 0, "ungraded")] += 1
        tally["total"] += 1
    rows = [
        VenueRow(venue_id=venue_id, name=names.get(venue_id, f"venue #{venue_id}"), **tally)
        for venue_id, tally in counts.items()
    ]
    rows.sort(key=lambda row: (-row.total, row.name.lower(), row.venue_id))
    return rows


_COUNTED = (
    "inside",
    "door_queue",
    "nearby",
    "venue_reported",
    "at_venue",
    "total",
    "grade_1",
    "grade_2",
    "grade_3",
    "grade_4",
    "ungraded",
)
