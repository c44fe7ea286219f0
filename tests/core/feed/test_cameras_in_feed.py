"""Cameras travel the change feed like every other record: on the board, as diffs, never to partners."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.cli.watch import change_line
from controlroom.core.roles import Actor
from controlroom.core.snapshots import CameraSnapshot, Diff, Snapshot
from controlroom.feed.change_feed import ChangeFeed
from controlroom.storage.database import Database
from tests.core.support import FIXED_NOW, commands_for, run_with_db

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


async def _start_add_fault(db: Database) -> tuple[Snapshot, Diff]:
    commands = commands_for(db, "supervisor-1", role="supervisor")
    await commands.add_camera(DOOR)
    feed = ChangeFeed(db)
    board = await feed.start()
    await commands.add_camera(JUNCTION)
    await commands.report_camera_fault("C1", "lens smashed")
    return board, await feed.poll()


def test_the_board_holds_the_register_and_each_camera_command_arrives_as_a_diff(db_url: str) -> None:
    board, diff = run_with_db(db_url, _start_add_fault)

    assert [c.number for c in board.cameras] == ["C1"]
    assert board.cameras[0].heading == 90.0 and board.cameras[0].status == "working"
    changed = {c.camera.number: c.camera for c in diff.camera_changes() if c.camera is not None}
    assert set(changed) == {"P7", "C1"}
    assert [p.name for p in changed["P7"].presets] == ["North", "Bar door"]
    assert changed["C1"].status == "faulty" and changed["C1"].open_faults == ("lens smashed",)
    assert change_line(diff.camera_changes()[-1], FIXED_NOW)["event"] == "camera"


def test_partners_and_auditors_receive_no_camera(db_url: str) -> None:
    async def scenario(db: Database) -> list[tuple[int, int]]:
        commands = commands_for(db, "supervisor-1", role="supervisor")
        seen = []
        for viewer in (
            Actor("partner-1", "partner", venue_ids=frozenset({1})),
            Actor("auditor-1", "auditor"),
        ):
            feed = ChangeFeed(db, viewer=viewer)
            board = await feed.start()
            await commands.add_camera(DOOR if not seen else JUNCTION)
            diff = await feed.poll()
            seen.append((len(board.cameras), len(diff.camera_changes())))
        return seen

    assert run_with_db(db_url, scenario) == [(0, 0), (0, 0)]


def test_a_camera_row_with_an_unknown_status_is_named_and_the_rest_still_shown(db_url: str) -> None:
    async def scenario(db: Database) -> Snapshot:
        commands = commands_for(db, "supervisor-1", role="supervisor")
        await commands.add_camera(DOOR)
        await commands.add_camera(JUNCTION)
        async with db.write() as session:
            await session.execute(text("UPDATE cameras SET status = 'bogus' WHERE number = 'C1'"))
        return await ChangeFeed(db).start()

    board = run_with_db(db_url, scenario)
    assert [c.number for c in board.cameras] == ["P7"]
    (warning,) = board.warnings
    assert (warning.table, warning.column, warning.value) == ("cameras", "status", "'bogus'")


def test_a_camera_snapshot_survives_its_json_form() -> None:
    data: dict[str, Any] = {
        "id": 3,
        "number": "P7",
        "name": "x",
        "owner": "police",
        "venue_id": None,
        "lat": 50.905,
        "lon": -1.4045,
        "kind": "ptz",
        "heading": None,
        "angle": None,
        "range_m": None,
        "stream_url": None,
        "status": "working",
        "retention_days": 31,
        "version": 2,
        "presets": [{"name": "North", "heading": 0.0, "angle": 40.0, "range_m": 120.0}],
        "open_faults": [],
        "tasked_incident_id": 9,
        "tasked_preset": "North",
        "tasked_at": FIXED_NOW.isoformat(),
        "tasked_by": "op",
    }
    camera = CameraSnapshot.from_json(data)
    assert camera.tasked_at == FIXED_NOW and camera.presets[0].range_m == 120.0
    assert CameraSnapshot.from_json(camera.to_json()) == camera
