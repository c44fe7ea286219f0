"""Ranking the alerts an operator must act on: one ordered list, nothing dropped.

An incident is an alert while it is an unacknowledged Grade 1, an unacknowledged
Grade 2, or open and past its grade's attendance target (a *breach*: the reporter
must be told about the delay). The order is the order of urgency in the control
room: every Grade 1 first (newest first: the one just phoned in has had nobody
yet), then breaches by how far over target (most first), then Grade 2 (newest
first). An incident that is two of these at once is listed once, at its highest
rank, so the list's length is the number of incidents needing someone.

"Over target" is the grade clock of ``controlroom.core.grading``: the target runs
from the report until a patrol is on scene (or attendance was recorded), and an
incident exactly at its target is not yet over it. The ranking is a pure function
of the incidents and ``now``: a console re-ranks once a second and on every diff,
and a headless client (tests, ``watch``) gets the same order.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from controlroom.core.domain import Status
from controlroom.core.grading import GradeTargets, TargetLevel, target_state
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.lifecycle import AWAITING_ATTENDANCE

URGENT_GRADES = (1, 2)


class AlertKind(str, enum.Enum):
    """Why an incident is an alert; declared in rank order (most urgent first)."""

    G1 = "g1"  # unacknowledged Grade 1
    BREACH = "breach"  # open and past its grade's attendance target
    G2 = "g2"  # unacknowledged Grade 2

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {kind: rank for rank, kind in enumerate(AlertKind)}


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """One line of the alert stack: the incident, why it is there and its clock."""

    incident: IncidentSnapshot
    kind: AlertKind
    age: timedelta  # since the report
    over: timedelta | None  # past the grade target; None while within it (or no target)

    @property
    def incident_id(self) -> int:
        return self.incident.id

    @property
    def reference(self) -> str:
        return self.incident.reference

    @property
    def grade(self) -> int | None:
        return self.incident.grade

    @property
    def place(self) -> str:
        return self.incident.place

    @property
    def unacknowledged(self) -> bool:
        return bool(self.incident.status == Status.NEW.value)


def is_unacknowledged_urgent(incident: IncidentSnapshot) -> bool:
    """A Grade 1 or 2 nobody has acknowledged yet."""
    return incident.grade in URGENT_GRADES and incident.status == Status.NEW.value


def attendance_clock_running(incident: IncidentSnapshot, targets: GradeTargets) -> bool:
    """Its grade has a target and nobody has attended yet (so it can breach later)."""
    return (
        targets.for_grade(incident.grade) is not None
        and incident.attended_at is None
        and Status.of(incident.status) in AWAITING_ATTENDANCE
    )


def may_alert(incident: IncidentSnapshot, targets: GradeTargets) -> bool:
    """An alert now, or one as soon as its clock runs out: the few a console keeps ranking."""
    return is_unacknowledged_urgent(incident) or attendance_clock_running(incident, targets)


def over_target(incident: IncidentSnapshot, targets: GradeTargets, now: datetime) -> timedelta | None:
    """How far past its grade target at ``now``; None if within it, attended or without one."""
    attended = not attendance_clock_running(incident, targets)
    state = target_state(targets, incident.grade, incident.reported_at, now, attended)
    if state.level is not TargetLevel.RED or state.remaining is None:
        return None
    return -state.remaining


def alert_for(incident: IncidentSnapshot, targets: GradeTargets, now: datetime) -> AlertEntry | None:
    """The incident's alert at ``now`` at its highest rank, or None if it is not one."""
    over = over_target(incident, targets, now)
    if is_unacknowledged_urgent(incident) and incident.grade == 1:
        kind = AlertKind.G1
    elif over is not None:
        kind = AlertKind.BREACH
    elif is_unacknowledged_urgent(incident):
        kind = AlertKind.G2
    else:
        return None
    return AlertEntry(incident, kind, now - incident.reported_at, over)


def _rank_key(entry: AlertEntry) -> tuple[int, float, int]:
    if entry.kind is AlertKind.BREACH and entry.over is not None:
        return (entry.kind.rank, -entry.over.total_seconds(), entry.incident_id)
    # Grade 1 and Grade 2: newest first; the id breaks a tie between equal report times.
    return (entry.kind.rank, -entry.incident.reported_at.timestamp(), -entry.incident_id)


def rank_alerts(
    incidents: Iterable[IncidentSnapshot], targets: GradeTargets, now: datetime
) -> list[AlertEntry]:
    """Every alert among ``incidents`` at ``now``, most urgent first, each incident once."""
    entries = [entry for incident in incidents if (entry := alert_for(incident, targets, now)) is not None]
    entries.sort(key=_rank_key)
    return entries
