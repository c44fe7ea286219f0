"""Cameras as the consoles see them: register, presets, open faults and the current task.

Every camera command appends the camera's new ``CameraSnapshot`` to the change log
(entity ``camera``) in its own transaction, so consoles follow the register like any
other record. ``camera_board`` is the start of that: every camera in four reads in one
snapshot transaction, however many cameras. A row written around the program (a status
the program never writes, a position that is not a number) is left off and named in a
``RowWarning``, as the other boards do, so one bad row never blanks the camera layer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.decoding import UndecodableRowError, shown_value
from controlroom.core.snapshots import CameraSnapshot, PresetView, RowWarning
from controlroom.storage.models import Camera, CameraFault, CameraPreset, CameraTask

KINDS = frozenset({"fixed", "ptz", "dome"})
STATUSES = frozenset({"working", "faulty", "offline"})


async def camera_snapshot(session: AsyncSession, camera_id: int) -> CameraSnapshot:
    """One camera's snapshot, read in ``session`` (after the command's own changes)."""
    await session.flush()
    camera = (await session.execute(select(Camera).where(Camera.id == camera_id))).scalar_one()
    presets = (
        (await session.execute(select(CameraPreset).where(CameraPreset.camera_id == camera_id)))
        .scalars()
        .all()
    )
    faults = (
        (
            await session.execute(
                select(CameraFault).where(
                    CameraFault.camera_id == camera_id, CameraFault.cleared_at.is_(None)
                )
            )
        )
        .scalars()
        .all()
    )
    task = (
        await session.execute(
            select(CameraTask)
            .where(CameraTask.camera_id == camera_id, CameraTask.ended_at.is_(None))
            .order_by(CameraTask.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return snapshot_of(camera, presets, faults, task)


async def camera_board(conn: Any) -> tuple[list[CameraSnapshot], list[RowWarning]]:
    """Every camera in number order, and a warning for each one that cannot be read."""
    async with AsyncSession(bind=conn) as session:
        cameras = (await session.execute(select(Camera).order_by(Camera.number))).scalars().all()
        presets = (await session.execute(select(CameraPreset))).scalars().all()
        faults = (
            (await session.execute(select(CameraFault).where(CameraFault.cleared_at.is_(None))))
            .scalars()
            .all()
        )
        tasks = (
            (
                await session.execute(
                    select(CameraTask).where(CameraTask.ended_at.is_(None)).order_by(CameraTask.id)
                )
            )
            .scalars()
            .all()
        )
    presets_of = _grouped(presets)
    faults_of = _grouped(faults)
    task_of = {task.camera_id: task for task in tasks}  # the newest open task wins
    snapshots: list[CameraSnapshot] = []
    warnings: list[RowWarning] = []
    for camera in cameras:
        try:
            snapshots.append(
                snapshot_of(camera, presets_of[camera.id], faults_of[camera.id], task_of.get(camera.id))
            )
        except UndecodableRowError as bad:
            warnings.extend(bad.warnings)
    return snapshots, warnings


def snapshot_of(
    camera: Camera,
    presets: Sequence[CameraPreset],
    faults: Sequence[CameraFault],
    task: CameraTask | None,
) -> CameraSnapshot:
    """A stored camera as a snapshot; ``UndecodableRowError`` names a value the program never writes."""
    _check(camera)
    return CameraSnapshot(
        id=camera.id,
        number=camera.number,
        name=camera.name,
        owner=camera.owner,
        venue_id=camera.venue_id,
        lat=camera.lat,
        lon=camera.lon,
        kind=camera.kind,
        heading=camera.heading,
        angle=camera.angle,
        range_m=camera.range_m,
        stream_url=camera.stream_url,
        status=camera.status,
        retention_days=camera.retention_days,
        version=camera.version,
        presets=tuple(
            PresetView(p.name, p.heading, p.angle, p.range_m) for p in sorted(presets, key=lambda p: p.id)
        ),
        open_faults=tuple(f.description for f in sorted(faults, key=lambda f: f.id)),
        tasked_incident_id=task.incident_id if task else None,
        tasked_preset=task.preset if task else None,
        tasked_at=task.tasked_at if task else None,
        tasked_by=task.tasked_by if task else "",
        sharing_agreement=camera.sharing_agreement,
    )


def decode_camera_change(values: dict[str, Any], *, seq: int) -> CameraSnapshot:
    """A change-log payload as a camera snapshot, or ``UndecodableRowError`` naming the fault."""
    try:
        camera = CameraSnapshot.from_json(values)
    except (KeyError, TypeError, ValueError) as why:
        warning = RowWarning(
            "cameras", values.get("id"), "payload", shown_value(values), f"cannot be read ({why!r})", seq
        )
        raise UndecodableRowError((warning,), values) from None
    _check(camera, seq=seq)
    return camera


def _check(camera: Camera | CameraSnapshot, *, seq: int | None = None) -> None:
    def refuse(column: str, value: Any, reason: str) -> None:
        warning = RowWarning("cameras", camera.id, column, shown_value(value), reason, seq)
        raise UndecodableRowError((warning,), {})

    if camera.status not in STATUSES:
        refuse("status", camera.status, f"is not a camera status ({', '.join(sorted(STATUSES))})")
    if camera.kind not in KINDS:
        refuse("kind", camera.kind, f"is not a camera kind ({', '.join(sorted(KINDS))})")
    for column in ("lat", "lon"):
        value = getattr(camera, column)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            refuse(column, value, "is not a number")


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.camera_id].append(row)
    return grouped
