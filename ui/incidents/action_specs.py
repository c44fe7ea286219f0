"""The incident actions the window offers: keys on the list, Ctrl+N, the detail buttons.

One key per next status on the incident list (D dispatches through the dispatch
dialog: dispatching means choosing units); U reopens (back to acknowledged).
"""

from __future__ import annotations

from controlroom.core.domain import Status
from ui.common.actions import WINDOW, ActionSpec

LIST = "incidents"  # keys that act on the selected incident while the list has focus
DETAIL = "detail"  # buttons on the incident detail panel

STATUS_KEYS = {
    Status.ACKNOWLEDGED: "A",
    Status.DISPATCHED: "D",
    Status.ON_SCENE: "O",
    Status.RESOLVED: "R",
    Status.CLOSED: "C",
}

NEW = ActionSpec("incident.new", "New incident", "Ctrl+N", "incident.report", WINDOW)
FIND = ActionSpec("incident.find", "Search incidents", "Ctrl+F", "", WINDOW)
EDIT = ActionSpec("incident.edit", "Edit the selected incident", "E", "incident.update", LIST)
EDIT_ENTER = ActionSpec(
    "incident.edit_enter", "Edit the selected incident", "Return", "incident.update", LIST
)
DISPATCH = ActionSpec("incident.dispatch", "Dispatch units", "D", "incident.dispatch", LIST)
REOPEN = ActionSpec("incident.reopen", "Reopen", "U", "incident.update", LIST)
MOVE_ON = {
    status: ActionSpec(f"incident.{status.value}", status.label, key, "incident.update", LIST)
    for status, key in STATUS_KEYS.items()
    if status is not Status.DISPATCHED
}
EDIT_BUTTON = ActionSpec("incident.edit_button", "&Edit", "", "incident.update", DETAIL)
# "upd&ated", not "&updated": Alt+U is the Units tab's.
CALLER_BUTTON = ActionSpec(
    "incident.caller_updated", "Reporter upd&ated…", "", "incident.caller_updated", DETAIL
)
DUPLICATE_BUTTON = ActionSpec("incident.duplicate", "Duplicate &of…", "", "incident.link", DETAIL)

# The alert stack (ui/incidents/alert_stack.py): F8 anywhere jumps to the most urgent
# alert; on the stack, Enter selects the line's incident, A acknowledges it, U records
# a reporter update (the detail panel's "Reporter updated…").
ALERTS = "alerts"  # keys that act on the current line while the alert stack has focus
ALERT_JUMP = ActionSpec("alert.jump", "Jump to the most urgent alert", "F8", "incident.update", WINDOW)
ALERT_SELECT = ActionSpec("alert.select", "Show the alert's incident", "Return", "incident.update", ALERTS)
ALERT_ACKNOWLEDGE = ActionSpec("alert.acknowledge", "Acknowledge the alert", "A", "incident.update", ALERTS)
ALERT_CALLER_UPDATE = ActionSpec(
    "alert.caller_updated", "Record a reporter update", "U", "incident.caller_updated", ALERTS
)

INCIDENT_ACTIONS = (
    NEW,
    FIND,
    EDIT,
    EDIT_ENTER,
    DISPATCH,
    REOPEN,
    *MOVE_ON.values(),
    EDIT_BUTTON,
    CALLER_BUTTON,
    DUPLICATE_BUTTON,
    ALERT_JUMP,
    ALERT_SELECT,
    ALERT_ACKNOWLEDGE,
    ALERT_CALLER_UPDATE,
)
