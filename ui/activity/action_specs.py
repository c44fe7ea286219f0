"""The activity log's action: Ctrl+Shift+Y opens it (Y: "what did you do?" — the free letter).

Anyone who may read their own log is offered it (operators, supervisors, and auditors, who
read anyone's); reading another user's log is the core's decision, audited by the core.
"""

from __future__ import annotations

from ui.common.actions import ActionSpec

MENU = "menu"  # an entry of the Window menu, its key working anywhere in the window

OPEN_ACTIVITY = ActionSpec("activity.open", "Activit&y log…", "Ctrl+Shift+Y", "activity.read_own", MENU)

ACTIVITY_ACTIONS = (OPEN_ACTIVITY,)
