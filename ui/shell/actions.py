"""Every action the window offers, collected from the feature packages' declarations.

Each feature package declares its actions beside its widgets (``action_specs``);
the shell adds its own Console entries and collects them all here, so a test can
walk one list and know what the window offers each role.
"""

from __future__ import annotations

from ui.audit.action_specs import AUDIT_ACTIONS
from ui.common.actions import ActionSpec, declared
from ui.dispersal.action_specs import DISPERSAL_ACTIONS
from ui.incidents.action_specs import INCIDENT_ACTIONS
from ui.patrols.action_specs import PATROL_ACTIONS

MENU = "menu"
LOCK = ActionSpec("console.lock", "&Lock console", "Ctrl+L", "console.lock", MENU)
# Anyone logged in may switch user; in set-up mode (no users) there is no one to switch to.
SWITCH_USER = ActionSpec("console.switch_user", "&Switch user…", "", "", MENU)
CONSOLE_ACTIONS = (LOCK, SWITCH_USER)

ALL_ACTIONS: dict[str, ActionSpec] = declared(
    INCIDENT_ACTIONS, PATROL_ACTIONS, DISPERSAL_ACTIONS, AUDIT_ACTIONS, CONSOLE_ACTIONS
)
