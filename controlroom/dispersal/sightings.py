"""A person of concern seen again: repeat behaviour, and a possible breach of a direction.

Linking a subject who already has a warning or an active direction to an incident,
a flagged location or a sighting marks it as repeat behaviour; if he is inside the
exclusion area of an active s.35 direction before it ends, a Grade 2 "possible
breach" incident is raised in the same transaction, so every console sees both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import (
    LOCAL_TZ,
    Behaviour,
    Category,
    Source,
)
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import IncidentSnapshot, SubjectSnapshot
from controlroom.core.validation import clean_text, parse_choice
from controlroom.dispersal.records import (
    active_directions,
    direction_snapshot,
    find_subject,
    polygon_of,
    subject_snapshot,
)
from controlroom.dispersal.rules import point_in_polygon, utc
from controlroom.incidents.records import find_incident, incident_snapshot
from controlroom.incidents.reporting import NewIncident, create_incident
from controlroom.storage.models import (
    Direction,
    Flag,
    Incident,
    IncidentEvent,
    Subject,
    SubjectSighting,
    SubjectWarning,
)
from controlroom.writes import CommandBase, requires


@dataclass(frozen=True, slots=True)
class SightingResult:
    """What linking a subject to an incident, flag or point found."""

    sighting_id: int
    subject: SubjectSnapshot
    repeat_behaviour: bool
    breach_incident: IncidentSnapshot | None = None
    breached_direction: str | None = None


class SightingCommands(CommandBase):
    """Recording that a person of concern was seen, and what follows from it."""

    @requires("subject.seen")
    async def record_sighting(
        self,
        subject_id: int,
        *,
        incident: str | None = None,
        flag: int | None = None,
        at: tuple[float, float] | None = None,
        place: str | None = None,
        behaviours: Sequence[str] = (),
        seen_at: datetime | None = None,
        source: str = "police_patrol",
    ) -> SightingResult:
        """Link a subject to an incident, a flagged location or a point where he was seen."""
        if sum(x is not None for x in (incident, flag, at)) != 1:
            raise ValidationError("say where he was seen: one of --incident REF, --flag N or --at LAT,LON")
        codes = [parse_choice(Behaviour, b, "behaviour code").value for b in behaviours]
        source_value = parse_choice(Source, source, "source").value
        now = self.clock()
        async with self.db.write() as session:
            subject = await find_subject(session, subject_id)
            where = await self._where_seen(session, incident, flag, at, place, seen_at, now)
            lat, lon, where_text, when, incident_row, flag_row = where
            if flag_row is not None and not codes:
                codes = [flag_row.behaviour]
            await _refuse_second_link(session, subject.id, incident_row, flag_row)
            repeat = await _has_history(session, subject.id, when)
            sighting = SubjectSighting(
                subject_id=subject.id,
                incident_id=incident_row.id if incident_row else None,
                flag_id=flag_row.id if flag_row else None,
                lat=lat,
                lon=lon,
                place=where_text,
                behaviours=codes,
                seen_at=when,
                recorded_by=self.actor.name,
                repeat_behaviour=repeat,
            )
            session.add(sighting)
            await session.flush()
            # A breach incident already is the report of this breach: linking it raises no other.
            raised_already = (
                incident_row is not None and incident_row.category == Category.DISPERSAL_BREACH.value
            )
            breach = (
                None if raised_already else await self._breach(session, subject, sighting, source_value, now)
            )
            subject.version += 1
            if incident_row is not None:
                _note_on(incident_row, session, self.actor.name, now, subject.id, repeat)
            await session.flush()
            snapshot = await subject_snapshot(session, subject, now)
            detail = {"sighting": sighting.id, "repeat": repeat, "breach": breach[1] if breach else None}
            await self._finish(
                session, "subject.seen", "subject", subject.id, detail, snapshot.to_json(), now
            )
            if incident_row is not None:
                await self._append_change(
                    session, "incident", incident_row.id, incident_snapshot(incident_row).to_json(), now
                )
            return SightingResult(
                sighting_id=sighting.id,
                subject=snapshot,
                repeat_behaviour=repeat,
                breach_incident=breach[0] if breach else None,
                breached_direction=breach[1] if breach else None,
            )

    async def _where_seen(
        self,
        session: AsyncSession,
        incident: str | None,
        flag: int | None,
        at: tuple[float, float] | None,
        place: str | None,
        seen_at: datetime | None,
        now: datetime,
    ) -> tuple[float, float, str, datetime, Incident | None, Flag | None]:
        when = utc(seen_at, "time seen") if seen_at else None
        if incident is not None:
            row = await find_incident(session, incident)
            return row.lat, row.lon, row.place, when or row.reported_at, row, None
        if flag is not None:
            flag_row = await session.get(Flag, flag)
            if flag_row is None:
                raise ValidationError(f"no flag number {flag}")
            return flag_row.lat, flag_row.lon, flag_row.place, when or flag_row.flagged_at, None, flag_row
        assert at is not None  # noqa: S101 - exactly one was checked above
        lat, lon = self.area.require(*at)
        text = clean_text(place, "place", 300) if place else f"{lat:.5f},{lon:.5f}"
        return lat, lon, text, when or now, None, None

    async def _breach(
        self, session: AsyncSession, subject: Subject, sighting: SubjectSighting, source: str, now: datetime
    ) -> tuple[IncidentSnapshot, str] | None:
        """Raise a Grade 2 incident if he is inside an active exclusion area (the s.39 offence)."""
        for direction in await active_directions(session, subject.id, sighting.seen_at):
            # s.35(5)(c): until the leave-by time he is still allowed to be leaving the area.
            if direction.leave_by is not None and sighting.seen_at < direction.leave_by:
                continue
            if not point_in_polygon((sighting.lat, sighting.lon), polygon_of(direction.exclusion_polygon)):
                continue
            incident = await self._breach_incident(session, subject, sighting, direction, source, now)
            sighting.direction_id = direction.id
            sighting.breach_incident_id = incident.id
            direction.version += 1
            await session.flush()
            snapshot = incident_snapshot(incident)
            detail = {"reference": incident.reference, "direction": direction.reference, "grade": 2}
            await self._finish(
                session, "incident.report", "incident", incident.id, detail, snapshot.to_json(), now
            )
            await self._append_change(
                session,
                "direction",
                direction.id,
                (await direction_snapshot(session, direction)).to_json(),
                now,
            )
            return snapshot, direction.reference
        return None

    async def _breach_incident(
        self,
        session: AsyncSession,
        subject: Subject,
        sighting: SubjectSighting,
        direction: Direction,
        source: str,
        now: datetime,
    ) -> Incident:
        seen = sighting.seen_at.astimezone(LOCAL_TZ)
        ends = direction.exclusion_ends_at.astimezone(LOCAL_TZ)
        report = NewIncident(
            category=Category.DISPERSAL_BREACH.value,
            source=source,
            grade=2,
            place=sighting.place,
            lat=sighting.lat,
            lon=sighting.lon,
            reported_at=now,
            summary=(
                f"Possible breach of s.35 direction {direction.reference}: person of concern "
                f"#{subject.id} seen at {sighting.place} at {seen:%H:%M}, inside the exclusion area "
                f"({_shortened(direction.exclusion_in_words)}) which runs until {ends:%d/%m %H:%M}"
            ),
            person_of_concern=subject.description,
        )
        timeline = {"direction": direction.reference, "subject_id": subject.id}
        return await create_incident(self, session, report, now, timeline_detail=timeline)


async def _refuse_second_link(
    session: AsyncSession, subject_id: int, incident: Incident | None, flag: Flag | None
) -> None:
    """One link per subject and incident (or flag): a second would count the sighting twice."""
    if incident is None and flag is None:
        return
    query = select(SubjectSighting.id).where(SubjectSighting.subject_id == subject_id)
    if incident is not None:
        query = query.where(SubjectSighting.incident_id == incident.id)
        what = incident.reference
    else:
        assert flag is not None  # noqa: S101 - one of the two, checked above
        query = query.where(SubjectSighting.flag_id == flag.id)
        what = f"flag {flag.id}"
    if (await session.execute(query)).first() is not None:
        raise ValidationError(f"person of concern #{subject_id} is already linked to {what}")


async def _has_history(session: AsyncSession, subject_id: int, at: datetime) -> bool:
    """Already warned (ever) or under an active direction: seeing him again is repeat behaviour."""
    warned = (
        await session.execute(
            select(func.count()).select_from(SubjectWarning).where(SubjectWarning.subject_id == subject_id)
        )
    ).scalar_one()
    return bool(warned) or bool(await active_directions(session, subject_id, at))


def _note_on(
    incident: Incident, session: AsyncSession, actor: str, now: datetime, subject_id: int, repeat: bool
) -> None:
    """The incident timeline says a person of concern was linked (and if he is a repeat)."""
    text = f"person of concern #{subject_id} linked" + (" — repeat behaviour" if repeat else "")
    session.add(
        IncidentEvent(incident_id=incident.id, at=now, actor=actor, kind="note", detail={"text": text})
    )
    incident.version += 1
    incident.updated_by = actor
    incident.updated_at = now


def _shortened(words: str, limit: int = 1000) -> str:
    """An area in words short enough for a breach incident's summary (the direction keeps it whole)."""
    return words if len(words) <= limit else words[: limit - 1] + "…"
