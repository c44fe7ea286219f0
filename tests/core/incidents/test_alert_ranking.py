"""The alert ranking: Grade 1 newest first, breaches by how far over, Grade 2 newest first;
each incident once; exactly at target is not yet a breach."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from controlroom.core.grading import GradeTargets
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.alerts import AlertKind, may_alert, over_target, rank_alerts

NOW = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # a fake clock: the ranking reads only this
TARGETS = GradeTargets()  # G1 15 min, G2 60 min


def incident(
    n: int, grade: int | None, minutes_ago: float, status: str = "new", **more: object
) -> IncidentSnapshot:
    return IncidentSnapshot(
        id=n,
        reference=f"SOT-20261205-{n:04d}",
        reported_at=NOW - timedelta(minutes=minutes_ago),
        source="public",
        category="assault",
        grade=grade,
        status=status,
        venue_id=None,
        place=f"Place {n}",
        lat=50.9,
        lon=-1.4,
        summary="",
        version=1,
        **more,  # type: ignore[arg-type]
    )


def test_grade_1_newest_first_then_breaches_by_how_far_over_then_grade_2_newest_first() -> None:
    night = [
        incident(1, 2, 5),  # G2, 5 min old
        incident(2, 1, 3),  # G1, newest
        incident(3, 2, 99, "acknowledged"),  # breach, 39 min over
        incident(4, 1, 14, "acknowledged"),  # G1 acknowledged, within target: no alert
        incident(5, 2, 2),  # G2, newest
        incident(6, 1, 126, "dispatched"),  # breach, 1 h 51 min over
        incident(7, 1, 10),  # G1, older
        incident(8, 3, 300),  # G3: no target, no alert
        incident(9, 2, 70, "resolved"),  # closed out: no alert
    ]
    ranked = rank_alerts(night, TARGETS, NOW)
    assert [e.incident_id for e in ranked] == [2, 7, 6, 3, 5, 1]
    assert [e.kind for e in ranked] == [AlertKind.G1] * 2 + [AlertKind.BREACH] * 2 + [AlertKind.G2] * 2
    assert [e.over for e in ranked] == [
        None,
        None,
        timedelta(hours=1, minutes=51),
        timedelta(minutes=39),
        None,
        None,
    ]
    first = ranked[0]
    assert (first.reference, first.grade, first.place, first.age) == (
        "SOT-20261205-0002",
        1,
        "Place 2",
        timedelta(minutes=3),
    )


def test_an_incident_in_two_categories_is_listed_once_at_its_highest_rank() -> None:
    g1_breached = incident(1, 1, 40)  # unacknowledged G1 and 25 min over
    g2_breached = incident(2, 2, 75)  # unacknowledged G2 and 15 min over
    ranked = rank_alerts([g2_breached, g1_breached], TARGETS, NOW)
    assert [(e.incident_id, e.kind) for e in ranked] == [(1, AlertKind.G1), (2, AlertKind.BREACH)]
    assert ranked[0].over == timedelta(minutes=25)  # a G1 line still knows how far over it is
    assert len(ranked) == 2


def test_attendance_stops_the_clock_but_not_the_unacknowledged_alert() -> None:
    on_scene = incident(1, 2, 90, "on_scene")
    attended = incident(2, 2, 90, "new", attended_at=NOW - timedelta(minutes=30))
    ranked = rank_alerts([on_scene, attended], TARGETS, NOW)
    assert [(e.incident_id, e.kind) for e in ranked] == [(2, AlertKind.G2)]


def test_the_targets_configured_are_the_ones_ranked_against() -> None:
    quick = GradeTargets(minutes=((1, 5.0), (2, 10.0), (3, 30.0)))
    ranked = rank_alerts([incident(1, 3, 45, "acknowledged"), incident(2, 2, 12, "dispatched")], quick, NOW)
    assert [(e.incident_id, e.over) for e in ranked] == [
        (1, timedelta(minutes=15)),
        (2, timedelta(minutes=2)),
    ]


@given(grade=st.sampled_from([1, 2]), offset_s=st.integers(-3600, 3600))
def test_exactly_at_target_is_not_a_breach_one_second_past_is(grade: int, offset_s: int) -> None:
    target = TARGETS.for_grade(grade)
    assert target is not None
    waiting = incident(1, grade, 0, "acknowledged")
    waiting = dataclasses.replace(waiting, reported_at=NOW - target - timedelta(seconds=offset_s))
    over = over_target(waiting, TARGETS, NOW)
    ranked = rank_alerts([waiting], TARGETS, NOW)
    if offset_s <= 0:
        assert over is None and ranked == []
    else:
        assert over == timedelta(seconds=offset_s)
        assert [e.kind for e in ranked] == [AlertKind.BREACH]


def test_count_is_one_per_incident_needing_someone_and_only_those_are_kept_for_ranking() -> None:
    night = [incident(n, (n % 4) + 1, n, "new" if n % 3 else "acknowledged") for n in range(1, 200)]
    ranked = rank_alerts(night, TARGETS, NOW)
    assert len({e.incident_id for e in ranked}) == len(ranked)
    # Every alert comes from the small set a console keeps (an alert now or when its clock runs out).
    kept = [i for i in night if may_alert(i, TARGETS)]
    assert [e.incident_id for e in rank_alerts(kept, TARGETS, NOW)] == [e.incident_id for e in ranked]
    assert all(not may_alert(i, TARGETS) for i in night if i.grade in (3, 4))
