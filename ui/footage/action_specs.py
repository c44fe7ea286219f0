"""The footage action the window offers: V on the incident list opens the incident's footage.

V for video: the other letters on the list already move the incident on (A, D, O, R, C),
edit (E) or reopen it (U).
"""

from __future__ import annotations

from ui.common.actions import ActionSpec
from ui.incidents.action_specs import LIST as INCIDENTS

OPEN = ActionSpec("footage.open", "Footage kept as evidence", "V", "read.footage", INCIDENTS)

FOOTAGE_ACTIONS = (OPEN,)
