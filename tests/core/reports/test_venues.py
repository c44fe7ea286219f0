"""The per-venue table counts each venue's incidents by link and by grade."""

from __future__ import annotations

from dataclasses import replace

from controlroom.core.snapshots import IncidentSnapshot, VenueSnapshot
from controlroom.reports.venues import VENUE_TABLE_HEADINGS, venue_table
from tests.core.support import FIXED_NOW


def _venue(venue_id: int, name: str) -> VenueSnapshot:
    return VenueSnapshot(venue_id, name, "bar", "", 50.9, -1.4, "", False, None, False, "none", 1)


_BASE = IncidentSnapshot(
    id=0,
    reference="SOT-20261127-0000",
    reported_at=FIXED_NOW,
    source="cctv",
    category="disorder",
    grade=None,
    status="new",
    venue_id=None,
    place="",
    lat=50.9,
    lon=-1.4,
    summary="",
    version=1,
)


def _incident(number: int, venue_id: int | None, link: str | None, grade: int | None) -> IncidentSnapshot:
    return replace(_BASE, id=number, venue_id=venue_id, venue_link=link, grade=grade)


def test_each_venue_counts_its_incidents_by_link_and_grade_most_first() -> None:
    incidents = [
        _incident(1, 1, "inside", 1),
        _incident(2, 1, "inside", 2),
        _incident(3, 1, "door_queue", 2),
        _incident(4, 1, "nearby", None),
        _incident(5, 1, "venue_reported", 4),
        _incident(6, 1, "at_venue", 3),
        _incident(7, 1, None, 3),  # at a venue, the link never said: unspecified
        _incident(8, 2, "nearby", 2),
        _incident(9, None, None, 1),  # in the street: no venue to count against
        _incident(10, 9, "inside", 1),  # a venue since removed, named by its number
        replace(_incident(11, 1, "inside", 1), duplicate_of=1),  # the same fight reported twice
    ]
    rows = venue_table(incidents, [_venue(1, "Velvet Fox"), _venue(2, "Copper Lantern")])
    assert [row.cells() for row in rows] == [
        ("Velvet Fox", 2, 1, 1, 1, 2, 7, 1, 2, 2, 1, 1),
        ("Copper Lantern", 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0),
        ("venue #9", 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0),
    ]
    assert len(VENUE_TABLE_HEADINGS) == len(rows[0].cells())
    with_duplicates = venue_table(incidents, [_venue(1, "Velvet Fox")], include_duplicates=True)
    assert (with_duplicates[0].inside, with_duplicates[0].total) == (3, 8)
    assert venue_table([_incident(9, None, None, 1)], [_venue(1, "Velvet Fox")]) == []
