"""``DispatchDialog``: send patrols to an incident, best suggestion first.

Suitable available units are ranked by estimated travel time along the streets;
Enter dispatches the highlighted one (the first, unless the operator moves down),
Space ticks more units to send together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from controlroom.domain import UnitKind, grade_label
from controlroom.errors import ControlroomError
from controlroom.routing import Recommendation, StreetGraph, recommend
from controlroom.snapshots import IncidentSnapshot, UnitSnapshot
from ui.incident_service import IncidentService


class DispatchDialog(QDialog):
    """Recommendations for one incident; dispatches through ``IncidentService``."""

    sig_dispatched = Signal(list)  # callsigns

    def __init__(
        self,
        service: IncidentService,
        incident: IncidentSnapshot,
        units: Sequence[UnitSnapshot],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.incident = incident
        self.setWindowTitle(f"Dispatch to {incident.reference}")
        self.setMinimumWidth(460)
        self.recommendations: list[Recommendation] = recommend(
            StreetGraph.load(), units, (incident.lat, incident.lon), category=incident.category
        )
        header = QLabel(f"{incident.reference} · {grade_label(incident.grade)} · {incident.place}")
        header.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        for rank, r in enumerate(self.recommendations, 1):
            where = "" if r.on_network else " (off street map)"
            item = QListWidgetItem(
                f"{rank}. {r.callsign:8}  {r.eta_minutes:4.1f} min  {r.metres:5.0f} m  "
                f"{UnitKind.of(r.kind).label}{where}"
            )
            item.setData(Qt.ItemDataRole.UserRole, r.callsign)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.error = QLabel("" if self.recommendations else "No suitable unit is available.")
        self.error.setObjectName("formError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = QPushButton("&Dispatch")
        self.send.setDefault(True)
        buttons.addButton(self.send, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.dispatch_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.list)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if self.recommendations:
            self.list.setCurrentRow(0)
        self.list.setFocus()
        self._task: asyncio.Future[Any] | None = None

    def chosen(self) -> list[str]:
        """Ticked units, or else the highlighted one."""
        items = [self.list.item(i) for i in range(self.list.count())]
        ticked = [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]
        current = self.list.currentItem()
        return ticked or ([current.data(Qt.ItemDataRole.UserRole)] if current else [])

    def dispatch_selected(self) -> None:
        callsigns = self.chosen()
        if not callsigns or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.ensure_future(self._dispatch(callsigns))

    async def _dispatch(self, callsigns: list[str]) -> None:
        try:
            await self.service.dispatch(self.incident.reference, callsigns)
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        self.sig_dispatched.emit(callsigns)
        self.accept()
