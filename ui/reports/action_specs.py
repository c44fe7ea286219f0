"""The Reports dock's actions: F9 opens it (with the keyboard in its period picker).

Operators and supervisors read reports: the night pack and the period report count the
whole city centre's incidents, which a partner (its own venues only) may not see whole.
"""

from __future__ import annotations

from ui.common.actions import ActionSpec

MENU = "menu"  # an entry of the Window menu, its key working anywhere in the window
# The role action the core's night pack needs (controlroom.core.roles); the period report's
# "report.period" goes to the same roles.
REPORT_NEEDS = "report.night"

OPEN_REPORTS = ActionSpec("report.open", "Repor&ts", "F9", REPORT_NEEDS, MENU)

REPORT_ACTIONS = (OPEN_REPORTS,)
