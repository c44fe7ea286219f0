"""Read-only questions the consoles ask: one incident with its timeline, the active flags."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from controlroom.core.decoding import UndecodableRowError, decode_each, decode_flag, decode_unit
from controlroom.core.domain import (
    LOCAL_TZ,
    Behaviour,
    Category,
    LabelledEnum,
    Source,
    VenueLink,
    grade_label,
)
from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.snapshots import FlagSnapshot, IncidentSnapshot, RowWarning, UnitSnapshot
from controlroom.incidents.records import incident_columns, incident_from_row
from controlroom.storage.database import Database
from controlroom.storage.models import Flag, Incident, IncidentEvent, Unit
from controlroom.storage.raw import as_stored

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One entry of the append-only incident timeline."""

    at: datetime
    actor: str
    kind: str
    detail: dict[str, Any]

    def describe(self) -> str:
        """The entry in words, as the detail panel and ``incident show`` print it."""
        d = self.detail
        if self.kind == "reported":
            source, category = label_of(Source, d["source"]), label_of(Category, d["category"])
            return f"reported by {source}: {category}, {grade_label(d.get('grade'))}{_link_said(d)}"
        if self.kind == "status":
            unit = f" ({d['unit']})" if d.get("unit") else ""
            return f"status {d['from']} → {d['to']}{unit}"
        if self.kind == "dispatched":
            return f"dispatched {d['unit']}{_dispatch_origin(d)}"
        if self.kind == "from_flag":
            return (
                f"from flag {d['flag_id']} at {d['place']}: {label_of(Behaviour, d['behaviour'])} — "
                f"{d['reason']} (flagged by {d['flagged_by']} at {_hh_mm(d['flagged_at'])})"
            )
        if self.kind == "diverted":
            return f"{d['unit']} diverted to {d['to']}"
        if self.kind == "regraded":
            return f"regraded {grade_label(d['from'])} → {grade_label(d['to'])}"
        if self.kind == "thrive":
            filled = ", ".join(f"{k}: {v}" for k, v in d["thrive"].items() if v)
            return f"THRIVE assessed — {filled or 'blank'}"
        if self.kind == "venue_link":
            was = label_of(VenueLink, d["from"]) if d.get("from") else "not recorded"
            return f"Link to venue: {label_of(VenueLink, d['to'])} (was {was})"
        if self.kind == "edited":
            return "edited " + ", ".join(d["fields"])
        if self.kind == "note":
            return f"note: {d['text']}"
        if self.kind == "linked":
            closed = "closed: " if d.get("closed_from") else "marked as "  # older links left it open
            return f"{closed}duplicate of {d['duplicate_of']}"
        if self.kind == "cctv":
            preset = f", preset {d['preset']}" if d.get("preset") else ""
            return f"CCTV: camera {d['camera']}{preset} on it"
        if self.kind == "cctv_released":
            to = f" (moved to {d['to']})" if d.get("to") else ""
            return f"CCTV: camera {d['camera']} released{to}"
        if self.kind == "cctv_callup":
            preset = f", preset {d['preset']}" if d.get("preset") else ""
            return f"CCTV call-up: camera {d['camera']}{preset}"
        if self.kind == "footage":
            return f"footage: {d['text']}"
        if self.kind in ("procedure", "step"):  # "Procedure: … started", "Step 3 done: … — by op1"
            return str(d["text"])
        if self.kind == "decision":  # "Decision D-2026-0003 recorded: …" (the decision log)
            return str(d["text"])
        if self.kind == "caller_updated":
            return f"reporter updated: {d['text']}"
        if self.kind == "updated":  # entries written before per-aspect entries existed
            return f"updated {d.get('changed', {})} {d.get('note', '')}".strip()
        return self.kind

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "detail": self.detail,
            "text": self.describe(),
        }

    def local_time(self) -> str:
        return self.at.astimezone(LOCAL_TZ).strftime("%H:%M:%S")


def label_of(kind: type[LabelledEnum], value: Any) -> str:
    """The label of a stored value, or the value quoted as unknown (a row written around the program)."""
    member = kind._value2member_map_.get(value) if isinstance(value, str) else None
    return member.label if isinstance(member, LabelledEnum) else f"{value!r} (unknown)"


def _link_said(reported: dict[str, Any]) -> str:
    """A report's link to its venue, when it says more than the default "at venue"."""
    link = reported.get("venue_link")
    return f"; link to venue: {label_of(VenueLink, link)}" if link and link != VenueLink.AT_VENUE else ""


def _hh_mm(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LOCAL_TZ).strftime("%H:%M")


def _dispatch_origin(d: dict[str, Any]) -> str:
    if d.get("diverted_from"):
        return f", diverted from {d['diverted_from']}"
    if d.get("diverted_from_flag"):
        return f", diverted from flag {d['diverted_from_flag']}"
    if d.get("from_flag"):
        since = f" since {_hh_mm(d['dispatched_at'])}" if d.get("dispatched_at") else ""
        return f", tasked to flag {d['from_flag']}{since}"
    return ""


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    incident: IncidentSnapshot
    timeline: tuple[TimelineEntry, ...]
    duplicate_of_reference: str | None = None


class UnreadableIncidentError(ControlroomError):
    """The incident's row holds a value the program cannot read (``core.decoding``).

    It carries what could be read: ``values`` (every column, the bad ones as stored),
    ``timeline`` (stored apart, unaffected) and ``warnings`` naming each bad value, so
    ``incident show`` can print them.
    """

    def __init__(
        self,
        warnings: tuple[RowWarning, ...],
        values: dict[str, Any],
        timeline: tuple[TimelineEntry, ...],
        duplicate_of_reference: str | None,
    ) -> None:
        super().__init__("; ".join(w.describe() for w in warnings))
        self.warnings = warnings
        self.values = values
        self.timeline = timeline
        self.duplicate_of_reference = duplicate_of_reference


async def incident_detail(db: Database, reference: str, *, redacted: bool = False) -> IncidentDetail:
    """The incident as it is now, with every timeline entry in order.

    ``redacted`` (a partner): without the persons-of-concern columns — which a partner's
    PostgreSQL login may not even select — and without the timeline, where operators'
    notes may name people. A row holding a value the program cannot read raises
    ``UnreadableIncidentError`` with everything that could be read.
    """
    columns = incident_columns(redacted=redacted)
    async with db.read() as conn:
        row = (
            (await conn.execute(select(*columns).where(Incident.reference == reference.strip().upper())))
            .mappings()
            .first()
        )
        if row is None:
            raise ValidationError(
                f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
            )
        events: Sequence[Any] = ()
        if not redacted:
            events = (
                await conn.execute(
                    select(IncidentEvent.at, IncidentEvent.actor, IncidentEvent.kind, IncidentEvent.detail)
                    .where(IncidentEvent.incident_id == row["id"])
                    .order_by(IncidentEvent.id)
                )
            ).all()
        duplicate_ref = None
        if isinstance(row["duplicate_of"], int):
            duplicate_ref = (
                await conn.execute(select(Incident.reference).where(Incident.id == row["duplicate_of"]))
            ).scalar_one_or_none()
    timeline = tuple(TimelineEntry(*e) for e in events)
    try:
        incident = incident_from_row(row)
    except UndecodableRowError as bad:
        raise UnreadableIncidentError(bad.warnings, bad.values, timeline, duplicate_ref) from None
    return IncidentDetail(incident, timeline, duplicate_ref)


@dataclass(frozen=True, slots=True)
class ActiveFlag:
    """A flag still on the map, with the units tasked to it (by callsign)."""

    flag: FlagSnapshot
    units: tuple[UnitSnapshot, ...]


async def active_flags(db: Database, now: datetime) -> tuple[ActiveFlag, ...]:
    """Flags neither cleared, converted nor expired at ``now``, oldest first, with their units.

    A flag or unit row holding a value the program cannot read is left out and logged.
    """
    async with db.read(consistent=True) as conn:
        flag_rows = (
            (
                await conn.execute(
                    select(*as_stored(Flag.__table__.columns))
                    .where(Flag.expires_at > now, Flag.cleared_at.is_(None), Flag.incident_id.is_(None))
                    .order_by(Flag.flagged_at, Flag.id)
                )
            )
            .mappings()
            .all()
        )
        ids = [row["id"] for row in flag_rows]
        unit_rows = (
            (
                await conn.execute(
                    select(*as_stored(Unit.__table__.columns))
                    .where(Unit.flag_id.in_(ids))
                    .order_by(Unit.callsign)
                )
            )
            .mappings()
            .all()
            if ids
            else []
        )
    flags, bad_flags = decode_each(flag_rows, decode_flag)
    units, bad_units = decode_each(unit_rows, decode_unit)
    for warning in (*bad_flags, *bad_units):
        log.warning("%s", warning.describe())
    return tuple(ActiveFlag(flag, tuple(u for u in units if u.flag_id == flag.id)) for flag in flags)
