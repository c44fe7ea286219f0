"""The search action: Ctrl+Shift+S opens the Search panel (Ctrl+F already finds on the board).

The panel's own keys — Enter in the text or a filter searches, Enter on a result opens it —
are the dialog's, not the window's.
"""

from __future__ import annotations

from ui.common.actions import WINDOW, ActionSpec

OPEN = ActionSpec("search.open", "Search every night…", "Ctrl+Shift+S", "read.incidents", WINDOW)

SEARCH_ACTIONS = (OPEN,)
