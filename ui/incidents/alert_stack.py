"""``AlertStack``: every alert in rank order, with its count and an action per line.

The lines come from ``AlertStackModel``, which ``AlertController`` re-ranks on every
diff and once a second (ages move, breaches begin). The model applies each new ranking
as moves, inserts and removals plus one ``dataChanged`` over its (few dozen) rows — never
a reset — so the selected line and the keyboard focus stay put while lines arrive, and
a second's refresh repaints only the lines on screen (``bench_gui_stall.py``: 50 lines
and 10,000 incidents). One ``QListView`` with a painted delegate, not a widget per line.

Keys on the stack: Up/Down (and Page Up/Down, Home, End) move and select the line's
incident in the list — and so the detail and the map — as an operator expects a cursor
to; Enter selects it again (after the list's selection went elsewhere); A acknowledges,
U records a reporter update; F8 anywhere in the window jumps to the top line. The line
being read paints its own Acknowledge / Update buttons (``alert_line``). Every Grade 1
line has a red ground and bar (pulsing while it waits); a breach says how far over it is
in amber. An overdue-step line selects its incident like an incident line (A and U do
nothing on it); Enter on (or a click on) a handover line opens that handover
(``sig_handover_opened``), whose acknowledgement takes the line off every console.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from controlroom.incidents.alerts import INCIDENT_KINDS, AlertEntry, AlertKind
from ui.common.actions import ActionRegistry
from ui.incidents.action_specs import ALERT_ACKNOWLEDGE, ALERT_CALLER_UPDATE, ALERT_JUMP, ALERT_SELECT
from ui.incidents.alert_line import ENTRY_ROLE, ID_ROLE, KIND_ROLE, AlertLineDelegate, Index, line_text

_TEXT_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, KIND_ROLE, ENTRY_ROLE]
VISIBLE_LINES = 5  # the dock's natural height: five lines under the count
PULSE_MS = 500


def count_text(counts: dict[AlertKind, int]) -> str:
    """``4 alerts — 1 G1 · 1 over target · 1 G2 · 1 step overdue``; ``No alerts``.

    Each count is of lines: an incident with a step overdue and a breach counts once in each.
    """
    total = sum(counts.values())
    if total == 0:
        return "No alerts"
    names = (
        (AlertKind.G1, "G1", "G1"),
        (AlertKind.BREACH, "over target", "over target"),
        (AlertKind.G2, "G2", "G2"),
        (AlertKind.STEP_OVERDUE, "step overdue", "steps overdue"),
        (AlertKind.HANDOVER, "handover", "handovers"),
    )
    parts = " · ".join(
        f"{counts[kind]} {one if counts[kind] == 1 else many}" for kind, one, many in names if counts[kind]
    )
    return f"{total} alert{'s' * (total != 1)} — {parts}"


class AlertStackModel(QAbstractListModel):
    """The ranked alerts; ``set_entries`` applies a new ranking without a reset."""

    sig_count_changed = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[AlertEntry] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._entries):
            return None
        entry = self._entries[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return line_text(entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Qt reads tooltips that look like HTML as rich text: the place was typed.
            return "<qt>" + html.escape(line_text(entry)) + "</qt>"
        if role == KIND_ROLE:
            return entry.kind.value
        if role == ID_ROLE:
            return entry.incident_id
        if role == ENTRY_ROLE:
            return entry
        return None

    def entries(self) -> list[AlertEntry]:
        return list(self._entries)

    def entry_at(self, row: int) -> AlertEntry:
        return self._entries[row]

    def row_of(self, incident_id: int) -> int | None:
        """The row of the incident's own line (G1, breach or G2), if it has one."""
        key = ("incident", incident_id)
        return next((r for r, e in enumerate(self._entries) if e.key == key), None)

    def counts(self) -> dict[AlertKind, int]:
        counts = dict.fromkeys(AlertKind, 0)
        for entry in self._entries:
            counts[entry.kind] += 1
        return counts

    def set_entries(self, entries: Sequence[AlertEntry]) -> None:
        """Show ``entries`` in this order: removals, then moves and inserts, then one repaint."""
        before = len(self._entries)
        wanted = {entry.key for entry in entries}
        gone = [row for row, entry in enumerate(self._entries) if entry.key not in wanted]
        for row in reversed(gone):  # descending: earlier rows keep their numbers
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._entries[row]
            self.endRemoveRows()
        keys = [entry.key for entry in self._entries]
        for target, entry in enumerate(entries):
            if target < len(keys) and keys[target] == entry.key:
                self._entries[target] = entry
                continue
            current = keys.index(entry.key) if entry.key in keys else None
            if current is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._entries.insert(target, entry)
                keys.insert(target, entry.key)
                self.endInsertRows()
            else:  # always further down: every row above ``target`` is already in place
                self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
                del self._entries[current], keys[current]
                self._entries.insert(target, entry)
                keys.insert(target, entry.key)
                self.endMoveRows()
        if self._entries:
            # Ages move every second: one signal for the few dozen lines, painted only if shown.
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1), _TEXT_ROLES)
        if len(self._entries) != before:
            self.sig_count_changed.emit(len(self._entries))


class AlertListView(QListView):
    """The stack's lines; ``sig_current_moved(int)``: a key moved the cursor to this row.

    Only keys count: a line that moves because the ranking changed, or the cursor that
    Qt moves when the current line is acknowledged away, must not pull the list's
    selection from under the operator.
    """

    sig_current_moved = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        before = self.currentIndex().row()
        super().keyPressEvent(event)
        after = self.currentIndex()
        if after.isValid() and after.row() != before:
            self.sig_current_moved.emit(after.row())


class AlertStack(QWidget):
    """The ranked alerts as a dock-sized list under their count.

    ``sig_incident_selected(int)``: select this incident in the list (moving onto its
    line with the keys, Enter, a click, F8).
    ``sig_acknowledge_requested(IncidentSnapshot)``: acknowledge it (A, its button).
    ``sig_caller_update_requested(IncidentSnapshot)``: record a reporter update (U, its button).
    ``sig_handover_opened(int)``: open this handover (Enter or a click on its line).
    """

    sig_incident_selected = Signal(int)
    sig_handover_opened = Signal(int)  # HandoverSnapshot.id
    sig_acknowledge_requested = Signal(object)  # IncidentSnapshot
    sig_caller_update_requested = Signal(object)  # IncidentSnapshot

    def __init__(
        self,
        model: AlertStackModel,
        *,
        registry: ActionRegistry | None = None,
        window: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertStack")
        self.model = model
        self.count = QLabel("No alerts")
        self.count.setObjectName("alertCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        # Five kinds counted no longer fit one line of a narrow dock: the count wraps, never cut.
        self.count.setWordWrap(True)
        self.list = AlertListView()
        self.list.setObjectName("alertList")
        self.list.setModel(model)
        self.list.setUniformItemSizes(True)  # one line height: no measuring per line
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMouseTracking(True)  # a line's buttons show under the mouse
        self.list.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.delegate = AlertLineDelegate(
            self,
            may_acknowledge=self.may_acknowledge,  # the keys' state, bound below
            may_record_update=self.may_record_update,
            acknowledge=self.sig_acknowledge_requested.emit,
            record_update=self.sig_caller_update_requested.emit,
        )
        self.list.setItemDelegate(self.delegate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        self._pulse = QTimer(self)
        self._pulse.setInterval(PULSE_MS)
        self._pulse.timeout.connect(self._on_pulse_timeout)
        self.list.clicked.connect(self._on_list_clicked)
        self.list.sig_current_moved.connect(self._on_list_current_moved)
        model.rowsInserted.connect(self._on_model_rows_changed)
        model.rowsRemoved.connect(self._on_model_rows_changed)
        model.rowsMoved.connect(self._on_model_rows_changed)
        model.modelReset.connect(self._on_model_rows_changed)
        # A line can change kind in place (a Grade 2 running over target): recount.
        model.dataChanged.connect(self._on_model_rows_changed)
        self._bind(registry or ActionRegistry(self), window or self)
        self._on_model_rows_changed()

    def _bind(self, registry: ActionRegistry, window: QWidget) -> None:
        self.jump_key = registry.shortcut(
            ALERT_JUMP, window, self.jump_to_top, Qt.ShortcutContext.WindowShortcut
        )
        self.select_key = registry.shortcut(ALERT_SELECT, self.list, self.select_current)
        self.acknowledge_key = registry.shortcut(ALERT_ACKNOWLEDGE, self.list, self.acknowledge_current)
        self.update_key = registry.shortcut(ALERT_CALLER_UPDATE, self.list, self.record_update_current)

    # -- what the role may do (the registry enables or disables the keys) ----------

    def may_acknowledge(self) -> bool:
        return self.acknowledge_key.isEnabled()

    def may_record_update(self) -> bool:
        return self.update_key.isEnabled()

    # -- size: a dock of about five lines ----------------------------------------

    def line_height(self) -> int:
        return self.delegate.line_height()

    def sizeHint(self) -> QSize:  # noqa: N802
        lines = VISIBLE_LINES if self.model.rowCount() else 0
        return QSize(420, self.count.sizeHint().height() + lines * self.line_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        lines = 2 if self.model.rowCount() else 0
        return QSize(260, self.count.sizeHint().height() + lines * self.line_height() + 4)

    # -- actions on the current line --------------------------------------------

    def current_entry(self) -> AlertEntry | None:
        index = self.list.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() else None

    def jump_to_top(self) -> AlertEntry | None:
        """Make the top line current, give it the keyboard and select its incident (a
        handover on top is only made current: Enter opens it)."""
        if self.model.rowCount() == 0:
            return None
        self.list.setCurrentIndex(self.model.index(0))
        self.list.scrollToTop()
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        entry = self.model.entry_at(0)
        if entry.incident_id is not None:
            self.sig_incident_selected.emit(entry.incident_id)
        return entry

    def select_current(self) -> AlertEntry | None:
        """Select the line's incident (Enter), or open its handover."""
        entry = self.current_entry()
        if entry is not None:
            self._open(entry)
        return entry

    def _open(self, entry: AlertEntry) -> None:
        if entry.handover_id is not None:
            self.sig_handover_opened.emit(entry.handover_id)
        elif entry.incident_id is not None:
            self.sig_incident_selected.emit(entry.incident_id)

    def acknowledge_current(self) -> None:
        entry = self.current_entry()
        if entry is not None and entry.unacknowledged:
            self.sig_acknowledge_requested.emit(entry.incident)

    def record_update_current(self) -> None:
        entry = self.current_entry()
        if entry is not None and entry.kind in INCIDENT_KINDS:
            self.sig_caller_update_requested.emit(entry.incident)

    def lines(self) -> list[str]:
        """The lines as shown, top first (plain text)."""
        return [line_text(entry) for entry in self.model.entries()]

    # -- model and clock --------------------------------------------------------

    def _on_list_clicked(self, index: QModelIndex) -> None:
        self._open(self.model.entry_at(index.row()))

    def _on_list_current_moved(self, row: int) -> None:
        # Moving onto a handover line only reads it: Enter opens it.
        incident_id = self.model.entry_at(row).incident_id
        if incident_id is not None:
            self.sig_incident_selected.emit(incident_id)

    def _on_model_rows_changed(self, *_args: object) -> None:
        counts = self.model.counts()
        total = sum(counts.values())
        text = count_text(counts)
        if text == self.count.text() and self.list.isHidden() == (total == 0):
            return  # the once-a-second refresh: nothing to lay out again
        self.count.setText(text)
        self.count.setProperty("alerting", bool(counts[AlertKind.G1]))
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.list.setVisible(total > 0)
        self.updateGeometry()
        if counts[AlertKind.G1] and not self._pulse.isActive():
            self._pulse.start()
        elif not counts[AlertKind.G1]:
            self._pulse.stop()
            self.delegate.pulse_on = False

    def _on_pulse_timeout(self) -> None:
        # Only the lines on screen repaint; nothing in the model changes.
        self.delegate.pulse_on = not self.delegate.pulse_on
        if self.isVisible():
            self.list.viewport().update()
