"""The paperwork's data from the records: an s.34 authorisation, an s.35 direction and its changes.

Every value is read from what is stored *now*, never from a copy frozen when the
direction was given: a variation or a withdrawal moves the time a surrendered item can
be collected (s.37: not returned before the exclusion ends), so a reprint after a
change shows the new time on the notice and the receipt alike.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.anchor import read_head
from controlroom.core.domain import LOCAL_TZ
from controlroom.dispersal.records import find_direction, find_zone, polygon_of, reading, zone_officer
from controlroom.paperwork.data import (
    UNDER_16,
    AuthorisationPaper,
    ChangePaper,
    DirectionPaper,
    TakeHomePaper,
    last_day_kept,
)
from controlroom.paperwork.grid import grid_reference
from controlroom.storage.database import Database
from controlroom.storage.models import (
    Direction,
    DirectionChange,
    DispersalZone,
    Subject,
    SurrenderedItem,
    Task,
)


def collect_from(direction: Direction) -> datetime:
    """When a surrendered item may be collected: the current end of the exclusion, or the withdrawal."""
    if direction.withdrawn_at is not None:
        return min(direction.withdrawn_at, direction.exclusion_ends_at)
    return direction.exclusion_ends_at


def _authorisation(row: DispersalZone) -> AuthorisationPaper:
    return AuthorisationPaper(
        zone_id=row.id,
        name=row.name,
        log_number=row.log_number,
        officer=zone_officer(row),
        polygon=polygon_of(row.polygon),
        area_in_words=row.area_in_words,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        grounds=row.grounds,
        rights_consideration=row.rights_consideration,
        authorised_at=row.authorised_at,
        signed_at=row.signed_at,
        withdrawn_at=row.withdrawn_at,
        withdrawn_reason=row.withdrawn_reason,
    )


async def authorisation_paper(db: Database, zone_id: int | str) -> AuthorisationPaper:
    """The s.34 authorisation as the printed form shows it (with signing and any withdrawal)."""
    async with reading(db) as session:
        paper = _authorisation(await find_zone(session, zone_id))
        return replace(paper, audit_head=await read_head(session))


async def _rows(session: AsyncSession, model: Any, direction_id: int) -> list[Any]:
    return list(
        (
            await session.execute(select(model).where(model.direction_id == direction_id).order_by(model.id))
        ).scalars()
    )


async def direction_paper(db: Database, reference: str) -> DirectionPaper:
    """The s.35 direction as the notice, the s.38 record copy and the s.37 receipt show it."""
    async with reading(db) as session:
        row = await find_direction(session, reference)
        zone = await session.get(DispersalZone, row.zone_id)
        subject = await session.get(Subject, row.subject_id)
        assert zone is not None and subject is not None  # noqa: S101 - foreign keys
        items: list[SurrenderedItem] = await _rows(session, SurrenderedItem, row.id)
        changes: list[DirectionChange] = await _rows(session, DirectionChange, row.id)
        tasks: list[Task] = await _rows(session, Task, row.id)
        running = await session.get(Direction, row.running_direction_id) if row.running_direction_id else None
        surrendered = tuple(i.description for i in items if not i.refused)
        first_given = row.first_given_at or row.given_at
        return DirectionPaper(
            reference=row.reference,
            zone=_authorisation(zone),
            given_at=row.given_at,
            officer=zone_officer(row),
            person_description=subject.description,
            person_name=subject.name,
            apparent_age=row.apparent_age,
            behaviour=row.behaviour,
            grounds=row.grounds,
            exclusion_polygon=polygon_of(row.exclusion_polygon),
            exclusion_in_words=row.exclusion_in_words,
            exclusion_ends_at=row.exclusion_ends_at,
            leave_by=row.leave_by,
            route=row.route,
            offence_warning_given=row.offence_warning_given,
            written_notice_given=row.written_notice_given,
            no_written_notice_reason=row.no_written_notice_reason,
            surrendered_items=surrendered,
            collection_station=row.collection_station if surrendered else None,
            collect_from=collect_from(row) if surrendered else None,
            variations=tuple(describe_change(c) for c in changes if c.kind == "variation"),
            withdrawn_at=row.withdrawn_at,
            first_given_at=first_given,
            officer_capacity=row.officer_capacity,
            in_uniform=row.in_uniform,
            pcso_designation=row.pcso_designation,
            place_given=f"{row.lat:.5f}, {row.lon:.5f}",
            grid_reference=grid_reference(row.lat, row.lon),
            necessity=row.necessity or "",
            no_offence_warning_reason=row.no_offence_warning_reason,
            access_kept=row.access_kept,
            not_picket_or_procession=row.not_picket_or_procession,
            surrender_belief=row.surrender_belief,
            surrender_in_writing=row.surrender_in_writing,
            no_written_surrender_reason=row.no_written_surrender_reason,
            refused_items=tuple(i.description for i in items if i.refused),
            keep_until=last_day_kept(first_given) if surrendered else None,
            under_16=row.apparent_age < UNDER_16,
            changes=tuple(change_paper(c) for c in changes),
            take_home=next((take_home_paper(t) for t in tasks if t.kind == "take_home"), None),
            running_direction=running.reference if running else None,
            supervisor=row.supervisor,
            supervisor_reason=row.supervisor_reason,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at or row.given_at,
            direction_id=row.id,
            audit_head=await read_head(session),
        )


def change_paper(change: DirectionChange) -> ChangePaper:
    """A variation or withdrawal as the s.38 record prints it: who, when, why, the new terms, notice."""
    return ChangePaper(
        kind=change.kind,
        at=change.at,
        officer=change.officer,
        reason=change.reason,
        terms="; ".join(f"{_label(k)} now {_value(v)}" for k, v in change.terms.items()),
        notice_given=change.notice_given,
        notice_given_at=change.notice_given_at,
        no_notice_reason=change.no_notice_reason,
        recorded_by=change.recorded_by,
    )


def take_home_paper(task: Task) -> TakeHomePaper:
    """The s.35(7) take-home task, with its outcome once recorded."""
    outcome = task.outcome or {}
    told_at, recorded_at = outcome.get("told_at"), outcome.get("recorded_at")
    return TakeHomePaper(
        status=task.status,
        taken_to=outcome.get("taken_to"),
        taken_by=outcome.get("taken_by"),
        told=outcome.get("told"),
        told_at=datetime.fromisoformat(told_at) if told_at else None,
        referral=outcome.get("referral"),
        recorded_by=outcome.get("recorded_by") or task.done_by,
        recorded_at=datetime.fromisoformat(recorded_at) if recorded_at else task.done_at,
    )


def describe_change(change: DirectionChange) -> str:
    """A variation or withdrawal in words for the s.38 record (times in UK local time)."""
    at = change.at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    terms = "; ".join(f"{_label(k)} now {_value(v)}" for k, v in change.terms.items())
    notice = "notice given" if change.notice_given else f"no notice: {change.no_notice_reason}"
    verb = "Varied" if change.kind == "variation" else "Withdrawn"
    return (
        f"{verb} {at} by {change.officer}" + (f": {terms}" if terms else "") + f" ({change.reason}; {notice})"
    )


_LABELS = {
    "exclusion_ends_at": "exclusion ends",
    "exclusion_polygon": "area",
    "exclusion_in_words": "area in words",
    "leave_by": "leave by",
    "route": "route",
}


def _label(key: str) -> str:
    return _LABELS.get(key, key.replace("_", " "))


def _value(value: Any) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M %Z")
    if isinstance(value, list):
        return f"the area shaded on the plan ({len(value)} points)"
    if value is None:
        return "none"
    return str(value)
