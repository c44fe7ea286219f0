"""Overdue procedure steps and unacknowledged handovers in the alert ranking: a step line appears
strictly after its due time, comes after every incident line (most overdue first), sits beside the
incident's own line, goes when the step is done or the incident closed; a handover stays last until
acknowledged."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.snapshots import ChecklistSnapshot, HandoverSnapshot, IncidentSnapshot, StepSnapshot
from controlroom.incidents.alerts import AlertKind, rank_alerts, step_alerts
from tests.core.incidents.test_alert_ranking import NOW, TARGETS, incident


def checklist(incident_id: int, *limits: int | None, done: tuple[str, ...] = ()) -> ChecklistSnapshot:
    """Steps "1", "2"… with these time limits (minutes from the report); ``done`` ones marked."""
    steps = tuple(
        StepSnapshot(
            number=str(n),
            text=f"Step text {n}",
            who="operator" if n % 2 else "supervisor",
            state="done" if str(n) in done else "pending",
            within_minutes=limit,
        )
        for n, limit in enumerate(limits, 1)
    )
    return ChecklistSnapshot(incident_id, "suspected_spiking", "Suspected spiking", "test", "h", NOW, steps)


def due_from(report: IncidentSnapshot, sheet: ChecklistSnapshot) -> ChecklistSnapshot:
    """The checklist with each step's due time from the incident's report, as the core freezes it."""
    reported_at = report.reported_at
    steps = tuple(
        dataclasses.replace(s, due_at=reported_at + timedelta(minutes=s.within_minutes))
        if s.within_minutes is not None
        else s
        for s in sheet.steps
    )
    return dataclasses.replace(sheet, steps=steps)


def handover(n: int, minutes_ago: float, acknowledged: bool = False) -> HandoverSnapshot:
    return HandoverSnapshot(
        id=n,
        reference=f"H-2026-{n:04d}",
        given_by="op1",
        given_at=NOW - timedelta(minutes=minutes_ago),
        role="operator",
        to_user=None,
        notes="",
        counts=(("incidents", 3),),
        noted_items=0,
        contains_personal=False,
        acknowledged_by="op2" if acknowledged else None,
        acknowledged_at=NOW if acknowledged else None,
    )


def test_a_step_is_overdue_strictly_after_its_limit_and_one_line_names_the_most_overdue() -> None:
    spiking = incident(1, 2, 10, "dispatched")
    sheet = due_from(spiking, checklist(1, 5, 10, 60))
    lines = step_alerts([sheet], [spiking], NOW)
    # Reported 10 min ago: step 1 (5 min) is 5 min over; step 2 is exactly at its limit: not yet.
    assert [(e.kind, e.step.number, e.over, e.more_steps) for e in lines] == [
        (AlertKind.STEP_OVERDUE, "1", timedelta(minutes=5), 0)
    ]
    later = step_alerts([sheet], [spiking], NOW + timedelta(seconds=1))
    assert [(e.step.number, e.more_steps) for e in later] == [("1", 1)]  # step 2 now over too
    assert later[0].incident_id == 1 and later[0].reference == spiking.reference


@given(seconds=st.integers(min_value=-600, max_value=600))
def test_the_boundary_of_a_step_limit_to_the_second(seconds: int) -> None:
    spiking = incident(1, 3, 0, "acknowledged")
    sheet = due_from(spiking, checklist(1, 10))
    now = spiking.reported_at + timedelta(minutes=10, seconds=seconds)
    lines = step_alerts([sheet], [spiking], now)
    assert bool(lines) is (seconds > 0)


def test_step_lines_follow_every_incident_line_most_overdue_first_beside_the_incidents_own() -> None:
    waiting_g1 = incident(1, 1, 12)  # G1 unacknowledged, steps 7 min over
    breach = incident(2, 2, 99, "acknowledged")  # 39 min over its target
    stepped = incident(3, 3, 50, "on_scene")  # G3 (no target): its 15-minute step is 35 min over
    fresh_g2 = incident(4, 2, 2)
    closed = incident(5, 3, 90, "resolved")  # steps over, but the incident is finished
    sheets = [
        due_from(waiting_g1, checklist(1, 5)),
        due_from(stepped, checklist(3, 15)),
        due_from(closed, checklist(5, 5)),
    ]
    night = [waiting_g1, breach, stepped, fresh_g2, closed]
    steps = step_alerts(sheets, night, NOW)
    ranked = rank_alerts(night, TARGETS, NOW, steps=steps, handovers=[handover(7, 30), handover(8, 5, True)])
    assert [(e.kind, e.incident_id or e.handover_id) for e in ranked] == [
        (AlertKind.G1, 1),
        (AlertKind.BREACH, 2),  # 39 min over
        (AlertKind.G2, 4),
        (AlertKind.STEP_OVERDUE, 3),  # 35 min over
        (AlertKind.STEP_OVERDUE, 1),  # 7 min over: its own line, below the incident's Grade 1 line
        (AlertKind.HANDOVER, 7),  # the acknowledged one is gone
    ]
    assert len({e.key for e in ranked}) == len(ranked)
    assert not ranked[4].unacknowledged  # A acknowledges incidents, not step lines
    assert ranked[0].unacknowledged


def test_a_step_hours_over_stays_below_a_breach_and_a_done_step_leaves() -> None:
    breach = incident(2, 2, 75, "acknowledged")  # 15 min over its 60 min target
    stepped = incident(3, 3, 190, "dispatched")  # its 10-minute step: 3 hours over
    sheet = due_from(stepped, checklist(3, 10))
    steps = step_alerts([sheet], [breach, stepped], NOW)
    ranked = rank_alerts([breach, stepped], TARGETS, NOW, steps=steps)
    assert [(e.kind, e.incident_id) for e in ranked] == [(AlertKind.BREACH, 2), (AlertKind.STEP_OVERDUE, 3)]
    marked = due_from(stepped, checklist(3, 10, done=("1",)))
    assert step_alerts([marked], [stepped], NOW) == []
