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

Two more kinds of line share the stack. A procedure step past its time limit
(``controlroom.procedures.checklist.overdue_steps``: pending, on an open incident,
strictly after its due time) is a *supervisor* alert: one line per incident, naming
its most overdue step ("+ 2 more" when there are others). It has a line of its own
even when the incident is on the stack already (a Grade 1 waiting, a breach): the
incident line asks an operator to acknowledge or send someone, the step line asks the
supervisor to get a step done — a different action for a different person, and hiding
either behind the other would lose it. Step lines come after every incident line
(most overdue first): a Grade 1 nobody has picked up, a caller waiting past the
target and an urgent call not yet acknowledged are someone waiting for help now,
while a step is the follow-up on an incident already in hand. Interleaved with the
breaches by how far over (tried first), a demo night's dozen unmarked steps, hours
over, filled the five visible lines and pushed a 37-minute breach out of sight.
Last come the shift handovers given and not yet acknowledged (oldest first): they
delay no help to anyone (the outgoing operator stays until one is acknowledged), yet
must stay in sight on every console until someone signs for them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from controlroom.core.domain import Status
from controlroom.core.grading import GradeTargets, TargetLevel, target_state
from controlroom.core.snapshots import ChecklistSnapshot, HandoverSnapshot, IncidentSnapshot
from controlroom.incidents.lifecycle import AWAITING_ATTENDANCE
from controlroom.procedures.checklist import OverdueStep, overdue_steps

URGENT_GRADES = (1, 2)


class AlertKind(str, enum.Enum):
    """Why a line is on the stack; declared in rank order (most urgent first)."""

    G1 = "g1"  # unacknowledged Grade 1
    BREACH = "breach"  # open and past its grade's attendance target
    G2 = "g2"  # unacknowledged Grade 2
    STEP_OVERDUE = "step_overdue"  # a procedure step past its time limit
    HANDOVER = "handover"  # a shift handover given and not yet acknowledged

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {kind: rank for rank, kind in enumerate(AlertKind)}
INCIDENT_KINDS = frozenset({AlertKind.G1, AlertKind.BREACH, AlertKind.G2})


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """One line of the alert stack: what it is about, why it is there and its clock.

    An incident line (G1, breach, G2) and a step line carry the ``incident``; a step
    line also its most overdue ``step`` and how many ``more_steps`` are overdue beside
    it; a handover line carries the ``handover`` and no incident. ``age`` runs from the
    report (a handover: from when it was given); ``over`` is how far past the grade
    target (a step line: past the step's time limit), None while within it.
    """

    incident: IncidentSnapshot | None
    kind: AlertKind
    age: timedelta
    over: timedelta | None
    step: OverdueStep | None = None
    more_steps: int = 0
    handover: HandoverSnapshot | None = None

    @property
    def key(self) -> tuple[str, int]:
        """The line's identity across re-rankings: one incident line, one step line per incident."""
        if self.handover is not None:
            return ("handover", self.handover.id)
        return ("steps" if self.kind is AlertKind.STEP_OVERDUE else "incident", self.incident_id or 0)

    @property
    def incident_id(self) -> int | None:
        return self.incident.id if self.incident is not None else None

    @property
    def handover_id(self) -> int | None:
        return self.handover.id if self.handover is not None else None

    @property
    def reference(self) -> str:
        if self.handover is not None:
            return self.handover.reference
        return self.incident.reference if self.incident is not None else ""

    @property
    def grade(self) -> int | None:
        return self.incident.grade if self.incident is not None else None

    @property
    def place(self) -> str:
        return self.incident.place if self.incident is not None else ""

    @property
    def unacknowledged(self) -> bool:
        """An incident line whose incident nobody has acknowledged (A acknowledges it)."""
        return (
            self.kind in INCIDENT_KINDS
            and self.incident is not None
            and bool(self.incident.status == Status.NEW.value)
        )


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


def step_alerts(
    checklists: Iterable[ChecklistSnapshot], incidents: Iterable[IncidentSnapshot], now: datetime
) -> list[AlertEntry]:
    """One line per open incident with a step past its time limit at ``now``: its most overdue step."""
    by_id = {incident.id: incident for incident in incidents}
    overdue: dict[int, list[OverdueStep]] = {}
    for step in overdue_steps(checklists, by_id.values(), now):
        overdue.setdefault(step.incident_id, []).append(step)
    # ``overdue_steps`` lists the earliest due first: each incident's first is its most overdue.
    return [
        AlertEntry(
            by_id[incident_id],
            AlertKind.STEP_OVERDUE,
            now - by_id[incident_id].reported_at,
            steps[0].over,
            steps[0],
            len(steps) - 1,
        )
        for incident_id, steps in overdue.items()
    ]


def handover_alerts(handovers: Iterable[HandoverSnapshot], now: datetime) -> list[AlertEntry]:
    """A line for each handover given and not yet acknowledged."""
    return [
        AlertEntry(None, AlertKind.HANDOVER, now - h.given_at, None, handover=h)
        for h in handovers
        if not h.acknowledged
    ]


def _rank_key(entry: AlertEntry) -> tuple[int, float, int]:
    if entry.over is not None and entry.kind in (AlertKind.BREACH, AlertKind.STEP_OVERDUE):
        return (entry.kind.rank, -entry.over.total_seconds(), entry.incident_id or 0)  # most over first
    if entry.handover is not None:  # oldest first
        return (entry.kind.rank, entry.handover.given_at.timestamp(), entry.handover.id)
    # Grade 1 and Grade 2: newest first; the id breaks a tie between equal report times.
    reported = entry.incident.reported_at.timestamp() if entry.incident is not None else 0.0
    return (entry.kind.rank, -reported, -(entry.incident_id or 0))


def rank_alerts(
    incidents: Iterable[IncidentSnapshot],
    targets: GradeTargets,
    now: datetime,
    *,
    steps: Iterable[AlertEntry] = (),
    handovers: Iterable[HandoverSnapshot] = (),
) -> list[AlertEntry]:
    """Every alert at ``now``, most urgent first: each of ``incidents`` once (at its highest
    rank), the step lines ``steps`` (``step_alerts``) and the unacknowledged ``handovers``."""
    entries = [entry for incident in incidents if (entry := alert_for(incident, targets, now)) is not None]
    entries += steps
    entries += handover_alerts(handovers, now)
    entries.sort(key=_rank_key)
    return entries
