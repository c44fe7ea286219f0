"""The paperwork's data from the records: an s.34 authorisation, an s.35 direction and its changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from controlroom.core.domain import LOCAL_TZ
from controlroom.dispersal.records import find_direction, find_zone, polygon_of, reading, zone_officer
from controlroom.paperwork.data import AuthorisationPaper, DirectionPaper
from controlroom.storage.database import Database
from controlroom.storage.models import (
    DirectionChange,
    DispersalZone,
    Subject,
    SurrenderedItem,
)


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
    )


async def authorisation_paper(db: Database, zone_id: int | str) -> AuthorisationPaper:
    """The s.34 authorisation as the printed form shows it."""
    async with reading(db) as session:
        return _authorisation(await find_zone(session, zone_id))


async def direction_paper(db: Database, reference: str) -> DirectionPaper:
    """The s.35 direction as the notice, the record copy and the receipt show it."""
    async with reading(db) as session:
        row = await find_direction(session, reference)
        zone = await session.get(DispersalZone, row.zone_id)
        subject = await session.get(Subject, row.subject_id)
        assert zone is not None and subject is not None  # noqa: S101 - foreign keys
        items = list(
            (
                await session.execute(
                    select(SurrenderedItem)
                    .where(SurrenderedItem.direction_id == row.id)
                    .order_by(SurrenderedItem.id)
                )
            ).scalars()
        )
        changes = list(
            (
                await session.execute(
                    select(DirectionChange)
                    .where(DirectionChange.direction_id == row.id)
                    .order_by(DirectionChange.id)
                )
            ).scalars()
        )
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
            surrendered_items=tuple(i.description for i in items),
            collection_station=row.collection_station if items else None,
            collect_from=min((i.collect_from for i in items), default=None),
            variations=tuple(describe_change(c) for c in changes if c.kind == "variation"),
            withdrawn_at=row.withdrawn_at,
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


def _label(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, list):
        return f"an area of {len(value)} points"
    return str(value)
