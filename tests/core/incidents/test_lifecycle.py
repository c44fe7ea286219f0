"""Transition rules and grade-target arithmetic, with their boundaries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.domain import Status
from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets, TargetLevel, format_remaining, target_state
from controlroom.incidents.lifecycle import TRANSITIONS, allowed_next, check_transition

statuses = st.sampled_from(list(Status))


@given(statuses, statuses)
def test_a_move_is_allowed_exactly_when_the_table_says_so(current: Status, wanted: Status) -> None:
    if wanted in TRANSITIONS[current]:
        check_transition(current, wanted)
        return
    with pytest.raises(ValidationError) as caught:
        check_transition(current, wanted)
    message = str(caught.value)
    assert f"cannot become {wanted.value}" in message
    assert all(s.value in message for s in allowed_next(current))


def test_the_whole_life_of_an_incident_and_reopen() -> None:
    path = [
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.DISPATCHED,
        Status.ON_SCENE,
        Status.RESOLVED,
        Status.CLOSED,
        Status.ACKNOWLEDGED,
    ]
    for current, wanted in itertools.pairwise(path):
        check_transition(current, wanted)


def test_every_state_can_eventually_be_closed() -> None:
    for start in Status:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert Status.CLOSED in seen


TARGETS = GradeTargets()
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 1, 1),
    timezones=st.just(UTC),
)


@given(instants, st.sampled_from([1, 2]), st.integers(min_value=0, max_value=3 * 3600 * 1000))
def test_levels_follow_the_fraction_of_the_target_used(since: datetime, grade: int, ms: int) -> None:
    target = TARGETS.for_grade(grade)
    assert target is not None
    now = since + timedelta(milliseconds=ms)
    state = target_state(TARGETS, grade, since, now, attended=False)
    elapsed = now - since
    assert state.remaining == target - elapsed
    if elapsed > target:
        assert state.level is TargetLevel.RED
    elif elapsed >= target * 0.8:
        assert state.level is TargetLevel.AMBER
    else:
        assert state.level is TargetLevel.OK


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (11.99, TargetLevel.OK),
        (12.0, TargetLevel.AMBER),
        (15.0, TargetLevel.AMBER),
        (15.001, TargetLevel.RED),
    ],
)
def test_grade_1_boundaries_at_exactly_80_and_100_percent(minutes: float, level: TargetLevel) -> None:
    since = datetime(2026, 11, 27, 23, 50, tzinfo=UTC)  # crosses midnight
    state = target_state(TARGETS, 1, since, since + timedelta(minutes=minutes), attended=False)
    assert state.level is level


def test_the_clock_change_neither_shortens_nor_lengthens_a_target() -> None:
    # 01:50 BST on 25 Oct 2026 is 00:50 UTC; the clocks go back at 02:00 BST.
    since = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)
    state = target_state(TARGETS, 2, since, since + timedelta(minutes=59), attended=False)
    assert state.level is TargetLevel.AMBER and state.remaining == timedelta(minutes=1)


def test_no_clock_for_grades_3_4_ungraded_or_attended() -> None:
    since = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    later = since + timedelta(hours=5)
    for grade in (3, 4, None):
        assert target_state(TARGETS, grade, since, later, attended=False).level is TargetLevel.NONE
    assert target_state(TARGETS, 1, since, later, attended=True).level is TargetLevel.NONE


def test_configurable_targets_and_remaining_text() -> None:
    targets = GradeTargets(minutes=((1, 10.0), (2, 30.0)))
    assert targets.for_grade(1) == timedelta(minutes=10)
    assert format_remaining(timedelta(minutes=12, seconds=30)) == "12:30 left"
    assert format_remaining(timedelta(seconds=-185)) == "3:05 over"
    assert format_remaining(timedelta(minutes=-101, seconds=-19)) == "1h41 over"
