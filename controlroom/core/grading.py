"""Grade targets: how long is left to attend, and when to warn.

National contact-management grades: Grade 1 Emergency (attend within 15 min by
default), Grade 2 Priority (60 min); Grades 3 and 4 have no attendance clock.
Arithmetic is on aware UTC instants, so midnight and the clock change cannot
shorten or lengthen a target.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

AMBER_FRACTION = 0.8


class TargetLevel(str, enum.Enum):
    NONE = "none"  # no target for this grade, or attendance already achieved
    OK = "ok"
    AMBER = "amber"  # 80 % of the target used
    RED = "red"  # target breached: tell the caller


@dataclass(frozen=True, slots=True)
class GradeTargets:
    """Attendance targets per grade; configurable per force."""

    minutes: tuple[tuple[int, float], ...] = ((1, 15.0), (2, 60.0))

    def for_grade(self, grade: int | None) -> timedelta | None:
        for g, minutes in self.minutes:
            if g == grade:
                return timedelta(minutes=minutes)
        return None


@dataclass(frozen=True, slots=True)
class TargetState:
    level: TargetLevel
    remaining: timedelta | None = None
    fraction: float = 0.0


def target_state(
    targets: GradeTargets, grade: int | None, since: datetime, now: datetime, attended: bool
) -> TargetState:
    """Where an incident stands against its grade's attendance target at ``now``."""
    target = targets.for_grade(grade)
    if target is None or attended:
        return TargetState(TargetLevel.NONE)
    if since.tzinfo is None or now.tzinfo is None:
        raise ValueError("target arithmetic needs aware datetimes")
    elapsed = now - since
    fraction = elapsed / target
    remaining = target - elapsed
    if elapsed > target:
        level = TargetLevel.RED
    elif fraction >= AMBER_FRACTION:
        level = TargetLevel.AMBER
    else:
        level = TargetLevel.OK
    return TargetState(level, remaining, fraction)


def format_remaining(remaining: timedelta) -> str:
    """``12:30 left``, ``3:05 over``, ``1h41 over``."""
    seconds = int(remaining.total_seconds())
    sign = "left" if seconds >= 0 else "over"
    seconds = abs(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d} {sign}"
    return f"{seconds // 60}:{seconds % 60:02d} {sign}"
