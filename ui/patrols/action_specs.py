"""The patrol actions the window offers: flags (window and flag list) and unit keys."""

from __future__ import annotations

from controlroom.core.domain import UnitStatus
from ui.common.actions import WINDOW, ActionSpec

FLAGS = "flags"  # keys on the flag list
UNITS = "units"  # keys on the unit board

UNIT_STATUS_KEYS = {
    "V": UnitStatus.AVAILABLE,
    "E": UnitStatus.EN_ROUTE,
    "S": UnitStatus.ON_SCENE,
    "B": UnitStatus.BUSY,
    "R": UnitStatus.REFRESHMENT,
    "X": UnitStatus.OFF_DUTY,
}

NEW_FLAG = ActionSpec("flag.new", "Flag a location", "Ctrl+Shift+F", "flag.add", WINDOW)
NEW_FLAG_ON_LIST = ActionSpec("flag.new_on_list", "Flag a location", "F", "flag.add", FLAGS)
DISPATCH_TO_FLAG = ActionSpec("flag.dispatch", "Dispatch units to the flag", "D", "flag.dispatch", FLAGS)
CONVERT_FLAG = ActionSpec("flag.convert", "Make the flag an incident", "I", "flag.convert", FLAGS)
CLEAR_FLAG = ActionSpec("flag.clear", "Clear the flag", "C", "flag.clear", FLAGS)
LOCATE_UNIT = ActionSpec("unit.locate", "Type the unit's position", "L", "unit.update", UNITS)
UNIT_STATUS = {
    status: ActionSpec(f"unit.{status.value}", status.label, key, "unit.update", UNITS)
    for key, status in UNIT_STATUS_KEYS.items()
}

PATROL_ACTIONS = (
    NEW_FLAG,
    NEW_FLAG_ON_LIST,
    DISPATCH_TO_FLAG,
    CONVERT_FLAG,
    CLEAR_FLAG,
    LOCATE_UNIT,
    *UNIT_STATUS.values(),
)
