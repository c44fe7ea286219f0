"""Every action the window offers, collected from the feature packages' declarations.

Each feature package declares its actions beside its widgets (``action_specs``);
the shell adds its own Console entries and collects them all here, so a test can
walk one list and know what the window offers each role.
"""

from __future__ import annotations

from ui.activity.action_specs import ACTIVITY_ACTIONS
from ui.audit.action_specs import AUDIT_ACTIONS
from ui.cameras.action_specs import CAMERA_ACTIONS
from ui.common.actions import ActionSpec, declared
from ui.decisions.action_specs import DECISION_ACTIONS
from ui.dispersal.action_specs import DISPERSAL_ACTIONS
from ui.footage.action_specs import FOOTAGE_ACTIONS
from ui.handover.action_specs import HANDOVER_ACTIONS
from ui.incidents.action_specs import INCIDENT_ACTIONS
from ui.patrols.action_specs import PATROL_ACTIONS
from ui.procedures.action_specs import PROCEDURE_ACTIONS
from ui.reports.action_specs import REPORT_ACTIONS
from ui.search.action_specs import SEARCH_ACTIONS

MENU = "menu"
LOCK = ActionSpec("console.lock", "&Lock console", "Ctrl+L", "console.lock", MENU)
# Anyone logged in may switch user; in set-up mode (no users) there is no one to switch to.
SWITCH_USER = ActionSpec("console.switch_user", "&Switch user…", "", "", MENU)
CONSOLE_ACTIONS = (LOCK, SWITCH_USER)

# The Window menu: panes and the map (for those who see incidents), the text scale (anyone).
NEXT_PANE = ActionSpec("view.next_pane", "&Next pane", "F6", "read.incidents", MENU)
PREVIOUS_PANE = ActionSpec("view.previous_pane", "&Previous pane", "Shift+F6", "read.incidents", MENU)
DETAIL = ActionSpec("view.detail", "Incident &detail", "Ctrl+D", "read.incidents", MENU)
MAP_WINDOW = ActionSpec("view.map_window", "&Map in its own window", "Ctrl+Shift+M", "read.incidents", MENU)
MAP_OVERVIEW = ActionSpec("view.map_overview", "Map &overview", "Ctrl+Shift+H", "read.incidents", MENU)
ZOOM_IN = ActionSpec("view.zoom_in", "&Larger text", "Ctrl+=", "", MENU)
ZOOM_OUT = ActionSpec("view.zoom_out", "&Smaller text", "Ctrl+-", "", MENU)
ZOOM_RESET = ActionSpec("view.zoom_reset", "No&rmal text size", "Ctrl+0", "", MENU)
RESET_LAYOUT = ActionSpec("view.reset_layout", "R&eset panels", "", "", MENU)
VIEW_ACTIONS = (
    NEXT_PANE,
    PREVIOUS_PANE,
    DETAIL,
    MAP_WINDOW,
    MAP_OVERVIEW,
    ZOOM_IN,
    ZOOM_OUT,
    ZOOM_RESET,
    RESET_LAYOUT,
)

ALL_ACTIONS: dict[str, ActionSpec] = declared(
    INCIDENT_ACTIONS,
    PATROL_ACTIONS,
    DISPERSAL_ACTIONS,
    CAMERA_ACTIONS,
    FOOTAGE_ACTIONS,
    AUDIT_ACTIONS,
    REPORT_ACTIONS,
    SEARCH_ACTIONS,
    PROCEDURE_ACTIONS,
    HANDOVER_ACTIONS,
    DECISION_ACTIONS,
    ACTIVITY_ACTIONS,
    CONSOLE_ACTIONS,
    VIEW_ACTIONS,
)
