"""Calling up a camera: record who asked to see which camera and preset, for which incident.

A call-up is the operator asking for a camera's picture: in the video dock when the
camera has a stream, or by keying the number into the video management system when
it has none. Either way ``record_callup`` writes, in one transaction, a
``camera_callups`` row, the ``camera.callup`` audit entry (camera, preset, incident,
with or without a stream) and — when it is for an incident — the timeline entry
"CCTV call-up: camera N, preset P", with the incident's new version in the change log
so every console's incident detail shows it.

The stream URL is read from the database inside that transaction and checked again
with the register's own rule (``records.check_stream_url``: rtsp, http, https or file
only) before the window is given it: a URL written into the table around the program
(``javascript:``, ``data:``) is refused, nothing is written and nothing is opened.
The window opens only the URL this command returns, never one from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.cameras.records import check_stream_url, find_camera
from controlroom.core.errors import ValidationError
from controlroom.incidents.records import incident_snapshot, touch
from controlroom.storage.models import (
    Camera,
    CameraCallup,
    CameraFault,
    CameraPreset,
    Incident,
    IncidentEvent,
)
from controlroom.writes import CommandBase, requires

# Timeline entry kind (``incidents.queries.TimelineEntry.describe`` words it).
CALLED_UP = "cctv_callup"


@dataclass(frozen=True, slots=True)
class CallupRecord:
    """A recorded call-up and what the window needs to show it.

    ``stream_url`` is the camera's URL as stored and checked now (None: no stream, key
    the number in); ``status`` the camera's status at the call-up (working, faulty,
    offline) and ``open_faults`` the descriptions of its uncleared faults.
    """

    id: int
    camera_id: int
    number: str
    name: str
    preset: str | None
    incident_id: int | None
    incident_reference: str | None
    stream_url: str | None
    status: str
    open_faults: tuple[str, ...]
    requested_by: str
    requested_at: datetime

    @property
    def with_stream(self) -> bool:
        return self.stream_url is not None


class CameraCallups(CommandBase):
    """Recording call-ups, as one acting user."""

    @requires("camera.callup")
    async def record_callup(
        self, number: str, preset: str | None = None, incident_id: int | None = None
    ) -> CallupRecord:
        """Record a call-up of camera ``number`` (at ``preset``, for incident ``incident_id``).

        Refused, nothing written: an unknown camera (naming close numbers), a preset the
        camera does not have (naming its presets), an unknown incident, a stored stream
        URL of a scheme the dock may not open.
        """
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.callup")
            camera = await find_camera(session, number)
            chosen = await _preset_of(session, camera, preset)
            stream_url = _openable(camera)
            incident = await _incident(session, incident_id)
            row = CameraCallup(
                camera_id=camera.id,
                preset=chosen,
                incident_id=incident.id if incident else None,
                with_stream=stream_url is not None,
                requested_by=self.actor.name,
                requested_at=now,
            )
            session.add(row)
            await session.flush()
            detail = {
                "callup_id": row.id,
                "camera": camera.number,
                "preset": chosen,
                "incident": incident.reference if incident else None,
                "with_stream": stream_url is not None,
            }
            await self._audit(session, "camera.callup", "camera", camera.id, detail, now)
            if incident is not None:
                await self._to_timeline(session, incident, camera.number, chosen, now)
            return CallupRecord(
                id=row.id,
                camera_id=camera.id,
                number=camera.number,
                name=camera.name,
                preset=chosen,
                incident_id=incident.id if incident else None,
                incident_reference=incident.reference if incident else None,
                stream_url=stream_url,
                status=camera.status,
                open_faults=await _open_faults(session, camera.id),
                requested_by=self.actor.name,
                requested_at=now,
            )

    async def _to_timeline(
        self, session: AsyncSession, incident: Incident, number: str, preset: str | None, now: datetime
    ) -> None:
        """The timeline entry, and the incident's new version so consoles reload its timeline."""
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                at=now,
                actor=self.actor.name,
                kind=CALLED_UP,
                detail={"camera": number, "preset": preset},
            )
        )
        touch(incident, self.actor.name, now)
        await session.flush()
        await self._append_change(
            session, "incident", incident.id, incident_snapshot(incident).to_json(), now
        )


def _openable(camera: Camera) -> str | None:
    """The stored stream URL if the dock may open it; a refusal saying what to do otherwise."""
    try:
        return check_stream_url(camera.stream_url, f"camera {camera.number}")
    except ValidationError as why:
        raise ValidationError(
            f"{why}. Nothing was opened or recorded; call the camera up on the video management "
            f"system, and correct its stream with `controlroom camera update {camera.number} --stream URL`"
        ) from None


async def _preset_of(session: AsyncSession, camera: Camera, preset: str | None) -> str | None:
    """The camera's own spelling of ``preset`` (any case); None for none; else a refusal naming them."""
    wanted = (preset or "").strip()
    if not wanted:
        return None
    query = select(CameraPreset.name).where(CameraPreset.camera_id == camera.id).order_by(CameraPreset.id)
    names = list((await session.execute(query)).scalars().all())
    for name in names:
        if name.lower() == wanted.lower():
            return name
    if not names:
        raise ValidationError(
            f"camera {camera.number} is a {camera.kind} camera without presets; call it up without a preset"
        )
    raise ValidationError(
        f"camera {camera.number} has no preset {wanted!r}; its presets are: {', '.join(names)}"
    )


async def _incident(session: AsyncSession, incident_id: int | None) -> Incident | None:
    if incident_id is None:
        return None
    row = await session.get(Incident, incident_id)
    if row is None:
        raise ValidationError(f"no incident with id {incident_id}; call the camera up without an incident")
    return row


async def _open_faults(session: AsyncSession, camera_id: int) -> tuple[str, ...]:
    query = (
        select(CameraFault.description)
        .where(CameraFault.camera_id == camera_id, CameraFault.cleared_at.is_(None))
        .order_by(CameraFault.id)
    )
    return tuple((await session.execute(query)).scalars().all())


__all__ = ["CALLED_UP", "CallupRecord", "CameraCallups"]
