"""The flag list: flagged locations until they expire, are cleared or become incidents.

``FlagTableModel`` applies feed diffs (insert, update in place, remove) and drops
flags as they expire with the clock. On the list one key acts on the selected
flag: D dispatch units to it, I turn it into an incident, C clear it; F (or
Ctrl+Shift+F anywhere in the window) flags a new location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from controlroom.domain import LOCAL_TZ, Behaviour
from controlroom.snapshots import Change, FlagSnapshot, UnitSnapshot

COLUMNS = ("Behaviour", "Place", "Reason", "Expires", "Units")
BEHAVIOUR, PLACE, REASON, EXPIRES, UNITS = range(len(COLUMNS))
SOON = 15 * 60  # seconds: an expiry this close shows amber
Index = QModelIndex | QPersistentModelIndex


class FlagTableModel(QAbstractTableModel):
    """Active flags, oldest first; a flag leaves the list when it is no longer active."""

    def __init__(
        self, *, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._rows: list[FlagSnapshot] = []
        self._units: dict[int, list[str]] = {}
        self._clock = wall_clock
        self._amber = QBrush(QColor("#ff9f0a"))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        flag = self._rows[index.row()]
        column = index.column()
        left = (flag.expires_at - self._clock()).total_seconds()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == BEHAVIOUR:
                return f"⚑ {Behaviour.of(flag.behaviour).label}"
            if column == PLACE:
                return flag.place
            if column == REASON:
                # Typed by a person: a display role string is plain text in a view, never markup.
                return flag.reason if role == Qt.ItemDataRole.DisplayRole else flag.reason[:500]
            if column == EXPIRES:
                local = flag.expires_at.astimezone(LOCAL_TZ)
                return f"{local:%H:%M} · {max(0, int(left // 60))}m"
            return ", ".join(self._units.get(flag.id, []))
        if role == Qt.ItemDataRole.ForegroundRole and column == EXPIRES and left < SOON:
            return self._amber
        return None

    def reset(self, flags: Iterable[FlagSnapshot], units: Iterable[UnitSnapshot]) -> None:
        """Only for the first load and a resynchronisation."""
        now = self._clock()
        self.beginResetModel()
        self._rows = sorted((f for f in flags if f.active(now)), key=lambda f: (f.flagged_at, f.id))
        self._units = _tasked(units)
        self.endResetModel()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        now = self._clock()
        for change in changes:
            flag = change.flag
            if flag is None:
                continue
            row = self.row_of(flag.id)
            if row is not None and flag.version < self._rows[row].version:
                continue
            if row is not None and not flag.active(now):
                self._remove(row)
            elif row is not None:
                self._rows[row] = flag
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            elif flag.active(now):
                self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
                self._rows.append(flag)
                self.endInsertRows()

    def set_units(self, units: Iterable[UnitSnapshot]) -> None:
        """Which units are tasked to which flag (from the unit board's rows)."""
        tasked = _tasked(units)
        if tasked == self._units:
            return
        self._units = tasked
        if self._rows:
            self.dataChanged.emit(self.index(0, UNITS), self.index(len(self._rows) - 1, UNITS))

    def expire(self) -> None:
        """Drop flags whose time is up (called by the clock)."""
        now = self._clock()
        for row in range(len(self._rows) - 1, -1, -1):
            if not self._rows[row].active(now):
                self._remove(row)

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def row_of(self, flag_id: int) -> int | None:
        return next((r for r, f in enumerate(self._rows) if f.id == flag_id), None)

    def flag_at(self, row: int) -> FlagSnapshot:
        return self._rows[row]

    def active_flags(self) -> list[FlagSnapshot]:
        return list(self._rows)


def _tasked(units: Iterable[UnitSnapshot]) -> dict[int, list[str]]:
    tasked: dict[int, list[str]] = {}
    for unit in units:
        if unit.flag_id is not None:
            tasked.setdefault(unit.flag_id, []).append(unit.callsign)
    return {k: sorted(v) for k, v in tasked.items()}


class FlagBoard(QWidget):
    """The dock panel: active flags, and one key to dispatch, convert or clear."""

    sig_dispatch_requested = Signal(object)  # FlagSnapshot
    sig_convert_requested = Signal(object)  # FlagSnapshot
    sig_clear_requested = Signal(object)  # FlagSnapshot
    sig_new_flag_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FlagTableModel(parent=self)
        self.title = QLabel("Flagged locations — F flag · D dispatch · I make incident · C clear")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)  # long labels must not set the window's minimum width
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in ((BEHAVIOUR, 150), (PLACE, 150), (REASON, 220), (EXPIRES, 100)):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        keys = {
            "D": self.sig_dispatch_requested,
            "I": self.sig_convert_requested,
            "C": self.sig_clear_requested,
        }
        for key, signal in keys.items():
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=signal: self._emit_selected(s))
        new = QShortcut(QKeySequence("F"), self.table)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.sig_new_flag_requested.emit)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._on_clock_ticked)
        self._clock.start()

    def selected_flag(self) -> FlagSnapshot | None:
        index = self.table.currentIndex()
        return self.model.flag_at(index.row()) if index.isValid() else None

    def select_flag(self, flag_id: int) -> bool:
        row = self.model.row_of(flag_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _emit_selected(self, signal: Any) -> None:
        flag = self.selected_flag()
        if flag is not None:
            signal.emit(flag)

    def _on_clock_ticked(self) -> None:
        self.model.expire()
        self.table.viewport().update()
