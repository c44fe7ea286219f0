"""One user's activity in a shift: their audit entries and the timeline lines they wrote, in time order.

The window is an operational night (06:00 to 06:00 local, the day shift counting towards
the evening's night, as the night pack reads it: ``dispersal.queries.night_bounds``), by
default the current one, or any span up to a week. Two records say what a user did: the
audit trail (every write, consultation, print and login) and the incident timelines.
Most incident work writes both in one transaction, at the same instant: the timeline line
says it better ("dispatched SN40 …"), so an audit entry is folded into the timeline line
it stands beside (same user, same instant, same incident) and lends it its action and kind.
Everything else is shown as it is.

Permission: one's own log needs ``activity.read_own``; another user's ``activity.read_any``
(supervisors, auditors), and every such reading is first written to the audit trail
(``activity.read``, a consultation: whose log, which window, which filters), so the log of
who read whose log is itself in the trail. On PostgreSQL operators and supervisors may not
read ``audit_log`` itself; they read through ``controlroom_activity`` (``storage.pg_security``),
which gives an operator only their own entries. An auditor may not read incident timelines,
so an auditor's view has the audit entries only.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from controlroom.audit.chain import append_audit
from controlroom.core.domain import operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.dispersal.queries import night_bounds
from controlroom.incidents.queries import TimelineEntry
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Incident, IncidentEvent

ACTIVITY_KINDS = (
    "incident",
    "procedure",
    "dispatch",
    "flag",
    "dispersal",
    "camera",
    "footage",
    "decision",
    "handover",
    "login",
    "other",
)
LONGEST_WINDOW = timedelta(days=7)
# ``SOT-20261127-0042`` (``core.domain.format_reference``), not a decision's or handover's reference.
INCIDENT_REFERENCE = re.compile(r"[A-Z]{2,10}-\d{8}-\d{4,}")
TEXT_SHOWN = 300  # an audit entry's detail, summarised on one line

# Audit action (or its prefix before the dot) -> kind; the first match wins.
_ACTION_KINDS = (
    ("incident.dispatch", "dispatch"),
    ("flag.dispatch", "dispatch"),
    ("unit.", "dispatch"),
    ("incident.", "incident"),
    ("procedure.", "procedure"),
    ("checklist.", "procedure"),
    ("flag.", "flag"),
    ("subject.", "dispersal"),
    ("direction.", "dispersal"),
    ("zone.", "dispersal"),
    ("dispersal.", "dispersal"),
    ("paperwork.", "dispersal"),
    ("camera.", "camera"),
    ("footage.", "footage"),
    ("decision.", "decision"),
    ("handover.", "handover"),
    ("user.login", "login"),
    ("user.locked_out", "login"),
    ("console.", "login"),
)
_TIMELINE_KINDS = {
    "dispatched": "dispatch",
    "diverted": "dispatch",
    "status": "dispatch",
    "from_flag": "flag",
    "cctv": "camera",
    "cctv_released": "camera",
    "cctv_callup": "camera",
    "footage": "footage",
    "procedure": "procedure",
    "step": "procedure",
    "decision": "decision",
}


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    """Whose activity, over which window, narrowed how; every part optional."""

    user: str | None = None  # None: the viewer's own
    night: date | None = None  # default: the current operational night
    start: datetime | None = None  # or an explicit window (aware; both or neither)
    end: datetime | None = None
    kind: str | None = None  # one of ACTIVITY_KINDS
    incident: str | None = None  # an incident reference
    text: str | None = None  # words in the line


@dataclass(frozen=True, slots=True)
class ActivityItem:
    """One thing the user did. ``text`` is as stored: make it inert where it is shown."""

    at: datetime
    kind: str
    action: str  # the audit action ("incident.report"), or "timeline:<kind>" without one
    text: str
    incident_reference: str | None
    source: str  # "audit" or "timeline"

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "action": self.action,
            "text": self.text,
            "incident": self.incident_reference,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ActivityLog:
    """A user's activity over a window (``night`` set when the window is an operational night)."""

    user: str
    start: datetime
    end: datetime
    night: date | None
    items: tuple[ActivityItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "night": self.night.isoformat() if self.night else None,
            "items": [item.to_json() for item in self.items],
        }


def activity_window(query: ActivityQuery, now: datetime) -> tuple[datetime, datetime, date | None]:
    """The window ``query`` names: its start and end (aware), and its night if it is one."""
    if (query.start is None) != (query.end is None):
        raise ValidationError("give both ends of the window (--from and --to), or a night")
    if query.start is not None and query.end is not None:
        if query.night is not None:
            raise ValidationError("give a night or a window (--from and --to), not both")
        if query.start.tzinfo is None or query.end.tzinfo is None:
            raise ValidationError("the window's times need their time zone")
        if query.end <= query.start:
            raise ValidationError(
                f"the window ends ({query.end.isoformat(timespec='minutes')}) before it starts "
                f"({query.start.isoformat(timespec='minutes')}); give --from the earlier time"
            )
        if query.end - query.start > LONGEST_WINDOW:
            raise ValidationError("the window is longer than 7 days; read a week at most, or night by night")
        return query.start, query.end, None
    night = query.night or operational_night(now)
    start, end = night_bounds(night)
    return start, end, night


async def activity_log(
    db: Database, viewer: Actor, query: ActivityQuery, *, now: datetime | None = None
) -> ActivityLog:
    """What ``query.user`` (default the viewer) did in the window; another's reading is audited first."""
    moment = now or datetime.now(UTC)
    user = (query.user or viewer.name).strip()
    if query.kind is not None and query.kind not in ACTIVITY_KINDS:
        raise ValidationError(f"unknown kind {query.kind!r}; choose one of: {', '.join(ACTIVITY_KINDS)}")
    start, end, night = activity_window(query, moment)
    if user == viewer.name and not viewer.may("activity.read_any"):
        viewer.require("activity.read_own")
    else:
        viewer.require("activity.read_any")
    if user != viewer.name:
        await _log_reading(db, viewer, user, query, start, end, moment)
    audit = await _audit_rows(db, user, start, end)
    timeline = await _timeline_rows(db, user, start, end) if viewer.may("read.incidents") else []
    items = _merged(audit, timeline)
    return ActivityLog(user, start, end, night, tuple(i for i in items if _wanted(i, query)))


async def activity_users(db: Database, viewer: Actor, start: datetime, end: datetime) -> tuple[str, ...]:
    """Whose activity the viewer may pick: everyone who did anything in the window, or only themself."""
    if not viewer.may("activity.read_any"):
        viewer.require("activity.read_own")
        return (viewer.name,)
    async with db.read() as conn:
        if db.is_sqlite:
            query = select(AuditEntry.actor).where(AuditEntry.at >= start, AuditEntry.at < end).distinct()
            names = {str(name) for (name,) in (await conn.execute(query)).all()}
        else:
            found = await conn.execute(
                text("SELECT * FROM controlroom_activity_users(:since, :until)"),
                {"since": start, "until": end},
            )
            names = {str(name) for (name,) in found.all()}
    return tuple(sorted(names | {viewer.name}))


async def _log_reading(
    db: Database,
    viewer: Actor,
    user: str,
    query: ActivityQuery,
    start: datetime,
    end: datetime,
    now: datetime,
) -> None:
    detail = {
        "user": user,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "kind": query.kind,
        "incident": query.incident,
        "text": query.text,
    }
    async with db.write() as session:
        await append_audit(
            db,
            session,
            at=now,
            actor=viewer.name,
            action="activity.read",
            entity="user",
            entity_id=None,
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class _Audit:
    at: datetime
    action: str
    entity: str
    entity_id: int | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Line:
    at: datetime
    incident_id: int
    reference: str
    entry: TimelineEntry


async def _audit_rows(db: Database, user: str, start: datetime, end: datetime) -> list[_Audit]:
    async with db.read() as conn:
        if db.is_sqlite:
            rows = (
                await conn.execute(
                    select(
                        AuditEntry.at,
                        AuditEntry.action,
                        AuditEntry.entity,
                        AuditEntry.entity_id,
                        AuditEntry.detail,
                    )
                    .where(AuditEntry.actor == user, AuditEntry.at >= start, AuditEntry.at < end)
                    .order_by(AuditEntry.id)
                )
            ).all()
            return [_Audit(r[0], r[1], r[2], r[3], _detail(r[4])) for r in rows]
        found = await conn.execute(
            text("SELECT * FROM controlroom_activity(:user, :since, :until)"),
            {"user": user, "since": start, "until": end},
        )
        return [_Audit(r[1], r[2], r[3], r[4], _detail(r[5])) for r in found.all()]


def _detail(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"text": value}
    return value if isinstance(value, dict) else {"value": value}


async def _timeline_rows(db: Database, user: str, start: datetime, end: datetime) -> list[_Line]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    IncidentEvent.at,
                    IncidentEvent.kind,
                    IncidentEvent.detail,
                    IncidentEvent.incident_id,
                    Incident.reference,
                )
                .join(Incident, Incident.id == IncidentEvent.incident_id)
                .where(IncidentEvent.actor == user, IncidentEvent.at >= start, IncidentEvent.at < end)
                .order_by(IncidentEvent.id)
            )
        ).all()
    return [_Line(r[0], r[3], r[4], TimelineEntry(r[0], user, r[1], _detail(r[2]))) for r in rows]


def _merged(audit: list[_Audit], timeline: list[_Line]) -> list[ActivityItem]:
    """Timeline lines, each with the audit entry beside it folded in; other audit entries as they are."""
    references = {line.incident_id: line.reference for line in timeline}
    beside: dict[tuple[datetime, str], list[_Audit]] = defaultdict(list)
    folded: set[int] = set()
    lines_at = {(line.at, line.reference) for line in timeline}
    for position, entry in enumerate(audit):
        for reference in _incidents_named(entry, references):
            if (entry.at, reference) in lines_at:
                beside[(entry.at, reference)].append(entry)
                folded.add(position)
    items = []
    for line in timeline:
        # One command can write several lines at one instant (a report and the checklist it
        # starts): each takes the entry of its own kind, if there is one.
        kind = _TIMELINE_KINDS.get(line.entry.kind, "incident")
        candidates = beside.get((line.at, line.reference), [])
        partner = next((a for a in candidates if _kind_of_action(a.action) == kind), None)
        action = partner.action if partner else f"timeline:{line.entry.kind}"
        items.append(ActivityItem(line.at, kind, action, _said(line.entry), line.reference, "timeline"))
    for position, entry in enumerate(audit):
        if position in folded:
            continue
        names = _incidents_named(entry, references)
        named = names[0] if names else None
        items.append(
            ActivityItem(
                entry.at, _kind_of_action(entry.action), entry.action, _audit_text(entry), named, "audit"
            )
        )
    # Stable: at one instant, the order each record was written in.
    return sorted(items, key=lambda item: item.at)


def _said(entry: TimelineEntry) -> str:
    try:
        return entry.describe()
    except (KeyError, TypeError, ValueError):  # a line the program never wrote: shown, not fatal
        return f"{entry.kind}: {json.dumps(entry.detail, ensure_ascii=False)[:TEXT_SHOWN]}"


def _incidents_named(entry: _Audit, references: dict[int, str]) -> list[str]:
    """The incident references an audit entry is about (its entity, or named in its detail)."""
    names: list[str] = []
    if entry.entity == "incident" and entry.entity_id is not None and entry.entity_id in references:
        names.append(references[entry.entity_id])
    for key in ("incident", "reference"):
        value = entry.detail.get(key)
        if isinstance(value, str) and INCIDENT_REFERENCE.fullmatch(value) and value not in names:
            names.append(value)
    for link in entry.detail.get("links") or ():
        if isinstance(link, list) and len(link) == 2 and link[0] == "incident":
            names.append(str(link[1]))
    return names


def _kind_of_action(action: str) -> str:
    for prefix, kind in _ACTION_KINDS:
        if action.startswith(prefix):
            return kind
    return "other"


def _audit_text(entry: _Audit) -> str:
    """An audit entry in one line: its own words if it has them, else what and which."""
    said = entry.detail.get("text")
    if isinstance(said, str) and said:
        return said[:TEXT_SHOWN]
    which = f" {entry.entity} {entry.entity_id}" if entry.entity_id is not None else f" {entry.entity}"
    details = ", ".join(
        f"{key}: {value}"
        for key, value in entry.detail.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    )
    line = f"{entry.action}{which}" + (f" ({details})" if details else "")
    return line[:TEXT_SHOWN]


def _wanted(item: ActivityItem, query: ActivityQuery) -> bool:
    if query.kind is not None and item.kind != query.kind:
        return False
    if query.incident and (item.incident_reference or "") != query.incident.strip().upper():
        return False
    return not (query.text and query.text.strip().lower() not in item.text.lower())


__all__ = [
    "ACTIVITY_KINDS",
    "ActivityItem",
    "ActivityLog",
    "ActivityQuery",
    "activity_log",
    "activity_users",
    "activity_window",
]
