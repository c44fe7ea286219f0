"""Incident lifecycle: which status may follow which, in one place.

New → Acknowledged → Dispatched → On scene → Resolved → Closed, with the
short-cuts a control room really takes (resolve a report without deployment,
stand a patrol down) and reopen from Resolved or Closed.
"""

from __future__ import annotations

from controlroom.core.domain import Status
from controlroom.core.errors import ValidationError

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.ACKNOWLEDGED, Status.DISPATCHED, Status.RESOLVED),
    Status.ACKNOWLEDGED: (Status.DISPATCHED, Status.RESOLVED),
    # A patrol can be stood down (back to Acknowledged) or arrive.
    Status.DISPATCHED: (Status.ON_SCENE, Status.ACKNOWLEDGED, Status.RESOLVED),
    Status.ON_SCENE: (Status.RESOLVED, Status.DISPATCHED),
    # Reopen: back to Acknowledged, with someone owning it again.
    Status.RESOLVED: (Status.CLOSED, Status.ACKNOWLEDGED),
    Status.CLOSED: (Status.ACKNOWLEDGED,),
}

OPEN = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED, Status.ON_SCENE})
# Until a patrol is on scene the grade's attendance target is running.
AWAITING_ATTENDANCE = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED})


def allowed_next(current: Status) -> tuple[Status, ...]:
    return TRANSITIONS[current]


def check_transition(current: Status, wanted: Status) -> None:
    """Raise a ValidationError naming the allowed next states if the move is not allowed."""
    if wanted in TRANSITIONS[current]:
        return
    allowed = ", ".join(s.value for s in TRANSITIONS[current])
    raise ValidationError(
        f"an incident that is {current.value} cannot become {wanted.value}; allowed next: {allowed}"
    )
