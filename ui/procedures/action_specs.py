"""The procedure actions the window offers: K on the incident list, and keys in the checklist.

K ("check") marks the selected incident's next pending step done; Shift+K skips it (a
reason is asked for). The other letters on the list already move the incident on (A, D,
O, R, C), edit (E), reopen (U), open its footage (V) or flag (F). Inside the checklist
(the incident detail panel) the keys act on the current step: Space or Enter done, S
skip, Y / N answer the step's question. All of them need ``procedure.step``.
"""

from __future__ import annotations

from ui.common.actions import ActionSpec

# The incident list's scope (``ui.incidents.action_specs.LIST``): written out here because
# ui.procedures sits below ui.incidents and may not import it.
INCIDENTS = "incidents"
CHECKLIST = "checklist"  # keys that act on the current step while the checklist has focus

NEXT_DONE = ActionSpec("procedure.next_done", "Mark the next step done", "K", "procedure.step", INCIDENTS)
NEXT_SKIP = ActionSpec(
    "procedure.next_skip", "Skip the next step (give a reason)", "Shift+K", "procedure.step", INCIDENTS
)
STEP_DONE = ActionSpec("procedure.step_done", "Mark the step done", "Space", "procedure.step", CHECKLIST)
STEP_DONE_ENTER = ActionSpec(
    "procedure.step_done_enter", "Mark the step done", "Return", "procedure.step", CHECKLIST
)
STEP = "procedure.step"
STEP_SKIP = ActionSpec("procedure.step_skip", "Skip the step (give a reason)", "S", STEP, CHECKLIST)
STEP_YES = ActionSpec("procedure.step_yes", "Answer the step's question: yes", "Y", STEP, CHECKLIST)
STEP_NO = ActionSpec("procedure.step_no", "Answer the step's question: no", "N", STEP, CHECKLIST)

PROCEDURE_ACTIONS = (NEXT_DONE, NEXT_SKIP, STEP_DONE, STEP_DONE_ENTER, STEP_SKIP, STEP_YES, STEP_NO)
