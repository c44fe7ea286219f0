"""``SearchLink``: the Search panel in the window, and where a chosen result opens.

A result still on the live board is selected there and its detail dock shown (the board's
own actions then apply to it); any other opens read-only (``ReadOnlyIncident``), read
through the core. The main window only creates this and gives it the key.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from controlroom.core.errors import ControlroomError
from controlroom.search.query import SearchHit
from ui.common.tasks import TaskSet
from ui.search.gateway import SearchGateway
from ui.search.incident_view import ReadOnlyIncident
from ui.search.panel import SearchPanel


class SearchLink(QObject):
    """Owns the Search panel; opens each chosen result on the board or read-only."""

    sig_message = Signal(str)  # for the status bar
    sig_opened_read_only = Signal(object)  # ReadOnlyIncident

    def __init__(
        self,
        window: QWidget,
        gateway: SearchGateway,
        select_on_board: Callable[[int], bool],
        show_detail: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.select_on_board = select_on_board
        self.show_detail = show_detail
        self.panel: SearchPanel | None = None
        self.read_only: ReadOnlyIncident | None = None
        self._tasks = TaskSet()

    def open_panel(self) -> None:
        """Ctrl+Shift+S: the panel (made on first use) with the search text ready."""
        if self.panel is None or not shiboken6.isValid(self.panel):
            self.panel = SearchPanel(self.gateway, self.window)
            self.panel.sig_open_requested.connect(self._on_panel_open_requested)
        self.panel.open_panel()

    def _on_panel_open_requested(self, hit: SearchHit) -> None:
        if self.select_on_board(hit.id):
            self.show_detail()
            self.sig_message.emit(f"{hit.reference} is on the board: selected")
            return
        self._tasks.spawn(self._open_read_only(hit.reference))

    async def _open_read_only(self, reference: str) -> None:
        try:
            detail = await self.gateway.detail(reference)
        except ControlroomError as refused:
            self.sig_message.emit(f"{reference} could not be opened: {refused}")
            return
        if self.read_only is not None and shiboken6.isValid(self.read_only):
            self.read_only.close()
        self.read_only = ReadOnlyIncident(detail, self.window)
        self.read_only.show()
        self.sig_opened_read_only.emit(self.read_only)
