"""Drafting a shift handover from the live state, for the acting user's role.

``draft_handover`` reads the board once (``handover.board.read_board``) and lays it out
as the sections of ``handover.content`` in the order the incoming operator needs them:
what needs someone now (alerts not acknowledged, overdue procedure steps), then the open
incidents with their grade clock and next step, units and their tasks, flagged
locations, s.34 zones in force and s.35 directions running, persons of concern seen
tonight, safe spaces, take-home tasks, footage requests, and the night's tally so far.

What the role may read decides what is written (DPA 2018 Part 3): the subject of a
direction (description and apparent age) and take-home summaries need
``dispersal.read``; persons of concern seen tonight need ``read.subjects``; without them
the section keeps references, times and counts and says what was left out. Set-up mode
(no users yet) may process no personal data at all. The subject's *name* is never put in
a handover: identity is read only through a logged consultation of the record
(``subject consult``), which a handover copied to the next operator is not.

``build_content`` is the pure half (no I/O): the same board and ``now`` always give the
same draft.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from controlroom.core.domain import LOCAL_TZ, Status
from controlroom.core.grading import GradeTargets, format_remaining, target_state
from controlroom.core.roles import Actor
from controlroom.core.snapshots import ChecklistSnapshot, IncidentSnapshot
from controlroom.handover.board import BoardState, read_board
from controlroom.handover.content import HandoverContent, HandoverItem, HandoverSection
from controlroom.incidents.alerts import AlertKind, attendance_clock_running, rank_alerts
from controlroom.procedures.checklist import OverdueStep, next_step, overdue_steps
from controlroom.storage.database import Database

_ALERT_WHY = {
    AlertKind.G1: "Grade 1 not acknowledged",
    AlertKind.BREACH: "past its attendance target",
    AlertKind.G2: "Grade 2 not acknowledged",
}
_WITHHELD_DIRECTIONS = (
    "The person each direction was given to is left out: this role may not read dispersal records "
    "(dispersal.read). References, zones and times only."
)
_WITHHELD_PERSONS = (
    "Descriptions and places are left out: this role may not read persons of concern (read.subjects). "
    "Record numbers and counts only."
)
_WITHHELD_TASKS = (
    "What each task says is left out: this role may not read dispersal records (dispersal.read)."
)


def may_read(actor: Actor, action: str) -> bool:
    """Whether the draft may carry the personal data ``action`` guards (never in set-up mode)."""
    return actor.role is not None and actor.may(action)


async def draft_handover(
    db: Database, actor: Actor, now: datetime, targets: GradeTargets | None = None
) -> HandoverContent:
    """The handover as it would be given at ``now`` by ``actor`` (``handover.draft``)."""
    actor.require("handover.draft")
    personal = may_read(actor, "dispersal.read")
    persons = may_read(actor, "read.subjects")
    board = await read_board(db, now, personal=personal, persons=persons)
    return build_content(board, actor, targets or GradeTargets(), personal=personal, persons=persons)


def build_content(
    board: BoardState, actor: Actor, targets: GradeTargets, *, personal: bool, persons: bool
) -> HandoverContent:
    """The sections of a handover from ``board`` (pure)."""
    sections = (
        _alerts(board, targets),
        _overdue_steps(board),
        _incidents(board, targets),
        _units(board),
        _flags(board),
        _zones(board),
        _directions(board, personal),
        _persons(board, persons),
        _safe_spaces(board),
        _take_home(board, personal),
        _footage(board),
        _tally(board),
    )
    carries_personal = (personal and bool(board.directions or board.tasks)) or (
        persons and bool(board.persons)
    )
    return HandoverContent(
        drafted_at=board.now,
        drafted_by=actor.name,
        role=actor.role,
        night=board.night,
        sections=sections,
        contains_personal=carries_personal,
    )


# -- sections ---------------------------------------------------------------------------


def _alerts(board: BoardState, targets: GradeTargets) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"alert:{entry.incident_id}",
            cells=(
                entry.reference,
                _WHY(entry.kind),
                _grade(entry.grade),
                entry.place,
                _age(entry.age) if entry.over is None else f"over by {_age(entry.over)}",
            ),
            urgent=True,
        )
        for entry in rank_alerts(board.incidents, targets, board.now)
    )
    return HandoverSection(
        "alerts", "Alerts not acknowledged", ("Incident", "Why", "Grade", "Place", "Waiting"), items
    )


def _WHY(kind: AlertKind) -> str:  # noqa: N802 - reads as the table's column
    return _ALERT_WHY[kind]


def _overdue_steps(board: BoardState) -> HandoverSection:
    items = []
    for step in _overdue(board):
        items.append(
            HandoverItem(
                key=f"step:{step.incident_id}:{step.number}",
                cells=(
                    step.reference,
                    f"{step.number}. {step.text}",
                    step.who,
                    _clock(step.due_at, board.now),
                    _age(step.over),
                ),
                urgent=True,
            )
        )
    return HandoverSection(
        "overdue_steps",
        "Procedure steps overdue",
        ("Incident", "Step", "By", "Due", "Over by"),
        tuple(items),
    )


def _overdue(board: BoardState) -> list[OverdueStep]:
    return overdue_steps(board.checklists.values(), board.incidents, board.now)


def _incidents(board: BoardState, targets: GradeTargets) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"incident:{incident.id}",
            cells=(
                incident.reference,
                Status.of(incident.status).label,
                _grade(incident.grade),
                incident.place,
                _target(incident, targets, board.now),
                _next_step(board.checklists.get(incident.id)),
            ),
            urgent=incident.grade == 1,
        )
        for incident in board.incidents
    )
    return HandoverSection(
        "incidents",
        "Open incidents",
        ("Reference", "Status", "Grade", "Place", "Grade target", "Next step"),
        items,
    )


def _target(incident: IncidentSnapshot, targets: GradeTargets, now: datetime) -> str:
    attended = not attendance_clock_running(incident, targets)
    state = target_state(targets, incident.grade, incident.reported_at, now, attended)
    if state.remaining is None:
        return "attended" if targets.for_grade(incident.grade) is not None else "no target"
    return format_remaining(state.remaining)


def _next_step(checklist: ChecklistSnapshot | None) -> str:
    if checklist is None:
        return ""
    step = next_step(checklist)
    if step is None:
        return f"{checklist.title}: all steps done"
    limit = f" (within {step.within_minutes} min)" if step.within_minutes else ""
    return f"{step.number}. {step.text}{limit}"


def _units(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"unit:{unit.id}",
            cells=(
                unit.callsign,
                unit.kind,
                unit.status.replace("_", " "),
                board.unit_tasks.get(unit.id, ""),
                _clock(unit.status_since, board.now),
            ),
        )
        for unit in board.units
    )
    return HandoverSection("units", "Units on duty", ("Callsign", "Kind", "Status", "Task", "Since"), items)


def _flags(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"flag:{flag.id}",
            cells=(
                flag.place,
                flag.behaviour.replace("_", " "),
                flag.reason,
                _clock(flag.expires_at, board.now),
            ),
        )
        for flag in board.flags
    )
    return HandoverSection("flags", "Flagged locations", ("Place", "Behaviour", "Reason", "Expires"), items)


def _zones(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"zone:{zone.id}",
            cells=(
                zone.name,
                zone.log_number,
                _clock(zone.ends_at, board.now),
                _left(zone.ends_at - board.now),
            ),
        )
        for zone in board.zones
    )
    return HandoverSection("zones", "s.34 zones in force", ("Zone", "Log number", "Ends", "Time left"), items)


def _directions(board: BoardState, personal: bool) -> HandoverSection:
    items = []
    for d in board.directions:
        person = (
            f"{d.subject_description} (appears {d.apparent_age})" if personal else f"subject #{d.subject_id}"
        )
        items.append(
            HandoverItem(
                key=f"direction:{d.id}",
                cells=(
                    d.reference,
                    d.zone_name,
                    person,
                    d.exclusion_in_words,
                    f"{_clock(d.exclusion_ends_at, board.now)} ({_left(d.exclusion_ends_at - board.now)})",
                    str(d.breaches),
                ),
                urgent=d.breaches > 0,
            )
        )
    return HandoverSection(
        "directions",
        "s.35 directions running",
        ("Reference", "Zone", "Person", "Excluded from", "Until", "Breaches"),
        tuple(items),
        "" if personal else _WITHHELD_DIRECTIONS,
    )


def _persons(board: BoardState, persons: bool) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"subject:{p.subject_id}",
            cells=(
                f"#{p.subject_id}",
                (p.description or "") if persons else "",
                str(p.sightings),
                _clock(p.last_seen_at, board.now),
                p.last_place if persons else "",
            ),
        )
        for p in board.persons
    )
    return HandoverSection(
        "persons",
        "Persons of concern seen tonight",
        ("Record", "Description", "Sightings", "Last seen", "Where"),
        items,
        "" if persons else _WITHHELD_PERSONS,
    )


def _safe_spaces(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"venue:{venue.id}",
            cells=(venue.name, (venue.safe_space_status or "not set").capitalize()),
            urgent=venue.safe_space_status in ("full", "closed"),
        )
        for venue in board.safe_spaces
    )
    return HandoverSection("safe_spaces", "Safe spaces", ("Safe space", "Status"), items)


def _take_home(board: BoardState, personal: bool) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"task:{task.id}",
            cells=(f"#{task.id}", task.direction_reference, _clock(task.created_at, board.now), task.summary),
            urgent=True,
        )
        for task in board.tasks
    )
    return HandoverSection(
        "take_home",
        "Take-home tasks outstanding (s.35(7))",
        ("Task", "Direction", "Since", "What"),
        items,
        "" if personal else _WITHHELD_TASKS,
    )


def _footage(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(
            key=f"footage_request:{r.id}",
            cells=(
                f"#{r.id}",
                r.incident_reference,
                r.requester,
                r.purpose,
                f"clip {r.clip_id}" if r.clip_id is not None else "not yet marked",
                _clock(r.recorded_at, board.now),
            ),
        )
        for r in board.footage_requests
    )
    return HandoverSection(
        "footage",
        "Footage requests open",
        ("Request", "Incident", "Requested by", "Purpose", "Clip", "Since"),
        items,
    )


def _tally(board: BoardState) -> HandoverSection:
    items = tuple(
        HandoverItem(key=f"tally:{key}", cells=(label, str(count))) for key, label, count in board.tally
    )
    return HandoverSection("tally", "The night so far", ("Measure", "Count"), items)


# -- words ------------------------------------------------------------------------------


def _grade(grade: int | None) -> str:
    return f"G{grade}" if grade is not None else "ungraded"


def _clock(moment: datetime, now: datetime) -> str:
    """``23:10`` the same local day as ``now``, else ``27/11 23:10``."""
    local, today = moment.astimezone(LOCAL_TZ), now.astimezone(LOCAL_TZ)
    return f"{local:%H:%M}" if local.date() == today.date() else f"{local:%d/%m %H:%M}"


def _age(span: timedelta) -> str:
    minutes = max(0, int(span.total_seconds() // 60))
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def _left(span: timedelta) -> str:
    return f"{_age(span)} left" if span.total_seconds() > 0 else "ended"


__all__ = ["build_content", "draft_handover", "may_read"]
