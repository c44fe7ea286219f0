"""Calling up a camera: the call-up row, the audit entry and the incident's timeline, or a refusal
with nothing written — on each backend, through each user's own login on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from controlroom.cameras.callup import CameraCallups
from controlroom.cameras.commands import CameraCommands
from controlroom.cameras.records import CameraSpec, PresetSpec
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Camera, CameraCallup, ChangeLogEntry, IncidentEvent
from controlroom.users import accounts
from controlroom.users.accounts import authenticate, own_database
from controlroom.writes import CommandContext
from tests.core.support import add_venue, commands_for, run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

AT = (50.9040, -1.4040)
PTZ = CameraSpec(
    number="P1",
    name="Bargate junction",
    owner="council",
    lat=AT[0],
    lon=AT[1],
    kind="ptz",
    stream_url="file:///srv/cctv/p1.mp4",
    presets=(PresetSpec("Junction", 90, 60, 150), PresetSpec("Bar door", 200, 40, 60)),
)
FIXED = CameraSpec(
    number="F2", name="Velvet Fox door", owner="council", lat=AT[0], lon=AT[1], kind="fixed",
    heading=10, angle=50, range_m=30,
)  # fmt: skip


async def _register(db: Database) -> int:
    """Two cameras (one with a stream) and one incident; the incident's id."""
    setup = commands_for(db)
    await add_venue(setup)
    cameras = CameraCommands(setup.context)
    await cameras.add_camera(PTZ)
    await cameras.add_camera(FIXED)
    new = NewIncident(
        category="disorder", source="cctv", summary="fight outside", grade=2, venue="Velvet Fox"
    )
    return (await setup.report_incident(new)).id


async def _counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        return {
            name: (await conn.execute(select(func.count()).select_from(model))).scalar_one()
            for name, model in (
                ("callups", CameraCallup),
                ("events", IncidentEvent),
                ("changes", ChangeLogEntry),
                ("audit", AuditEntry),
            )
        }


async def _as(db: Database, name: str) -> tuple[CameraCallups, Database]:
    actor = await authenticate(db, name, PASSWORD, where="test")
    own = own_database(db, actor, PASSWORD)
    return CameraCallups(CommandContext(db=own, actor=actor)), own


@pytest.fixture
def staff(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], int]:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    incident_id = run_with_db(db_url, _register)
    names = unique_names("administrator", "operator", "partner", "auditor")
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("operator", "auditor")),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )
    return names, incident_id


def test_an_operator_calls_up_cameras_and_the_incident_timeline_says_so(
    db_url: str, staff: tuple[dict[str, str], int]
) -> None:
    names, incident_id = staff

    async def scenario(db: Database) -> dict[str, Any]:
        callups, own = await _as(db, names["operator"])
        try:
            before = await _counts(db)
            streamed = await callups.record_callup("p1", "junction", incident_id)
            keyed = await callups.record_callup("F2")
            after = await _counts(db)
            async with db.read() as conn:
                columns = (CameraCallup.preset, CameraCallup.incident_id, CameraCallup.with_stream)
                query = select(*columns, CameraCallup.requested_by).order_by(CameraCallup.id)
                rows = (await conn.execute(query)).all()
                audit = (
                    await conn.execute(
                        select(AuditEntry.actor, AuditEntry.detail)
                        .where(AuditEntry.action == "camera.callup")
                        .order_by(AuditEntry.id)
                    )
                ).all()
                newest = select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.payload)
                last_change = (await conn.execute(newest.order_by(ChangeLogEntry.seq.desc()).limit(1))).one()
            detail = await incident_detail(db, streamed.incident_reference or "")
            return {
                "streamed": streamed,
                "keyed": keyed,
                "added": {k: after[k] - before[k] for k in after},
                "rows": [tuple(r) for r in rows],
                "audit": [(actor, dict(d)) for actor, d in audit],
                "last_change": (last_change[0], last_change[1], last_change[2]["version"]),
                "timeline": [e.describe() for e in detail.timeline],
                "version": detail.incident.version,
            }
        finally:
            if own is not db:
                await own.dispose()

    got = run_with_db(db_url, scenario)
    operator = names["operator"]
    streamed, keyed = got["streamed"], got["keyed"]
    assert (streamed.number, streamed.preset, streamed.stream_url) == (
        "P1",
        "Junction",
        "file:///srv/cctv/p1.mp4",
    )
    assert (keyed.number, keyed.name, keyed.preset, keyed.with_stream) == (
        "F2",
        "Velvet Fox door",
        None,
        False,
    )
    assert got["rows"] == [("Junction", incident_id, True, operator), (None, None, False, operator)]
    assert got["audit"] == [
        (operator, {"callup_id": streamed.id, "camera": "P1", "preset": "Junction",
                    "incident": streamed.incident_reference, "with_stream": True}),
        (operator, {"callup_id": keyed.id, "camera": "F2", "preset": None, "incident": None,
                    "with_stream": False}),
    ]  # fmt: skip
    # One timeline entry and one incident change for the incident's call-up only.
    assert got["added"] == {"callups": 2, "events": 1, "changes": 1, "audit": 2}
    assert got["timeline"][-1] == "CCTV call-up: camera P1, preset Junction"
    assert got["last_change"] == ("incident", incident_id, got["version"])


REFUSALS = [
    pytest.param("operator", ("P9", None, None), ValidationError, "unknown camera 'P9'", id="unknown-camera"),
    pytest.param(
        "operator",
        ("P1", "Quay", None),
        ValidationError,
        "its presets are: Junction, Bar door",
        id="bad-preset",
    ),
    pytest.param("operator", ("F2", "Door", None), ValidationError, "without presets", id="preset-on-fixed"),
    pytest.param(
        "operator", ("P1", None, 999_999), ValidationError, "no incident with id 999999", id="incident"
    ),
    pytest.param("partner", ("P1", None, None), NotPermittedError, "may not call up", id="partner"),
    pytest.param("auditor", ("P1", None, None), NotPermittedError, "may not call up", id="auditor"),
]


@pytest.mark.parametrize(("role", "args", "error", "words"), REFUSALS)
def test_a_refused_callup_writes_nothing(
    db_url: str, staff: tuple[dict[str, str], int], role: str, args: tuple[Any, ...], error: type, words: str
) -> None:
    names, _ = staff

    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        callups, own = await _as(db, names[role])
        try:
            before = await _counts(db)
            with pytest.raises(error) as refused:
                await callups.record_callup(*args)
            return str(refused.value), before, await _counts(db)
        finally:
            if own is not db:
                await own.dispose()

    message, before, after = run_with_db(db_url, scenario)
    assert words in message
    assert after == before


def test_a_stream_url_written_around_the_program_is_never_handed_to_the_window(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[str, dict[str, int], dict[str, int]]:
        await _register(db)
        async with db.write() as session:  # as a hand-made UPDATE would leave it
            await session.execute(
                update(Camera).where(Camera.number == "P1").values(stream_url="javascript:alert(1)")
            )
        before = await _counts(db)
        with pytest.raises(ValidationError) as refused:
            await CameraCallups(commands_for(db).context).record_callup("P1", "Junction")
        return str(refused.value), before, await _counts(db)

    message, before, after = run_with_db(db_url, scenario)
    assert "a stream URL with javascript: cannot be opened" in message
    assert "Nothing was opened or recorded" in message
    assert after == before
