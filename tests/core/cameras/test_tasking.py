"""Tasking a camera to an incident: the timeline says so, the feed carries it, one open task per camera."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.feed.change_feed import ChangeFeed
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, CameraTask
from tests.core.support import commands_for, row_counts, run_with_db

DOOR = CameraSpec("C1", "Bargate door", "council", 50.9040, -1.4040, "fixed", 90.0, 60.0, 80.0)
JUNCTION = CameraSpec(
    "P7",
    "Above Bar junction",
    "police",
    50.9050,
    -1.4045,
    "ptz",
    presets=(PresetSpec("North", 0.0, 40.0, 120.0), PresetSpec("Bar door", 200.0, 30.0, 60.0)),
)


async def _incident(commands: Commands, summary: str) -> str:
    made = await commands.report_incident(
        NewIncident(
            category="assault", source="cctv", summary=summary, lat=50.9060, lon=-1.4044, place="Above Bar"
        )
    )
    return made.reference


async def _setting(db: Database) -> tuple[Commands, str, str]:
    supervisor = commands_for(db, "supervisor-1", role="supervisor")
    await supervisor.add_camera(DOOR)
    await supervisor.add_camera(JUNCTION)
    operator = commands_for(db, "operator-1", role="operator")
    return operator, await _incident(operator, "fight"), await _incident(operator, "collapse")


def test_tasking_writes_the_timeline_ends_the_previous_task_and_arrives_in_the_feed(db_url: str) -> None:
    async def scenario(db: Database) -> dict[str, Any]:
        operator, first, second = await _setting(db)
        await operator.task_camera("p7", first, "north")
        feed = ChangeFeed(db)
        await feed.start()
        await operator.task_camera("P7", second, "Bar door")
        diff = await feed.poll()
        async with db.read() as conn:
            tasks = (await conn.execute(select(CameraTask).order_by(CameraTask.id))).all()
            audit = (
                await conn.execute(select(AuditEntry.action).where(AuditEntry.action == "camera.task"))
            ).all()
        return {
            "second_ref": second,
            "first": [e.describe() for e in (await incident_detail(db, first)).timeline],
            "second": [e.describe() for e in (await incident_detail(db, second)).timeline],
            "cameras": [c.camera for c in diff.camera_changes()],
            "incidents": {c.incident.reference for c in diff.incident_changes() if c.incident},
            "open": [(t.preset, t.ended_at is None, t.ended_by) for t in tasks],
            "audit": len(audit),
        }

    seen = run_with_db(db_url, scenario)

    assert seen["first"][-2:] == [
        "CCTV: camera P7, preset North on it",
        f"CCTV: camera P7 released (moved to {seen['second_ref']})",
    ]
    assert seen["second"][-1] == "CCTV: camera P7, preset Bar door on it"
    (camera,) = seen["cameras"]
    assert camera.number == "P7" and camera.tasked_preset == "Bar door" and camera.tasked_by == "operator-1"
    assert camera.tasked_incident_id is not None and camera.tasked_at is not None
    assert len(seen["incidents"]) == 2  # both timelines changed: both incidents are new versions
    assert seen["open"] == [("North", False, "operator-1"), ("Bar door", True, None)]
    assert seen["audit"] == 2


def test_release_ends_the_task_and_the_camera_is_no_longer_tasked(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, list[str]]:
        operator, first, _ = await _setting(db)
        await operator.task_camera("C1", first)
        released = await operator.release_camera("C1")
        return released, [e.describe() for e in (await incident_detail(db, first)).timeline][-2:]

    released, timeline = run_with_db(db_url, scenario)

    assert released.tasked_incident_id is None and released.tasked_preset is None
    assert timeline == ["CCTV: camera C1 on it", "CCTV: camera C1 released"]


REFUSALS = [
    pytest.param("P7", "Roof", "has no preset 'Roof'; its presets are Bar door, North", id="unknown-preset"),
    pytest.param("P7", None, "needs a preset: one of Bar door, North", id="ptz-without-preset"),
    pytest.param("C1", "North", "fixed camera without presets", id="preset-on-fixed"),
    pytest.param("P77", "North", "unknown camera 'P77'; did you mean: P7", id="unknown-camera"),
]


@pytest.mark.parametrize(("number", "preset", "message"), REFUSALS)
def test_a_wrong_camera_or_preset_is_refused_and_nothing_written(
    db_url: str, number: str, preset: str | None, message: str
) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int], int]:
        operator, first, _ = await _setting(db)
        before = await row_counts(db)
        with pytest.raises(ValidationError) as refused:
            await operator.task_camera(number, first, preset)
        async with db.read() as conn:
            tasks = (await conn.execute(select(func.count()).select_from(CameraTask))).scalar_one()
        return str(refused.value), before, await row_counts(db), tasks

    why, before, after, tasks = run_with_db(db_url, scenario)

    assert message in why
    assert after == before and tasks == 0


def test_an_auditor_may_not_task_a_camera(db_url: str) -> None:
    async def scenario(db: Database) -> str:
        _, first, _ = await _setting(db)
        with pytest.raises(NotPermittedError) as refused:
            await commands_for(db, "auditor-1", role="auditor").task_camera("C1", first)
        return str(refused.value)

    assert "task a camera to an incident" in run_with_db(db_url, scenario)
