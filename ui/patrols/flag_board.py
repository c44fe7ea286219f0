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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from controlroom.core.domain import LOCAL_TZ, Behaviour
from controlroom.core.snapshots import Change, Diff, FlagSnapshot, Snapshot, UnitSnapshot
from ui.common import theme
from ui.common.actions import ActionRegistry
from ui.common.active_rows_model import ActiveRowsModel, Index
from ui.common.table_fit import fit_table
from ui.common.typed_text import shown_line
from ui.feed.controller import FeedController
from ui.patrols.action_specs import CLEAR_FLAG, CONVERT_FLAG, DISPATCH_TO_FLAG, NEW_FLAG_ON_LIST

COLUMNS = ("Behaviour", "Place", "Reason", "Expires", "Units")
BEHAVIOUR, PLACE, REASON, EXPIRES, UNITS = range(len(COLUMNS))
SOON = 15 * 60  # seconds: an expiry this close shows amber


class FlagTableModel(ActiveRowsModel[FlagSnapshot]):
    """Active flags, oldest first; a flag leaves the list when it is no longer active."""

    COLUMNS = COLUMNS

    def __init__(
        self, *, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent: Any = None
    ) -> None:
        super().__init__(wall_clock=wall_clock, parent=parent)
        self._units: dict[int, list[str]] = {}
        self._amber = QBrush(QColor(theme.FLAG_EXPIRING))

    def is_active(self, record: FlagSnapshot, now: datetime) -> bool:
        return record.active(now)

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
                return shown_line(flag.place)
            if column == REASON:
                # Typed by a person: a display role string is plain text in a view, never markup.
                return shown_line(flag.reason if role == Qt.ItemDataRole.DisplayRole else flag.reason[:500])
            if column == EXPIRES:
                local = flag.expires_at.astimezone(LOCAL_TZ)
                return f"{local:%H:%M} · {max(0, int(left // 60))}m"
            return ", ".join(self._units.get(flag.id, []))
        if role == Qt.ItemDataRole.ForegroundRole and column == EXPIRES and left < SOON:
            return self._amber
        return None

    def reset(self, flags: Iterable[FlagSnapshot], units: Iterable[UnitSnapshot]) -> None:
        """Only for the first load and a resynchronisation."""
        self._units = _tasked(units)
        self._reset_rows(flags, key=lambda f: (f.flagged_at, f.id))

    def apply_changes(self, changes: Sequence[Change]) -> None:
        self._apply([c.flag for c in changes if c.flag is not None])

    def set_units(self, units: Iterable[UnitSnapshot]) -> None:
        """Which units are tasked to which flag (from the unit board's rows)."""
        tasked = _tasked(units)
        if tasked != self._units:
            self._units = tasked
            self._repaint_column(UNITS)

    def flag_at(self, row: int) -> FlagSnapshot:
        return self.record_at(row)

    def active_flags(self) -> list[FlagSnapshot]:
        return self.records()


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
    sig_count_changed = Signal(int)  # flags on the board (for its tab title)

    def __init__(self, *, registry: ActionRegistry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._units: Callable[[], list[UnitSnapshot]] = list
        self.model = FlagTableModel(parent=self)
        # One line, so the list keeps the height; the words in full in its tooltip.
        self.title = QLabel("F flag · D dispatch · I incident · C clear")
        self.title.setToolTip("Flagged locations — F flag · D dispatch · I make incident · C clear")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)  # long labels must not set the window's minimum width
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        fit_table(
            self.table,
            {
                BEHAVIOUR: "Following women",
                PLACE: "Harbourlight Club",
                REASON: "Seen on CCTV twice",
                EXPIRES: "in 1h 30m",
            },
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        registry = registry or ActionRegistry(self)
        keys = {
            DISPATCH_TO_FLAG: self.sig_dispatch_requested,
            CONVERT_FLAG: self.sig_convert_requested,
            CLEAR_FLAG: self.sig_clear_requested,
        }
        for spec, signal in keys.items():
            registry.shortcut(spec, self.table, self._selected_emitter(signal))
        registry.shortcut(NEW_FLAG_ON_LIST, self.table, self.sig_new_flag_requested.emit)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._on_clock_ticked)
        self._clock.start()

    def follow(self, feed: FeedController, units: Callable[[], list[UnitSnapshot]]) -> None:
        """Keep the board current; ``units`` is the unit board's list (connect after it)."""
        self._units = units
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.model.reset(snapshot.flags, snapshot.units)
        self.sig_count_changed.emit(self.model.rowCount())

    def _on_feed_diff_received(self, diff: Diff) -> None:
        changes = diff.unit_changes() + diff.flag_changes()
        if changes:
            self.model.apply_changes(changes)
            self.model.set_units(self._units())
            self.sig_count_changed.emit(self.model.rowCount())

    def selected_flag(self) -> FlagSnapshot | None:
        index = self.table.currentIndex()
        return self.model.flag_at(index.row()) if index.isValid() else None

    def select_flag(self, flag_id: int) -> bool:
        row = self.model.row_of(flag_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _selected_emitter(self, signal: Any) -> Callable[[], None]:
        return lambda: self._emit_selected(signal)

    def _emit_selected(self, signal: Any) -> None:
        flag = self.selected_flag()
        if flag is not None:
            signal.emit(flag)

    def _on_clock_ticked(self) -> None:
        self.model.expire()
        self.table.viewport().update()
