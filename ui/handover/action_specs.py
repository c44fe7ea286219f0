"""The handover actions the window offers: Ctrl+H hands over, Ctrl+Alt+H reads past handovers.

Ctrl+H opens the draft (H for handover; Ctrl+Shift+H is the map's overview). Ctrl+Alt+H
opens the history of handovers (not F11: that is full screen in the map's own window).
Both are Window menu entries whose keys work anywhere in the window.

The dialogs' own keys are theirs, not the window's (constants below): in the draft, F2 or
Enter edits the current item's note, F5 drafts again keeping the notes, Ctrl+Enter hands
over, Ctrl+P prints; in a handover shown read-only, Ctrl+Enter (or A) acknowledges and
Ctrl+P prints; in the history, Enter opens and P prints the handover under the cursor.
"""

from __future__ import annotations

from ui.common.actions import ActionSpec

MENU = "menu"  # an entry of the Window menu, its key working anywhere in the window

OPEN_DRAFT = ActionSpec("handover.open", "&Hand over…", "Ctrl+H", "handover.draft", MENU)
OPEN_HISTORY = ActionSpec("handover.history", "Hando&ver history…", "Ctrl+Alt+H", "handover.read", MENU)

HANDOVER_ACTIONS = (OPEN_DRAFT, OPEN_HISTORY)

# Keys inside the handover dialogs.
EDIT_NOTE_KEYS = ("F2", "Return")
REFRESH_KEY = "F5"
GIVE_KEY = "Ctrl+Return"
PRINT_KEY = "Ctrl+P"
ACKNOWLEDGE_KEYS = ("Ctrl+Return", "A")
OPEN_KEY = "Return"
HISTORY_PRINT_KEY = "P"
