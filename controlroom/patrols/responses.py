"""Response times against the grade targets: per incident, and per grade.

Times come from ``dispatches``: the first unit sent and the first to arrive at
each incident. A diversion counts on the incident the unit was diverted *to*
(its dispatch row belongs there); the task it left keeps only its own earlier
dispatch. A unit tasked to a flag before the flag became an incident was already
on its way, so its time to dispatch (and to arrival, if it was there first) counts
as zero rather than negative. An incident marked On scene by an operator with no
recorded arrival uses that moment. Duplicate reports are left out: the incident
they point at carries the response.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from controlroom.core.domain import LOCAL_TZ, Status, operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets
from controlroom.incidents.lifecycle import AWAITING_ATTENDANCE
from controlroom.storage.database import Database
from controlroom.storage.models import Dispatch, Incident

MAX_HOURS = 24 * 31


class Outcome(str, enum.Enum):
    """How an incident stands against its grade's attendance target."""

    MET = "met"
    BREACHED = "breached"  # arrived late, or still waiting after the target passed
    OPEN = "open"  # still waiting, target not yet passed
    NOT_ATTENDED = "not_attended"  # resolved or closed with nobody arriving
    NO_TARGET = "no_target"  # Grades 3 and 4, or not yet graded


@dataclass(frozen=True, slots=True)
class IncidentResponse:
    """One incident's response: when units were sent and arrived, against its target."""

    reference: str
    grade: int | None
    status: str
    reported_at: datetime
    dispatched_at: datetime | None
    arrived_at: datetime | None
    minutes_to_dispatch: float | None
    minutes_to_arrival: float | None
    target_minutes: float | None
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class GradeSummary:
    """One grade's figures; ``within_target`` is met / (met + breached), None if neither."""

    grade: int | None
    incidents: int
    attended: int
    median_minutes: float | None
    p90_minutes: float | None
    target_minutes: float | None
    within_target: float | None


@dataclass(frozen=True, slots=True)
class ResponseReport:
    """Incidents reported in ``[start, end)``, oldest first, and a summary per grade."""

    label: str
    start: datetime
    end: datetime
    incidents: tuple[IncidentResponse, ...]
    grades: tuple[GradeSummary, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        for row in data["incidents"]:
            for key in ("reported_at", "dispatched_at", "arrived_at"):
                row[key] = row[key].isoformat() if row[key] is not None else None
            row["outcome"] = row["outcome"].value
        return data


async def response_report(
    db: Database, targets: GradeTargets, *, now: datetime, hours: float | None = None
) -> ResponseReport:
    """Incidents of the operational night containing ``now``, or of the last ``hours`` hours."""
    if hours is None:
        night = operational_night(now)
        start = datetime.combine(night, time(6), tzinfo=LOCAL_TZ)
        end = datetime.combine(night + timedelta(days=1), time(6), tzinfo=LOCAL_TZ)
        window: ColumnElement[bool] = Incident.night == night
        label = f"night of {night:%a %d %b %Y}"
    else:
        if not 0 < hours <= MAX_HOURS:
            raise ValidationError(f"--hours {hours:g} must be more than 0 and at most {MAX_HOURS}")
        start, end = now - timedelta(hours=hours), now
        window = (Incident.reported_at >= start) & (Incident.reported_at <= now)
        label = f"last {hours:g} hours"
    responses = [_response(row, targets, now) for row in await _rows(db, window)]
    return ResponseReport(label, start, end, tuple(responses), _summaries(responses, targets))


async def _rows(db: Database, window: ColumnElement[bool]) -> Sequence[Any]:
    in_window = Incident.duplicate_of.is_(None) & window
    firsts = (
        select(
            Dispatch.incident_id,
            func.min(Dispatch.dispatched_at).label("dispatched_at"),
            func.min(Dispatch.arrived_at).label("arrived_at"),
        )
        .where(Dispatch.incident_id.in_(select(Incident.id).where(in_window)))
        .group_by(Dispatch.incident_id)
        .subquery()
    )
    query = (
        select(
            Incident.reference,
            Incident.grade,
            Incident.status,
            Incident.reported_at,
            Incident.attended_at,
            firsts.c.dispatched_at,
            firsts.c.arrived_at,
        )
        .outerjoin(firsts, firsts.c.incident_id == Incident.id)
        .where(in_window)
        .order_by(Incident.reported_at, Incident.id)
    )
    async with db.read() as conn:
        return (await conn.execute(query)).all()


def _response(row: Any, targets: GradeTargets, now: datetime) -> IncidentResponse:
    arrived_at = row.arrived_at or row.attended_at
    target = targets.for_grade(row.grade)
    target_minutes = target.total_seconds() / 60 if target is not None else None
    to_arrival = _minutes(row.reported_at, arrived_at)
    if target_minutes is None:
        outcome = Outcome.NO_TARGET
    elif to_arrival is not None:
        outcome = Outcome.MET if to_arrival <= target_minutes else Outcome.BREACHED
    elif Status.of(row.status) not in AWAITING_ATTENDANCE:
        outcome = Outcome.NOT_ATTENDED
    elif target is not None and now - row.reported_at > target:
        outcome = Outcome.BREACHED
    else:
        outcome = Outcome.OPEN
    return IncidentResponse(
        reference=row.reference,
        grade=row.grade,
        status=row.status,
        reported_at=row.reported_at,
        dispatched_at=row.dispatched_at,
        arrived_at=arrived_at,
        minutes_to_dispatch=_minutes(row.reported_at, row.dispatched_at),
        minutes_to_arrival=to_arrival,
        target_minutes=target_minutes,
        outcome=outcome,
    )


def _minutes(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 60)


def _summaries(responses: list[IncidentResponse], targets: GradeTargets) -> tuple[GradeSummary, ...]:
    grades = sorted({r.grade for r in responses}, key=lambda g: 9 if g is None else g)
    summaries = []
    for grade in grades:
        rows = [r for r in responses if r.grade == grade]
        times = sorted(r.minutes_to_arrival for r in rows if r.minutes_to_arrival is not None)
        met = sum(r.outcome is Outcome.MET for r in rows)
        decided = met + sum(r.outcome is Outcome.BREACHED for r in rows)
        target = targets.for_grade(grade)
        summaries.append(
            GradeSummary(
                grade=grade,
                incidents=len(rows),
                attended=len(times),
                median_minutes=statistics.median(times) if times else None,
                p90_minutes=percentile_90(times),
                target_minutes=target.total_seconds() / 60 if target is not None else None,
                within_target=met / decided if decided else None,
            )
        )
    return tuple(summaries)


def percentile_90(values: Sequence[float]) -> float | None:
    """The 90th percentile, interpolating between the sorted values (None when empty)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]
