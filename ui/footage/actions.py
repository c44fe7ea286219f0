"""``FootageActions``: V on the incident list opens the selected incident's Footage dialog (one at a time)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from controlroom.core.snapshots import IncidentSnapshot
from ui.common.actions import ActionRegistry
from ui.footage.action_specs import OPEN
from ui.footage.dialog import FootageDialog
from ui.footage.gateway import FootageGateway
from ui.incidents.view import IncidentTableView


class FootageActions(QObject):
    """Opens the Footage dialog for the incident selected on the list."""

    sig_message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        gateway: FootageGateway,
        incidents: IncidentTableView,
        incident_by_id: Callable[[int], IncidentSnapshot | None],
        camera_numbers: Callable[[], Sequence[str]],
        *,
        registry: ActionRegistry,
    ) -> None:
        super().__init__(window)
        self.window, self.gateway, self.registry = window, gateway, registry
        self.incident_by_id, self.camera_numbers = incident_by_id, camera_numbers
        self.dialog: FootageDialog | None = None
        registry.shortcut(OPEN, incidents, lambda: self.open_for(incidents.selected_incident_id()))

    def open_for(self, incident_id: int | None) -> FootageDialog | None:
        incident = self.incident_by_id(incident_id) if incident_id is not None else None
        if incident is None:
            self.sig_message.emit("Select an incident first, then V for its footage")
            return None
        dialog = FootageDialog(
            self.gateway,
            incident.reference,
            f"{incident.reference}, {incident.place}",
            sorted(self.camera_numbers()),
            self.registry.may,
            parent=self.window,
        )
        dialog.sig_message.connect(self.sig_message)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        back_to = self.window.focusWidget()
        dialog.finished.connect(lambda _r: back_to.setFocus() if back_to is not None else None)
        dialog.show()
        dialog.activateWindow()
        return dialog
