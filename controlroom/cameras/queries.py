"""Reading the camera register: every camera with its presets and open faults, in number order."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.cameras.records import CameraRecord, camera_record
from controlroom.storage.database import Database
from controlroom.storage.models import Camera, CameraFault, CameraPreset


async def list_cameras(db: Database) -> list[CameraRecord]:
    """The register, ordered by number; three reads in one snapshot, however many cameras."""
    async with db.read(consistent=True) as conn, AsyncSession(bind=conn) as session:
        cameras = (await session.execute(select(Camera).order_by(Camera.number))).scalars().all()
        presets = (await session.execute(select(CameraPreset))).scalars().all()
        faults = (
            (await session.execute(select(CameraFault).where(CameraFault.cleared_at.is_(None))))
            .scalars()
            .all()
        )
    presets_of: dict[int, list[CameraPreset]] = defaultdict(list)
    for preset in presets:
        presets_of[preset.camera_id].append(preset)
    faults_of: dict[int, list[CameraFault]] = defaultdict(list)
    for fault in faults:
        faults_of[fault.camera_id].append(fault)
    return [camera_record(c, presets_of[c.id], faults_of[c.id]) for c in cameras]
