"""``DispatchDialog``: send patrols to an incident or a flagged location, best first.

Suitable available units are ranked by estimated travel time along the streets;
Enter dispatches the highlighted one (the first, unless the operator moves down),
Space ticks more units to send together. For a Grade 1 incident, units on a
lower-graded task follow the available ones, marked with what they would be
diverted from (the core records the diversion on both incidents).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

from controlroom.commands import Commands
from controlroom.core.domain import Behaviour, UnitKind, UnitStatus, grade_label
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import FlagSnapshot, IncidentSnapshot, UnitSnapshot
from controlroom.patrols.routing import Recommendation, loaded_street_graph, recommend

# What a busy unit is doing, by incident id: (reference, grade).
Tasks = Callable[[int], tuple[str, int | None] | None]


@dataclass(frozen=True, slots=True)
class DispatchTarget:
    """Where units are sent: an incident (by reference) or a flagged location."""

    title: str
    heading: str
    lat: float
    lon: float
    category: str | None
    grade: int | None
    reference: str | None = None
    flag_id: int | None = None

    @classmethod
    def for_incident(cls, incident: IncidentSnapshot) -> DispatchTarget:
        return cls(
            title=f"Dispatch to {incident.reference}",
            heading=f"{incident.reference} · {grade_label(incident.grade)} · {incident.place}",
            lat=incident.lat,
            lon=incident.lon,
            category=incident.category,
            grade=incident.grade,
            reference=incident.reference,
        )

    @classmethod
    def for_flag(cls, flag: FlagSnapshot) -> DispatchTarget:
        return cls(
            title=f"Dispatch to flag {flag.id}",
            heading=f"Flag {flag.id} · {Behaviour.of(flag.behaviour).label} · {flag.place}",
            lat=flag.lat,
            lon=flag.lon,
            category=None,
            grade=None,
            flag_id=flag.id,
        )


class DispatchDialog(QDialog):
    """Recommendations for one incident or flag; dispatches through ``Commands``."""

    sig_dispatched = Signal(list)  # callsigns

    def __init__(
        self,
        commands: Commands,
        target: IncidentSnapshot | DispatchTarget,
        units: Sequence[UnitSnapshot],
        parent: QWidget | None = None,
        *,
        tasks: Tasks = lambda _id: None,
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.target = target if isinstance(target, DispatchTarget) else DispatchTarget.for_incident(target)
        self.setWindowTitle(self.target.title)
        self.setMinimumWidth(520)
        self._tasks = tasks
        self.recommendations: list[Recommendation] = recommend(
            loaded_street_graph(commands.db),  # built by StreetNetworkLink at start and per import
            units,
            (self.target.lat, self.target.lon),
            category=self.target.category,
            also=self._divertible if self.target.grade == 1 else None,
        )
        task_of = {u.callsign: u.incident_id for u in units}
        header = QLabel(self.target.heading)
        header.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        for rank, r in enumerate(self.recommendations, 1):
            where = "" if r.on_network else " (off street map)"
            divert = ""
            if r.status != UnitStatus.AVAILABLE:
                task = tasks(task_of.get(r.callsign) or -1)
                what = f"{task[0]} (G{task[1] or '-'})" if task else UnitStatus.of(r.status).label.lower()
                divert = f"  ⤳ divert from {what}"
            item = QListWidgetItem(
                f"{rank}. {r.callsign:8}  {r.eta_minutes:4.1f} min  {r.metres:5.0f} m  "
                f"{UnitKind.of(r.kind).label}{where}{divert}"
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

    def _divertible(self, unit: UnitSnapshot) -> bool:
        """A unit on a lower-graded (or ungraded) task may be taken for a Grade 1."""
        if unit.status in (UnitStatus.OFF_DUTY, UnitStatus.AVAILABLE):
            return False
        task = self._tasks(unit.incident_id) if unit.incident_id is not None else None
        return task is None or (task[1] or 9) > 1

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
            if self.target.flag_id is not None:
                await self.commands.dispatch_to_flag(self.target.flag_id, callsigns)
            else:
                assert self.target.reference is not None  # noqa: S101 - one of the two is set
                await self.commands.dispatch(self.target.reference, callsigns)
        except ControlroomError as exc:
            self.error.setText(str(exc))
            return
        self.sig_dispatched.emit(callsigns)
        self.accept()
