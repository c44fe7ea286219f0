"""A handover drafted from a known state contains each item, limited to what the role may read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from controlroom.core.errors import NotPermittedError
from controlroom.core.roles import Actor
from controlroom.handover.content import SECTION_ORDER, HandoverContent
from controlroom.handover.draft import draft_handover
from controlroom.storage.database import Database
from tests.core.handover.support import NOW, KnownNight, known_night, outgoing
from tests.core.support import run_with_db


def _draft(db_url: str, actor: Actor) -> tuple[KnownNight, HandoverContent]:
    async def scenario(db: Database) -> tuple[KnownNight, HandoverContent]:
        night = await known_night(db)
        return night, await draft_handover(db, actor, NOW)

    return run_with_db(db_url, scenario)


def _cells(content: HandoverContent, key: str) -> tuple[str, ...]:
    item = content.item(key)
    assert item is not None, f"{key} missing; items: {content.keys()}"
    return item.cells


def test_a_draft_from_a_known_night_contains_each_item(db_url: str) -> None:
    night, draft = _draft(db_url, Actor("op_out", "operator"))

    assert [s.key for s in draft.sections] == list(SECTION_ORDER)
    assert draft.drafted_by == "op_out" and draft.drafted_at == NOW and draft.contains_personal
    # Open incidents: status, grade, the grade clock and the next outstanding step.
    spiking = _cells(draft, f"incident:{night.spiking_id}")
    assert spiking[:4] == (night.spiking_ref, "Dispatched", "G2", "Velvet Fox")
    assert spiking[4] == "40:00 left"  # Grade 2: 60 minutes from the report 20 minutes ago
    assert spiking[5].startswith("1. Urgent welfare")
    g1 = _cells(draft, f"incident:{night.g1_id}")
    assert g1[:5] == (night.g1_ref, "New", "G1", "Above Bar Street", "11:00 left")
    # The unacknowledged Grade 1 is an alert; the dispatched Grade 2 is not.
    assert _cells(draft, f"alert:{night.g1_id}")[:2] == (night.g1_ref, "Grade 1 not acknowledged")
    assert draft.item(f"alert:{night.spiking_id}") is None
    # The spiking checklist's first step had 5 minutes: 15 minutes overdue.
    step = _cells(draft, f"step:{night.spiking_id}:1")
    assert step[0] == night.spiking_ref and step[1].startswith("1. Urgent welfare") and step[4] == "15 min"
    assert _cells(draft, f"unit:{night.unit_id}")[:4] == (
        "SN-21",
        "police_foot",
        "en route",
        f"incident {night.spiking_ref}",
    )
    assert _cells(draft, f"flag:{night.flag_id}")[:3] == (
        "Velvet Fox",
        "following",
        "Man following lone women",
    )
    zone = _cells(draft, f"zone:{night.zone_id}")
    assert zone[:2] == ("Bedford Place", "LOG-20261127-0427") and zone[3] == "18h00 left"
    direction = _cells(draft, f"direction:{night.direction_id}")
    assert direction[:3] == (night.direction_ref, "Bedford Place", "Boy, about 14, red cap (appears 14)")
    assert direction[4] == "28/11 23:30 (24h00 left)"
    person = _cells(draft, f"subject:{night.subject_id}")
    assert person == (f"#{night.subject_id}", "Boy, about 14, red cap", "1", "23:28", "Bedford Place")
    assert _cells(draft, f"venue:{night.venue_id}") == ("Velvet Fox", "Full")
    task = _cells(draft, f"task:{night.task_id}")
    assert task[1] == night.direction_ref and "(under 16)" in task[3]
    assert _cells(draft, f"footage_request:{night.request_id}")[:4] == (
        f"#{night.request_id}",
        night.spiking_ref,
        "DC 123 Avery",
        "identify who bought the drink",
    )
    tally = draft.section("tally")
    assert tally is not None
    counts = {item.key: item.cells[1] for item in tally.items}
    assert counts["tally:incidents"] == "2" and counts["tally:grade1"] == "1"
    assert counts["tally:directions"] == "1" and counts["tally:sightings"] == "1"


def test_without_personal_data_the_draft_keeps_references_and_counts(db_url: str) -> None:
    # Set-up mode (no users yet) may process no personal data, whatever it may otherwise do.
    night, draft = _draft(db_url, Actor("console:setup"))

    assert not draft.contains_personal
    direction = _cells(draft, f"direction:{night.direction_id}")
    assert direction[0] == night.direction_ref and direction[2] == f"subject #{night.subject_id}"
    assert "red cap" not in " ".join(c for s in draft.sections for i in s.items for c in i.cells)
    assert _cells(draft, f"subject:{night.subject_id}") == (f"#{night.subject_id}", "", "1", "23:28", "")
    assert _cells(draft, f"task:{night.task_id}")[3] == ""
    directions, persons = draft.section("directions"), draft.section("persons")
    assert directions is not None and "dispersal.read" in directions.withheld
    assert persons is not None and "read.subjects" in persons.withheld


@pytest.mark.parametrize("role", ["partner", "auditor", "administrator"])
def test_roles_without_handover_draft_are_refused(db_url: str, role: str) -> None:
    async def scenario(db: Database) -> None:
        await draft_handover(db, Actor("someone", role), NOW)

    with pytest.raises(NotPermittedError, match="draft a shift handover"):
        run_with_db(db_url, scenario)


def test_a_later_draft_shows_the_clock_moving(db_url: str) -> None:
    async def scenario(db: Database) -> HandoverContent:
        night = await known_night(db)
        later = outgoing(db).context.actor
        content = await draft_handover(db, later, NOW + timedelta(minutes=45))
        assert content.item(f"incident:{night.g1_id}") is not None
        return content

    content = run_with_db(db_url, scenario)
    alerts = content.section("alerts")
    assert alerts is not None
    # 49 minutes on, the Grade 1 is unacknowledged and past target: listed once, as G1, first;
    # the Grade 2 sent a unit 65 minutes ago that has not arrived: a breach, 5 minutes over.
    assert [(i.cells[1], i.cells[4]) for i in alerts.items] == [
        ("Grade 1 not acknowledged", "over by 34 min"),
        ("past its attendance target", "over by 5 min"),
    ]
