"""The unit board: every patrol unit, its status and task, and how long in that status.

``UnitTableModel`` applies feed diffs like the incident model (insert / update in
place, never a reset on refresh). On the board one key changes the selected
unit's status: V available, E en route, S on scene, B busy, R refreshment,
X off duty; L types its position (a venue or LAT,LON).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView, QVBoxLayout, QWidget

from controlroom.commands import Commands
from controlroom.core.domain import UnitKind, UnitStatus
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import Change, Diff, Snapshot, UnitSnapshot
from ui.common import theme
from ui.common.actions import ActionRegistry
from ui.common.formatting import format_age
from ui.common.table_fit import fit_table
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.feed.controller import FeedController
from ui.patrols.action_specs import LOCATE_UNIT, UNIT_STATUS, UNIT_STATUS_KEYS

COLUMNS = ("Callsign", "Kind", "Status", "For", "Task")
CALLSIGN, KIND, STATUS, FOR, TASK = range(len(COLUMNS))
STATUS_KEYS = UNIT_STATUS_KEYS
Index = QModelIndex | QPersistentModelIndex
# The reference of the incident each unit is tasked to, by incident id.
TaskNames = Callable[[Iterable[UnitSnapshot]], dict[int, str]]


class UnitTableModel(QAbstractTableModel):
    """Units sorted as they arrive; diffs update rows in place."""

    def __init__(
        self, *, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._rows: list[UnitSnapshot] = []
        self._row_of: dict[int, int] = {}
        self._task_names: dict[int, str] = {}
        self._clock = wall_clock
        self._brushes = {k: QBrush(QColor(v)) for k, v in theme.UNIT_STATUS.items()}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        unit = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == CALLSIGN:
                return shown_line(unit.callsign)  # typed before callsigns were ASCII only
            if column == KIND:
                return UnitKind.of(unit.kind).label
            if column == STATUS:
                return UnitStatus.of(unit.status).label
            if column == FOR:
                return format_age((self._clock() - unit.status_since).total_seconds())
            return self._task_names.get(
                unit.incident_id or -1, f"flag {unit.flag_id}" if unit.flag_id else ""
            )
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return self._brushes.get(unit.status)
        return None

    def reset(self, units: Iterable[UnitSnapshot], task_names: dict[int, str]) -> None:
        """Only for the first load and a resynchronisation."""
        self.beginResetModel()
        self._rows = sorted(units, key=lambda u: u.callsign)
        self._row_of = {u.id: r for r, u in enumerate(self._rows)}
        self._task_names = dict(task_names)
        self.endResetModel()

    def apply_changes(self, changes: Sequence[Change], task_names: dict[int, str]) -> None:
        self._task_names.update(task_names)
        for change in changes:
            unit = change.unit
            if unit is None:
                continue
            row = self._row_of.get(unit.id)
            if row is None:
                self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
                self._row_of[unit.id] = len(self._rows)
                self._rows.append(unit)
                self.endInsertRows()
            elif unit.version >= self._rows[row].version:
                self._rows[row] = unit
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def unit_at(self, row: int) -> UnitSnapshot:
        return self._rows[row]

    def units(self) -> list[UnitSnapshot]:
        return list(self._rows)


class UnitBoard(QWidget):
    """The dock panel: the table of units and one-key status changes."""

    sig_message = Signal(str)
    sig_locate_requested = Signal(object)  # UnitSnapshot

    def __init__(
        self, commands: Commands, *, registry: ActionRegistry | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._task_names: TaskNames = lambda _units: {}
        self.commands = commands
        self.model = UnitTableModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        fit_table(
            self.table,
            {CALLSIGN: "SN-00", KIND: "St John Ambulance", STATUS: "Refreshment", FOR: "10h 59m"},
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self._tasks = TaskSet()
        registry = registry or ActionRegistry(self)
        for status, spec in UNIT_STATUS.items():
            registry.shortcut(spec, self.table, self._status_setter(status))
        registry.shortcut(LOCATE_UNIT, self.table, self._on_locate_pressed)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.table.viewport().update)
        self._clock.start()

    def follow(self, feed: FeedController, task_names: TaskNames) -> None:
        """Keep the board current; ``task_names`` names units' incidents (connect after the list)."""
        self._task_names = task_names
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.model.reset(snapshot.units, self._task_names(snapshot.units))

    def _on_feed_diff_received(self, diff: Diff) -> None:
        changes = diff.unit_changes() + diff.flag_changes()
        if changes:
            units = [c.unit for c in changes if c.unit is not None]
            self.model.apply_changes(changes, self._task_names(units))

    def _status_setter(self, status: UnitStatus) -> Callable[[], object]:
        return lambda: self.set_status(status)

    def selected_unit(self) -> UnitSnapshot | None:
        index = self.table.currentIndex()
        return self.model.unit_at(index.row()) if index.isValid() else None

    def _on_locate_pressed(self) -> None:
        unit = self.selected_unit()
        if unit is not None:
            self.sig_locate_requested.emit(unit)

    def set_status(self, status: UnitStatus) -> asyncio.Future[Any] | None:
        unit = self.selected_unit()
        if unit is None:
            return None
        task = self._tasks.spawn(self._run(unit.callsign, status))
        return task

    async def _run(self, callsign: str, status: UnitStatus) -> None:
        try:
            await self.commands.update_unit(callsign, status=status.value)
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(f"{callsign}: {status.label}")
