"""The dispersal actions the window offers: zone and direction keys, printing, persons."""

from __future__ import annotations

from ui.common.actions import WINDOW, ActionSpec

PANEL = "dispersal"  # keys on the dispersal panel

NEW_ZONE = ActionSpec("zone.new", "Authorise a zone", "Z", "zone.authorise", PANEL)
NEW_ZONE_WINDOW = ActionSpec("zone.new_window", "Authorise a zone", "Ctrl+Shift+Z", "zone.authorise", WINDOW)
NEW_DIRECTION = ActionSpec("direction.new", "Give a direction", "G", "direction.give", PANEL)
NEW_DIRECTION_WINDOW = ActionSpec(
    "direction.new_window", "Give a direction", "Ctrl+Shift+G", "direction.give", WINDOW
)
PRINT_DIRECTION = ActionSpec("direction.print", "Print the direction", "P", "paperwork.print", PANEL)
PRINT_ZONE = ActionSpec("zone.print", "Print the zone's authorisation", "Shift+P", "read.dispersal", PANEL)
OPEN_DIRECTION = ActionSpec(
    "direction.open", "Open the direction (asks why, logged)", "Return", "direction.consult", PANEL
)
VARY = ActionSpec("direction.vary", "Vary the direction", "V", "direction.vary", PANEL)
WITHDRAW = ActionSpec("direction.withdraw", "Withdraw the direction", "X", "direction.withdraw", PANEL)
TAKE_HOME = ActionSpec(
    "direction.take_home", "Record the take-home outcome (s.35(7))", "H", "direction.take_home", PANEL
)
WARN = ActionSpec("subject.warn", "Words of advice", "W", "subject.warn", PANEL)
SEEN = ActionSpec("subject.seen", "Person of concern seen", "S", "subject.seen", PANEL)
OPEN_RECORD = ActionSpec(
    "subject.record", "Open &record of the selected person…", "Ctrl+Shift+R", "subject.consult", "menu"
)

DISPERSAL_ACTIONS = (
    NEW_ZONE,
    NEW_ZONE_WINDOW,
    NEW_DIRECTION,
    NEW_DIRECTION_WINDOW,
    PRINT_DIRECTION,
    PRINT_ZONE,
    OPEN_DIRECTION,
    VARY,
    WITHDRAW,
    TAKE_HOME,
    WARN,
    SEEN,
    OPEN_RECORD,
)
