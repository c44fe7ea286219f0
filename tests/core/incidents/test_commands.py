"""The command layer: one transaction per write, stamped and audited; bad input writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from controlroom.core.errors import ValidationError
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, ChangeLogEntry, IncidentEvent
from tests.core.support import FIXED_NOW, add_venue, commands_for, row_counts, run_with_db


def test_report_writes_incident_timeline_audit_and_change_together(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, ...]:
        commands = commands_for(db, "operator-7", FIXED_NOW)
        await add_venue(commands)
        before = await row_counts(db)
        incident = await commands.report_incident(
            NewIncident(
                category="suspected_spiking",
                source="licensed_premises",
                summary="Drink tasted odd",
                grade=1,
                venue="velvet fox",
            )
        )
        after = await row_counts(db)
        async with db.read() as conn:
            audit = (await conn.execute(select(AuditEntry).order_by(AuditEntry.id.desc()))).first()
            event = (await conn.execute(select(IncidentEvent))).first()
            change = (await conn.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()))).first()
        return incident, before, after, audit, event, change

    incident, before, after, audit, event, change = run_with_db(db_url, scenario)
    assert incident.reference == "SOT-20261127-0001"
    assert incident.place == "Velvet Fox" and incident.grade == 1 and incident.status == "new"
    # A suspected spiking also starts its procedure's checklist (its own timeline line, audit
    # entry and change), in the same transaction: see tests/core/procedures.
    assert {k: after[k] - before[k] for k in after} == {"incidents": 1, "events": 2, "audit": 2, "changes": 2}
    assert audit.actor == "operator-7" and audit.action == "incident.report"
    assert event.actor == "operator-7" and event.kind == "reported"
    assert change.payload["reference"] == incident.reference and change.payload["version"] == 1


def test_references_count_up_within_a_night_and_restart_the_next(db_url: str) -> None:
    async def scenario(db: Database) -> list[str]:
        refs = []
        for moment in (FIXED_NOW, FIXED_NOW + timedelta(hours=2), FIXED_NOW + timedelta(hours=20)):
            commands = commands_for(db, now=moment)
            refs.append(
                (
                    await commands.report_incident(
                        NewIncident(
                            category="disorder",
                            source="cctv",
                            summary="scuffle",
                            lat=50.905,
                            lon=-1.404,
                            place="Above Bar Street",
                            reported_at=moment,
                        )
                    )
                ).reference
            )
        return refs

    assert run_with_db(db_url, scenario) == ["SOT-20261127-0001", "SOT-20261127-0002", "SOT-20261128-0001"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            NewIncident(category="harassment", source="cctv", summary="x", venue="Velvet Fx"),
            "unknown venue 'Velvet Fx'; did you mean: Velvet Fox",
        ),
        (
            NewIncident(category="shouting", source="cctv", summary="x", venue="Velvet Fox"),
            "choose one of: unwanted_sexual_behaviour",
        ),
        (
            NewIncident(category="harassment", source="radio", summary="x", venue="Velvet Fox"),
            "choose one of: police_patrol, cctv",
        ),
        (
            NewIncident(category="harassment", source="cctv", summary="  ", venue="Velvet Fox"),
            "the summary is empty",
        ),
        (
            NewIncident(
                category="harassment", source="cctv", summary="x", lat=51.5, lon=-0.12, place="London"
            ),
            "outside the operating area",
        ),
        (
            NewIncident(category="harassment", source="cctv", summary="x", lat=50.905, lon=-1.404),
            "the place is empty",
        ),
        (
            NewIncident(category="harassment", source="cctv", summary="x", grade=5, venue="Velvet Fox"),
            "grade 5 is not valid",
        ),
        (
            NewIncident(category="harassment", source="cctv", summary="x" * 2001, venue="Velvet Fox"),
            "the limit is 2000",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(db_url: str, new: NewIncident, message: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        commands = commands_for(db)
        await add_venue(commands)
        before = await row_counts(db)
        with pytest.raises(ValidationError) as caught:
            await commands.report_incident(new)
        return str(caught.value), before, await row_counts(db)

    error, before, after = run_with_db(db_url, scenario)
    assert message in error.replace("categories", "categorys")
    assert before == after


def test_replaying_an_idempotency_key_records_once(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, object, dict[str, int]]:
        commands = commands_for(db)
        new = NewIncident(
            category="harassment",
            source="cctv",
            summary="x",
            lat=50.905,
            lon=-1.404,
            place="Bargate",
            idempotency_key="console-3:0017",
        )
        first = await commands.report_incident(new)
        again = await commands.report_incident(new)
        return first, again, await row_counts(db)

    first, again, counts = run_with_db(db_url, scenario)
    assert first == again
    assert counts["incidents"] == 1 and counts["changes"] == 1


def test_update_bumps_version_and_records_each_aspect_in_the_timeline(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[object, list[tuple[str, dict[str, object]]]]:
        commands = commands_for(db)
        await add_venue(commands)
        made = await commands.report_incident(
            NewIncident(category="harassment", source="cctv", summary="x", venue="Velvet Fox")
        )
        updated = await commands.update_incident(
            made.reference, status="acknowledged", grade=2, note="Door staff informed"
        )
        async with db.read() as conn:
            rows = (
                await conn.execute(
                    select(IncidentEvent.kind, IncidentEvent.detail).order_by(IncidentEvent.id)
                )
            ).all()
        return updated, [(kind, detail) for kind, detail in rows]

    updated, events = run_with_db(db_url, scenario)
    assert updated.version == 2 and updated.status == "acknowledged" and updated.grade == 2
    assert updated.updated_by == "test-operator"
    assert events[1:] == [
        ("status", {"from": "new", "to": "acknowledged"}),
        ("regraded", {"from": None, "to": 2}),
        ("note", {"text": "Door staff informed"}),
    ]
