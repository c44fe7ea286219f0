"""Footage as evidence: mark a clip, view it, lock and unlock it, record requests, release it.

Each command checks what was typed before it opens its write transaction, then in that
one transaction changes the rows, adds the clip's continuity-log line
(``footage_events``), adds an entry to the incident's timeline (so the operators
working the incident see it, through the incident's change in the change log) and
appends the hash-chained audit entry: all of it commits or none does.

A release hands footage outside the control room, so it is a DPA 2018 s.62(3)
disclosure: its audit entry carries the justification and the recipient, exactly as
printed paperwork's does (``paperwork.print``). A release without either is refused
before anything is read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.validation import clean_text
from controlroom.footage.records import (
    DESCRIPTION_LIMIT,
    PARTY_LIMIT,
    REASON_LIMIT,
    ClipRecord,
    RequestRecord,
    clip_record,
    find_camera_by_number,
    find_clip,
    find_request,
    normal_deletion_date,
    request_record,
)
from controlroom.incidents.records import find_incident, incident_snapshot, touch
from controlroom.storage.models import (
    Camera,
    FootageClip,
    FootageEvent,
    FootageRelease,
    FootageRequest,
    Incident,
    IncidentEvent,
)
from controlroom.writes import CommandBase, requires

# The longest clip a mark may cover: a night's work, not a camera's whole store.
MAX_CLIP_HOURS = 24


class FootageCommands(CommandBase):
    """The evidence work on footage, as one acting user."""

    @requires("footage.mark")
    async def mark_clip(
        self, incident_ref: str, camera_number: str, starts_at: datetime, ends_at: datetime, description: str
    ) -> ClipRecord:
        """Mark a stretch of one camera's footage for an incident."""
        text = clean_text(description, "clip description", DESCRIPTION_LIMIT)
        _check_span(starts_at, ends_at)
        now = self.clock()
        if starts_at > now:
            raise ValidationError(
                f"the clip starts at {starts_at.isoformat(timespec='minutes')}, which is in the future; "
                "mark footage that has been recorded"
            )
        async with self.db.write() as session:
            self.actor.require("footage.mark")
            incident = await find_incident(session, incident_ref)
            camera = await find_camera_by_number(session, camera_number)
            row = FootageClip(
                incident_id=incident.id,
                camera_id=camera.id,
                starts_at=starts_at,
                ends_at=ends_at,
                description=text,
                marked_by=self.actor.name,
                marked_at=now,
                version=1,
            )
            session.add(row)
            await session.flush()
            said = f"clip {row.id} marked: camera {camera.number}, {_span(starts_at, ends_at)} — {text}"
            await self._record(session, "footage.mark", "marked", row, incident, said, text, now)
            return clip_record(row, camera, incident.reference)

    @requires("footage.view")
    async def view_clip(self, clip_id: int, reason: str) -> ClipRecord:
        """Record that the acting user viewed the clip, and why (DPA 2018 s.62(2): a consultation)."""
        why = clean_text(reason, "reason for viewing", REASON_LIMIT)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("footage.view")
            row, camera, incident = await _clip_parts(session, clip_id)
            said = f"clip {row.id} (camera {camera.number}) viewed — {why}"
            await self._record(
                session, "footage.view", "viewed", row, incident, said, why, now, justification=why
            )
            return clip_record(row, camera, incident.reference)

    @requires("footage.lock")
    async def lock_clip(self, clip_id: int, until: date, reason: str) -> ClipRecord:
        """Keep the clip as evidence beyond the camera's retention, until ``until`` or an unlock."""
        why = clean_text(reason, "reason for the evidence lock", REASON_LIMIT)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("footage.lock")
            row, camera, incident = await _clip_parts(session, clip_id)
            deletion = normal_deletion_date(row.ends_at, camera.retention_days)
            if until <= deletion:
                raise ValidationError(
                    f"lock until {until.isoformat()} keeps nothing: camera {camera.number} keeps footage "
                    f"{camera.retention_days} days, so clip {row.id} would be deleted on "
                    f"{deletion.isoformat()} anyway; give a date after {deletion.isoformat()}"
                )
            row.locked_until, row.locked_by, row.locked_at, row.lock_reason = until, self.actor.name, now, why
            row.unlocked_at = row.unlocked_by = row.unlock_reason = None
            row.version += 1
            said = (
                f"clip {row.id} (camera {camera.number}) locked as evidence until {until.isoformat()} — {why}"
            )
            logged = f"until {until.isoformat()}: {why}"
            await self._record(session, "footage.lock", "locked", row, incident, said, logged, now)
            return clip_record(row, camera, incident.reference)

    @requires("footage.lock")
    async def unlock_clip(self, clip_id: int, reason: str) -> ClipRecord:
        """Release the evidence lock: the camera's retention applies again."""
        why = clean_text(reason, "reason for releasing the lock", REASON_LIMIT)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("footage.lock")
            row, camera, incident = await _clip_parts(session, clip_id)
            if row.locked_until is None or row.unlocked_at is not None:
                raise ValidationError(f"clip {row.id} is not locked, so there is no lock to release")
            row.unlocked_at, row.unlocked_by, row.unlock_reason = now, self.actor.name, why
            row.version += 1
            said = f"clip {row.id} (camera {camera.number}) evidence lock released — {why}"
            await self._record(session, "footage.unlock", "unlocked", row, incident, said, why, now)
            return clip_record(row, camera, incident.reference)

    @requires("footage.request")
    async def record_request(
        self, incident_ref: str, requester: str, purpose: str, clip_id: int | None = None
    ) -> RequestRecord:
        """Record a request for footage of the incident (of one clip, or not yet marked)."""
        who = clean_text(requester, "requester (officer and number, or the body asking)", PARTY_LIMIT)
        what = clean_text(purpose, "purpose of the request", REASON_LIMIT)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("footage.request")
            incident = await find_incident(session, incident_ref)
            clip = None
            if clip_id is not None:
                clip, _, owner = await _clip_parts(session, clip_id)
                _same_incident(clip, owner, incident)
            row = FootageRequest(
                incident_id=incident.id,
                clip_id=clip_id,
                requester=who,
                purpose=what,
                recorded_by=self.actor.name,
                recorded_at=now,
                status="open",
            )
            session.add(row)
            await session.flush()
            on = f" for clip {clip_id}" if clip_id is not None else ""
            said = f"footage request {row.id}{on} from {who} — {what}"
            detail = {"request": row.id, "requester": who, "purpose": what}
            if clip is not None:
                session.add(
                    FootageEvent(
                        clip_id=clip.id,
                        event="requested",
                        actor=self.actor.name,
                        at=now,
                        detail=f"request {row.id} from {who}: {what}",
                    )
                )
            await self._tail(
                session, "footage.request", "footage_request", row.id, incident, said, detail, now
            )
            return request_record(row)

    @requires("footage.release")
    async def release_clip(
        self, clip_id: int, recipient: str, justification: str, request_id: int | None = None
    ) -> ClipRecord:
        """Hand the clip outside the control room: a DPA 2018 s.62(3) disclosure, with why and to whom."""
        to = _required(
            recipient, "recipient", "say who receives the footage (officer and number, or the body)"
        )
        why = _required(justification, "justification", "say why it is released")
        to = clean_text(to, "recipient", PARTY_LIMIT)
        why = clean_text(why, "justification", REASON_LIMIT)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("footage.release")
            row, camera, incident = await _clip_parts(session, clip_id)
            request = await find_request(session, request_id, incident.id) if request_id is not None else None
            if request is not None and request.status != "open":
                raise ValidationError(
                    f"request {request.id} is already {request.status}; "
                    "record a new request, or release without one"
                )
            release = FootageRelease(
                clip_id=row.id,
                request_id=request_id,
                recipient=to,
                justification=why,
                released_by=self.actor.name,
                released_at=now,
            )
            session.add(release)
            if request is not None:
                request.status, request.closed_at, request.closed_by = "released", now, self.actor.name
                request.clip_id = request.clip_id or row.id
            await session.flush()
            said = f"clip {row.id} (camera {camera.number}) released to {to} — {why}"
            await self._record(
                session,
                "footage.release",
                "released",
                row,
                incident,
                said,
                f"to {to}: {why}",
                now,
                justification=why,
                recipient=to,
                extra={"release": release.id, "request": request_id},
            )
            return clip_record(row, camera, incident.reference)

    # -- the tail every footage write ends with ----------------------------------------

    async def _record(
        self,
        session: AsyncSession,
        action: str,
        event: str,
        clip: FootageClip,
        incident: Incident,
        said: str,
        logged: str,
        now: datetime,
        *,
        justification: str | None = None,
        recipient: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """The clip's continuity-log line (``logged``), then the timeline (``said``), audit and change."""
        session.add(FootageEvent(clip_id=clip.id, event=event, actor=self.actor.name, at=now, detail=logged))
        detail: dict[str, Any] = {
            "clip": clip.id,
            "incident": incident.reference,
            "text": said,
            **(extra or {}),
        }
        await self._tail(
            session,
            action,
            "footage_clip",
            clip.id,
            incident,
            said,
            detail,
            now,
            justification=justification,
            recipient=recipient,
        )

    async def _tail(
        self,
        session: AsyncSession,
        action: str,
        entity: str,
        entity_id: int,
        incident: Incident,
        said: str,
        detail: dict[str, Any],
        now: datetime,
        *,
        justification: str | None = None,
        recipient: str | None = None,
    ) -> None:
        """Timeline entry, a new version of the incident, the audit entry, the incident's change (last)."""
        session.add(
            IncidentEvent(
                incident_id=incident.id, at=now, actor=self.actor.name, kind="footage", detail={"text": said}
            )
        )
        touch(incident, self.actor.name, now)
        await session.flush()
        await self._audit(
            session, action, entity, entity_id, detail, now, justification=justification, recipient=recipient
        )
        await self._append_change(
            session, "incident", incident.id, incident_snapshot(incident).to_json(), now
        )


# -- checks -----------------------------------------------------------------------------


def _check_span(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            f"the clip ends ({ends_at.isoformat(timespec='minutes')}) before it starts "
            f"({starts_at.isoformat(timespec='minutes')}); give --from the earlier time and --to the later"
        )
    hours = (ends_at - starts_at).total_seconds() / 3600
    if hours > MAX_CLIP_HOURS:
        raise ValidationError(
            f"the clip is {hours:.1f} hours long; "
            f"mark at most {MAX_CLIP_HOURS} hours, as several clips if need be"
        )


def _span(starts_at: datetime, ends_at: datetime) -> str:
    """``27/11 22:50–23:05`` on the UK clock, as the operators read the timeline."""
    start, end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    last = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%d/%m %H:%M}"
    return f"{start:%d/%m %H:%M}–{last}"


def _required(value: str | None, what: str, how: str) -> str:
    # DPA 2018 s.62(3): a disclosure's log names its recipient and its justification.
    if not (value or "").strip():
        raise ValidationError(
            f"a release needs its {what}: {how} (DPA 2018 s.62(3) logs both); nothing was released"
        )
    return str(value)


def _same_incident(clip: FootageClip, owner: Incident, incident: Incident) -> None:
    if clip.incident_id != incident.id:
        raise ValidationError(
            f"clip {clip.id} belongs to incident {owner.reference}, not {incident.reference}; "
            "request it on its own incident"
        )


async def _clip_parts(session: AsyncSession, clip_id: int) -> tuple[FootageClip, Camera, Incident]:
    row = await find_clip(session, clip_id)
    camera = await session.get(Camera, row.camera_id)
    incident = await session.get(Incident, row.incident_id)
    assert camera is not None and incident is not None  # noqa: S101 - foreign keys hold them
    return row, camera, incident


__all__ = ["MAX_CLIP_HOURS", "FootageCommands"]
