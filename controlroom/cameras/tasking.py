"""Tasking a camera to an incident ("CCTV: camera 12, preset Junction on it") and releasing it.

A camera watches one incident at a time: ``task_camera`` ends the camera's open task
(``camera_tasks.ended_at``) and starts the new one in the same transaction, so at most
one task per camera is open whatever two consoles do at once (the camera row is locked
on PostgreSQL; SQLite has one writer). The incident's timeline says so — on the
incident it now watches and, when it leaves another, on that one too — the audit
trail has a ``camera.task`` entry, and the change log receives the camera (its
snapshot now names the incident, preset, when and by whom) and each incident touched,
so every console's Cameras panel, map and incident detail follow through the feed.

The preset is checked against the camera's own presets before anything is written: a
PTZ or dome camera needs one of its presets, a fixed camera has none to give.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.cameras.records import find_camera
from controlroom.cameras.snapshots import camera_snapshot
from controlroom.core.domain import Status
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import CameraSnapshot
from controlroom.incidents.records import find_incident, incident_snapshot, touch
from controlroom.storage.models import Camera, CameraPreset, CameraTask, Incident, IncidentEvent
from controlroom.writes import CommandBase, requires

# Timeline entry kinds (``incidents.queries.TimelineEntry.describe`` words them).
TASKED = "cctv"
RELEASED = "cctv_released"


class CameraTasking(CommandBase):
    """Putting a camera (and its preset) on an incident, and taking it off again."""

    @requires("camera.task")
    async def task_camera(self, number: str, reference: str, preset: str | None = None) -> CameraSnapshot:
        """Task the camera to the incident with ``preset``; its previous task ends.

        Refused, nothing written: an unknown camera (naming close numbers), a preset the
        camera does not have, a PTZ/dome camera without a preset, a closed or resolved
        incident, or the same camera, preset and incident already tasked.
        """
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.task")
            camera = await self._camera(session, number)
            chosen = await _preset_of(session, camera, preset)
            incident = await find_incident(session, reference)
            if incident.status in (Status.RESOLVED.value, Status.CLOSED.value):
                raise ValidationError(
                    f"{incident.reference} is {incident.status}; reopen it before tasking a camera to it"
                )
            previous = await open_task(session, camera.id)
            if previous is not None and previous.incident_id == incident.id and previous.preset == chosen:
                preset_words = f", preset {chosen}," if chosen else ""
                raise ValidationError(
                    f"camera {camera.number}{preset_words} is already on {incident.reference}; "
                    "choose another preset or another camera"
                )
            touched = {incident.id: incident}
            if previous is not None:
                left = await self._end(session, previous, now)
                if left.id != incident.id:
                    self._timeline(
                        session, left, RELEASED, {"camera": camera.number, "to": incident.reference}, now
                    )
                    touched[left.id] = left
            session.add(
                CameraTask(
                    camera_id=camera.id,
                    incident_id=incident.id,
                    preset=chosen,
                    tasked_by=self.actor.name,
                    tasked_at=now,
                )
            )
            self._timeline(session, incident, TASKED, {"camera": camera.number, "preset": chosen}, now)
            detail = {"number": camera.number, "incident": incident.reference, "preset": chosen}
            return await self._publish(session, camera, "camera.task", detail, touched.values(), now)

    @requires("camera.task")
    async def release_camera(self, number: str) -> CameraSnapshot:
        """End the camera's open task; its incident's timeline says the camera was released."""
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.task")
            camera = await self._camera(session, number)
            task = await open_task(session, camera.id)
            if task is None:
                raise ValidationError(
                    f"camera {camera.number} is not tasked to an incident; nothing to release"
                )
            incident = await self._end(session, task, now)
            self._timeline(session, incident, RELEASED, {"camera": camera.number}, now)
            detail = {"number": camera.number, "incident": incident.reference, "released": True}
            return await self._publish(session, camera, "camera.release", detail, [incident], now)

    # -- steps ------------------------------------------------------------------------

    async def _camera(self, session: AsyncSession, number: str) -> Camera:
        camera = await find_camera(session, number)
        if not self.db.is_sqlite:  # two consoles tasking one camera: one waits for the other
            await session.refresh(camera, with_for_update=True)
        return camera

    async def _end(self, session: AsyncSession, task: CameraTask, now: datetime) -> Incident:
        """End a task; returns the incident it was on."""
        task.ended_at, task.ended_by = now, self.actor.name
        incident = await session.get(Incident, task.incident_id)
        assert incident is not None  # noqa: S101 - a foreign key
        return incident

    def _timeline(
        self, session: AsyncSession, incident: Incident, kind: str, detail: dict[str, Any], now: datetime
    ) -> None:
        session.add(
            IncidentEvent(incident_id=incident.id, at=now, actor=self.actor.name, kind=kind, detail=detail)
        )
        # A new incident version, so consoles showing its timeline read it again.
        touch(incident, self.actor.name, now)

    async def _publish(
        self,
        session: AsyncSession,
        camera: Camera,
        action: str,
        detail: dict[str, Any],
        incidents: Any,
        now: datetime,
    ) -> CameraSnapshot:
        """Audit entry, then the change log: each incident touched and the camera (last)."""
        camera.version += 1
        await session.flush()
        await self._audit(session, action, "camera", camera.id, detail, now)
        for incident in incidents:
            await self._append_change(
                session, "incident", incident.id, incident_snapshot(incident).to_json(), now
            )
        snapshot = await camera_snapshot(session, camera.id)
        await self._append_change(session, "camera", camera.id, snapshot.to_json(), now)
        return snapshot


async def open_task(session: AsyncSession, camera_id: int) -> CameraTask | None:
    """The camera's task that has not ended, if any (the newest, should a row be written around us)."""
    query = (
        select(CameraTask)
        .where(CameraTask.camera_id == camera_id, CameraTask.ended_at.is_(None))
        .order_by(CameraTask.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _preset_of(session: AsyncSession, camera: Camera, preset: str | None) -> str | None:
    """The camera's own spelling of ``preset`` (any case), or a refusal naming its presets."""
    names = list(
        (await session.execute(select(CameraPreset.name).where(CameraPreset.camera_id == camera.id)))
        .scalars()
        .all()
    )
    wanted = (preset or "").strip()
    if not names:
        if wanted:
            raise ValidationError(
                f"camera {camera.number} is a {camera.kind} camera without presets; task it without a preset"
            )
        return None
    if not wanted:
        raise ValidationError(f"camera {camera.number} needs a preset: one of {', '.join(sorted(names))}")
    for name in names:
        if name.lower() == wanted.lower():
            return name
    raise ValidationError(
        f"camera {camera.number} has no preset {wanted!r}; its presets are {', '.join(sorted(names))}"
    )


__all__ = ["RELEASED", "TASKED", "CameraTasking", "open_task"]
