"""The camera actions the window offers: the Cameras panel's keys and "which cameras can see this?".

"Which cameras can see this?" is Shift+C on each board for the selected incident, flag or
direction: plain C on those boards already closes an incident and clears a flag, and a
camera question must never close an incident by a slip of the Shift key. Ctrl+Shift+C
anywhere asks it for a typed place.
"""

from __future__ import annotations

from ui.common.actions import WINDOW, ActionSpec
from ui.dispersal.action_specs import PANEL as DISPERSAL
from ui.incidents.action_specs import LIST as INCIDENTS
from ui.patrols.action_specs import FLAGS

CAMERAS = "cameras"  # keys on the Cameras panel's table
WHICH_KEY = "Shift+C"
WHICH_TEXT = "Which cameras can see this?"

WHICH_FOR_INCIDENT = ActionSpec("camera.which_incident", WHICH_TEXT, WHICH_KEY, "read.cameras", INCIDENTS)
WHICH_FOR_FLAG = ActionSpec("camera.which_flag", WHICH_TEXT, WHICH_KEY, "read.cameras", FLAGS)
WHICH_FOR_DIRECTION = ActionSpec("camera.which_direction", WHICH_TEXT, WHICH_KEY, "read.cameras", DISPERSAL)
WHICH_FOR_PLACE = ActionSpec(
    "camera.which_place", "Which cameras can see a place…", "Ctrl+Shift+C", "read.cameras", WINDOW
)
CALL_UP = ActionSpec("camera.callup", "Call up the camera", "Return", "camera.callup", CAMERAS)
REPORT_FAULT = ActionSpec("camera.report_fault", "Report a fault", "F", "camera.fault", CAMERAS)
CLEAR_FAULT = ActionSpec("camera.clear_fault", "Clear its faults", "Shift+F", "camera.fault", CAMERAS)
RELEASE = ActionSpec("camera.release", "Release it from its incident", "R", "camera.task", CAMERAS)
NEW_CAMERA = ActionSpec("camera.new", "Add a camera", "N", "camera.manage", CAMERAS)
EDIT_CAMERA = ActionSpec("camera.edit", "Change the camera", "E", "camera.manage", CAMERAS)

CAMERA_ACTIONS = (
    WHICH_FOR_INCIDENT,
    WHICH_FOR_FLAG,
    WHICH_FOR_DIRECTION,
    WHICH_FOR_PLACE,
    CALL_UP,
    REPORT_FAULT,
    CLEAR_FAULT,
    RELEASE,
    NEW_CAMERA,
    EDIT_CAMERA,
)
