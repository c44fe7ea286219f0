"""``BoardTabs``: the Units / Flags / Dispersal / Pending boards, one tab each.

A tab's Alt key (Alt+U, Alt+L, …) does more than show the tab: it puts keyboard
focus in that board's list, so the next key acts on it (``sig_tab_shortcut``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTabBar, QTabWidget, QWidget


class _ShortcutTabBar(QTabBar):
    sig_shortcut_used = Signal(int)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Shortcut:
            # QTabBar has just made the tab whose mnemonic was pressed current.
            self.sig_shortcut_used.emit(self.currentIndex())
        return handled


class BoardTabs(QTabWidget):
    """Tabs whose mnemonics move focus into the chosen board's list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = _ShortcutTabBar(self)
        self.setTabBar(bar)
        bar.sig_shortcut_used.connect(self._on_bar_shortcut_used)

    def _on_bar_shortcut_used(self, index: int) -> None:
        self.focus_board(index)

    def focus_board(self, index: int | None = None) -> None:
        """Keyboard focus into the list of the board at ``index`` (default: the current one)."""
        page = self.widget(self.currentIndex() if index is None else index)
        if page is None:
            return
        target = focus_target(page)
        target.setFocus()


def focus_target(page: QWidget) -> QWidget:
    """The widget of a panel that should take the keyboard: its first visible list, else itself."""
    for view in page.findChildren(QAbstractItemView):
        if view.isVisibleTo(page) and view.focusPolicy() != Qt.FocusPolicy.NoFocus:
            return view
    return page
