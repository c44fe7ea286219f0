"""The Decisions dock's actions: F10 opens it; on its list N records, R revises, P prints, Enter reads.

F10 is free in the window (F6 panes, F9 reports, F11 handover history). The letters work on
the dock's list only (scope ``DECISIONS``): N for new, R for revise, P for print, as the
footage dialog's letters do. There is no key to change or delete a decision — the log is
append-only, and a later decision revises an earlier one.

Partners never see decisions; operators and supervisors record them (an operator revises
only their own — the core refuses others anyway); auditors read and print them.
"""

from __future__ import annotations

from ui.common.actions import ActionSpec

MENU = "menu"  # an entry of the Window menu, its key working anywhere in the window
DECISIONS = "decisions"  # keys on the Decisions dock's list

OPEN_DECISIONS = ActionSpec("decision.open", "De&cisions", "F10", "decision.read", MENU)
READ_DECISION = ActionSpec("decision.read", "Read the decision", "Return", "decision.read", DECISIONS)
NEW_DECISION = ActionSpec("decision.new", "Record a decision", "N", "decision.record", DECISIONS)
REVISE_DECISION = ActionSpec("decision.revise", "Revise the decision", "R", "decision.record", DECISIONS)
PRINT_DECISIONS = ActionSpec("decision.print", "Print the decision log", "P", "decision.print", DECISIONS)

DECISION_ACTIONS = (OPEN_DECISIONS, READ_DECISION, NEW_DECISION, REVISE_DECISION, PRINT_DECISIONS)

# Inside the form: Ctrl+Enter records (Enter in a text box starts a new line).
RECORD_KEYS = ("Ctrl+Return", "Ctrl+Enter")
