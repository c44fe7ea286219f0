"""Overdue steps and the next step: pure rules over snapshots, with the boundary at due_at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.snapshots import ChecklistSnapshot, IncidentSnapshot
from controlroom.procedures.checklist import StepOutcome, build_checklist, next_step, overdue_steps

REPORTED = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)

FROZEN = [
    {"number": "1", "text": "Send St John", "who": "operator", "within_minutes": 5},
    {"number": "2", "text": "Secure the drink", "who": "operator", "within_minutes": 10},
    {
        "number": "3",
        "text": "Establish age",
        "who": "operator",
        "within_minutes": None,
        "question": "Under 18?",
    },
    {
        "number": "3a",
        "text": "Contact a parent",
        "who": "operator",
        "within_minutes": 15,
        "branch_of": "3",
        "branch": "yes",
    },
    {
        "number": "3b",
        "text": "Taxi home",
        "who": "operator",
        "within_minutes": 15,
        "branch_of": "3",
        "branch": "no",
    },
    {"number": "4", "text": "Supervisor review", "who": "supervisor", "within_minutes": 60},
]


def incident(status: str = "new", incident_id: int = 7) -> IncidentSnapshot:
    return IncidentSnapshot(
        id=incident_id,
        reference=f"SOT-20261127-{incident_id:04d}",
        reported_at=REPORTED,
        source="cctv",
        category="suspected_spiking",
        grade=1,
        status=status,
        venue_id=None,
        place="Bargate",
        lat=50.9,
        lon=-1.4,
        summary="x",
        version=1,
    )


def checklist(*outcomes: StepOutcome, incident_id: int = 7) -> ChecklistSnapshot:
    return build_checklist(
        incident_id=incident_id,
        procedure_key="spiking",
        title="Suspected spiking",
        version="V1",
        content_hash="0" * 64,
        started_at=REPORTED,
        frozen_steps=FROZEN,
        reported_at=REPORTED,
        outcomes=outcomes,
    )


def done(number: str, answer: str | None = None) -> StepOutcome:
    return StepOutcome(number, "done", "op1", REPORTED + timedelta(minutes=1), answer=answer)


def test_a_step_is_overdue_only_strictly_after_its_due_time() -> None:
    due = REPORTED + timedelta(minutes=5)
    board = [checklist()]

    assert [o.number for o in overdue_steps(board, [incident()], due - timedelta(seconds=1))] == []
    assert [o.number for o in overdue_steps(board, [incident()], due)] == []
    late = overdue_steps(board, [incident()], due + timedelta(seconds=1))
    assert [(o.number, o.over, o.who) for o in late] == [("1", timedelta(seconds=1), "operator")]
    assert late[0].reference == "SOT-20261127-0007" and late[0].due_at == due


@given(offset=st.integers(min_value=-3600, max_value=3600))
def test_overdue_exactly_when_now_is_past_due(offset: int) -> None:
    due = REPORTED + timedelta(minutes=10)  # step 2
    now = due + timedelta(seconds=offset)
    numbers = [o.number for o in overdue_steps([checklist(done("1"))], [incident()], now)]
    assert ("2" in numbers) == (offset > 0)


def test_steps_done_skipped_not_applicable_or_conditional_are_never_overdue() -> None:
    late = REPORTED + timedelta(hours=3)
    skipped = StepOutcome("2", "skipped", "op1", REPORTED, reason="glass gone")

    unanswered = overdue_steps([checklist(done("1"), skipped)], [incident()], late)
    assert [o.number for o in unanswered] == ["4"]  # 3a/3b wait on the question; 3 has no limit
    answered = overdue_steps([checklist(done("1"), skipped, done("3", "no"))], [incident()], late)
    assert [o.number for o in answered] == ["3b", "4"]


def test_only_open_incidents_on_the_board_have_overdue_steps() -> None:
    late = REPORTED + timedelta(hours=3)
    board = [checklist(incident_id=1), checklist(incident_id=2), checklist(incident_id=3)]
    incidents = [incident("dispatched", 1), incident("resolved", 2)]  # 3 is not on the board

    found = overdue_steps(board, incidents, late)
    assert {o.incident_id for o in found} == {1}
    assert [o.number for o in found] == ["1", "2", "4"]  # oldest due first
    assert found[0].describe() == "SOT-20261127-0001 step 1 overdue by 175 min: Send St John (operator)"


def test_next_step_is_the_first_pending_in_checklist_order() -> None:
    assert next_step(checklist()).number == "1"  # type: ignore[union-attr]
    after_question = checklist(done("1"), done("2"), done("3", "yes"))
    assert next_step(after_question).number == "3a"  # type: ignore[union-attr]
    every = checklist(done("1"), done("2"), done("3", "yes"), done("3a"), done("4"))
    assert next_step(every) is None


def test_a_checklist_survives_its_json_form() -> None:
    original = checklist(
        done("1"), done("3", "yes"), StepOutcome("2", "skipped", "op2", REPORTED, reason="x")
    )
    assert ChecklistSnapshot.from_json(original.to_json()) == original
