"""An incident's checklist as it stands, the step to do next, and the steps past their time.

Pure functions over snapshots (no I/O), so the commands, the feed, the window's alert
stack and the handover all read a checklist the same way.

A step's state follows from the frozen steps and the outcomes recorded against them:

- a main step is ``done`` or ``skipped`` once an outcome is recorded, else ``pending``;
- a branch step (4a, 4b … under step 4) is ``conditional`` while step 4's question is
  unanswered, ``not_applicable`` when step 4 was answered the other way or skipped,
  and otherwise follows its own outcome like a main step.

A step is **overdue** when it is pending, has a time limit, and ``now`` is strictly
after its ``due_at`` (the incident's report time plus the limit): at ``due_at``
exactly there is still time. Only open incidents (not resolved or closed) have
overdue steps — the work is over once the incident is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from controlroom.core.snapshots import ChecklistSnapshot, IncidentSnapshot, StepSnapshot

FINISHED_STATUSES = frozenset({"resolved", "closed"})


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """A recorded outcome of one step: done (with a yes/no answer to its question) or skipped."""

    number: str
    outcome: str  # "done" or "skipped"
    actor: str
    at: datetime
    answer: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OverdueStep:
    """A pending step past its time limit, for the supervisor's alert."""

    incident_id: int
    reference: str
    number: str
    text: str
    who: str
    due_at: datetime
    over: timedelta  # how long past due_at

    def describe(self) -> str:
        """``SOT-20261127-0042 step 2 overdue by 6 min: Secure the drink… (operator)``."""
        minutes = int(self.over.total_seconds() // 60)
        by = f"{minutes} min" if minutes >= 1 else "under a minute"
        return f"{self.reference} step {self.number} overdue by {by}: {self.text} ({self.who})"


def build_checklist(
    *,
    incident_id: int,
    procedure_key: str,
    title: str,
    version: str,
    content_hash: str,
    started_at: datetime,
    frozen_steps: Sequence[Mapping[str, Any]],
    reported_at: datetime,
    outcomes: Iterable[StepOutcome] = (),
) -> ChecklistSnapshot:
    """The checklist from its frozen steps (as stored) and the outcomes recorded so far."""
    recorded = {o.number: o for o in outcomes}
    steps: list[StepSnapshot] = []
    for raw in frozen_steps:
        number = str(raw["number"])
        minutes = raw.get("within_minutes")
        outcome = recorded.get(number)
        branch_of = raw.get("branch_of")
        state = _state(outcome, recorded.get(branch_of) if branch_of else None, raw.get("branch"), branch_of)
        steps.append(
            StepSnapshot(
                number=number,
                text=str(raw["text"]),
                who=str(raw["who"]),
                state=state,
                within_minutes=int(minutes) if minutes is not None else None,
                due_at=reported_at + timedelta(minutes=int(minutes)) if minutes is not None else None,
                question=raw.get("question"),
                answer=outcome.answer if outcome is not None else None,
                branch_of=branch_of,
                branch=raw.get("branch"),
                by=outcome.actor if outcome is not None and state in ("done", "skipped") else "",
                at=outcome.at if outcome is not None and state in ("done", "skipped") else None,
                reason=outcome.reason if outcome is not None and state == "skipped" else "",
            )
        )
    return ChecklistSnapshot(
        incident_id=incident_id,
        procedure_key=procedure_key,
        title=title,
        version=version,
        content_hash=content_hash,
        started_at=started_at,
        steps=tuple(steps),
    )


def _state(
    outcome: StepOutcome | None, parent: StepOutcome | None, branch: str | None, branch_of: str | None
) -> str:
    if branch_of is not None:
        if parent is None:
            return "conditional"
        if parent.outcome != "done" or parent.answer != branch:
            return "not_applicable"
    if outcome is None:
        return "pending"
    return "done" if outcome.outcome == "done" else "skipped"


def next_step(checklist: ChecklistSnapshot) -> StepSnapshot | None:
    """The first pending step in checklist order (branch steps after their question), if any."""
    return next((step for step in checklist.steps if step.state == "pending"), None)


def is_overdue(step: StepSnapshot, now: datetime) -> bool:
    """Pending, with a time limit, and strictly past it."""
    return step.state == "pending" and step.due_at is not None and now > step.due_at


def overdue_steps(
    checklists: Iterable[ChecklistSnapshot], incidents: Iterable[IncidentSnapshot], now: datetime
) -> list[OverdueStep]:
    """Every overdue step of the open incidents given, oldest due first.

    A checklist whose incident is not among ``incidents`` (not on the board) or is
    resolved or closed has none. Sorted by due time, then incident, then step order.
    """
    open_incidents = {i.id: i for i in incidents if i.status not in FINISHED_STATUSES}
    found: list[tuple[datetime, int, int, OverdueStep]] = []
    for checklist in checklists:
        incident = open_incidents.get(checklist.incident_id)
        if incident is None:
            continue
        for position, step in enumerate(checklist.steps):
            if not is_overdue(step, now):
                continue
            assert step.due_at is not None  # noqa: S101 - is_overdue checked it
            found.append(
                (
                    step.due_at,
                    incident.id,
                    position,
                    OverdueStep(
                        incident_id=incident.id,
                        reference=incident.reference,
                        number=step.number,
                        text=step.text,
                        who=step.who,
                        due_at=step.due_at,
                        over=now - step.due_at,
                    ),
                )
            )
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]


__all__ = [
    "FINISHED_STATUSES",
    "OverdueStep",
    "StepOutcome",
    "build_checklist",
    "is_overdue",
    "next_step",
    "overdue_steps",
]
