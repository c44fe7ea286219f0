"""``AlertStack``: every alert in rank order, with its count and an action per line.

The lines come from ``AlertStackModel``, which ``AlertController`` re-ranks on every
diff and once a second (ages move, breaches begin). The model applies each new ranking
as moves, inserts and removals plus one ``dataChanged`` over its (few dozen) rows — never
a reset — so the selected line and the keyboard focus stay put while lines arrive, and
a second's refresh repaints only the lines on screen (``bench_gui_stall.py``: 50 lines
and 10,000 incidents). One ``QListView`` with a painted delegate, not a widget per line.

Keys on the stack: Up/Down move, Enter selects the incident in the list, A acknowledges,
U records a reporter update; F8 anywhere in the window jumps to the top line. Each line
also paints its own Acknowledge / Update buttons. A Grade 1 line has a red ground and a
bar that pulses; a breach says how far over it is in amber.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from controlroom.incidents.alerts import AlertEntry, AlertKind
from ui.common import theme
from ui.common.actions import ActionRegistry
from ui.common.formatting import format_age
from ui.incidents.action_specs import ALERT_ACKNOWLEDGE, ALERT_CALLER_UPDATE, ALERT_JUMP, ALERT_SELECT

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 3
_TEXT_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, KIND_ROLE, ENTRY_ROLE]
VISIBLE_LINES = 5  # the dock's natural height: five lines under the count
PULSE_MS = 500
BAR_WIDTH = 6
LINE_PADDING = 10
Index = QModelIndex | QPersistentModelIndex


def format_over(over_seconds: float) -> str:
    """``39 min over``, ``1 h 51 min over`` (whole minutes: read from across the room)."""
    minutes = int(over_seconds // 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min over"
    return f"{minutes} min over"


def clock_text(entry: AlertEntry) -> str:
    """What the line says about time: how far over target if it is, else its age."""
    if entry.over is not None:
        return format_over(entry.over.total_seconds())
    return format_age(entry.age.total_seconds())


def count_text(counts: dict[AlertKind, int]) -> str:
    """``3 alerts — 1 G1 · 1 over target · 1 G2``; ``No alerts``."""
    total = sum(counts.values())
    if total == 0:
        return "No alerts"
    names = ((AlertKind.G1, "G1"), (AlertKind.BREACH, "over target"), (AlertKind.G2, "G2"))
    parts = " · ".join(f"{counts[kind]} {name}" for kind, name in names if counts[kind])
    return f"{total} alert{'s' * (total != 1)} — {parts}"


def line_text(entry: AlertEntry) -> str:
    grade = f"G{entry.grade}" if entry.grade is not None else "G?"
    return f"{grade}  {entry.reference}  {entry.place}  ·  {clock_text(entry)}"


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
        return next((r for r, e in enumerate(self._entries) if e.incident_id == incident_id), None)

    def counts(self) -> dict[AlertKind, int]:
        counts = dict.fromkeys(AlertKind, 0)
        for entry in self._entries:
            counts[entry.kind] += 1
        return counts

    def set_entries(self, entries: Sequence[AlertEntry]) -> None:
        """Show ``entries`` in this order: removals, then moves and inserts, then one repaint."""
        before = len(self._entries)
        wanted = {entry.incident_id for entry in entries}
        gone = [row for row, entry in enumerate(self._entries) if entry.incident_id not in wanted]
        for row in reversed(gone):  # descending: earlier rows keep their numbers
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._entries[row]
            self.endRemoveRows()
        ids = [entry.incident_id for entry in self._entries]
        for target, entry in enumerate(entries):
            if target < len(ids) and ids[target] == entry.incident_id:
                self._entries[target] = entry
                continue
            current = ids.index(entry.incident_id) if entry.incident_id in ids else None
            if current is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._entries.insert(target, entry)
                ids.insert(target, entry.incident_id)
                self.endInsertRows()
            else:  # always further down: every row above ``target`` is already in place
                self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
                del self._entries[current], ids[current]
                self._entries.insert(target, entry)
                ids.insert(target, entry.incident_id)
                self.endMoveRows()
        if self._entries:
            # Ages move every second: one signal for the few dozen lines, painted only if shown.
            self.dataChanged.emit(self.index(0), self.index(len(self._entries) - 1), _TEXT_ROLES)
        if len(self._entries) != before:
            self.sig_count_changed.emit(len(self._entries))


class AlertLineDelegate(QStyledItemDelegate):
    """Paints a line: kind bar, reference, grade, place, clock, and its two buttons."""

    def __init__(self, stack: AlertStack) -> None:
        super().__init__(stack)
        self.stack = stack
        self.pulse_on = False
        self._colours = {
            "bar_g1": QColor(theme.ALERT_G1),
            "pulse": QColor(theme.ALERT_G1_PULSE),
            "g1_line": QColor(theme.ALERT_G1_LINE),
            "g2": QColor(theme.ALERT_G2),
            "breach": QColor(theme.ALERT_BREACH),
            "text": QColor(theme.TEXT),
            "muted": QColor(theme.MUTED),
            "selection": QColor(theme.SELECTION),
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(200, self.stack.line_height())

    def button_rects(self, rect: QRect) -> tuple[QRect, QRect]:
        """(Acknowledge, Update) at the right of a line."""
        metrics = self.stack.fontMetrics()
        height = rect.height() - 8
        ack_w = metrics.horizontalAdvance(ACK_TEXT) + 16
        upd_w = metrics.horizontalAdvance(UPDATE_TEXT) + 16
        update = QRect(rect.right() - upd_w - 4, rect.top() + 4, upd_w, height)
        ack = QRect(update.left() - ack_w - 4, rect.top() + 4, ack_w, height)
        return ack, update

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        entry: AlertEntry = index.data(ENTRY_ROLE)
        rect = QRect(option.rect)
        colours = self._colours
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, colours["selection"])
        elif entry.kind is AlertKind.G1:
            painter.fillRect(rect, colours["g1_line"])
        if entry.kind is AlertKind.G1:
            bar = colours["pulse"] if self.pulse_on else colours["bar_g1"]
        else:
            bar = colours["breach"] if entry.kind is AlertKind.BREACH else colours["g2"]
        painter.fillRect(QRect(rect.left(), rect.top(), BAR_WIDTH, rect.height()), bar)
        ack, update = self.button_rects(rect)
        # Buttons on the line being read (current or under the mouse) only: on a dock of
        # 420 px they would leave the other lines no room for the place.
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        buttons = selected or hovered
        show_ack = buttons and entry.unacknowledged and self.stack.may_acknowledge()
        show_update = buttons and self.stack.may_record_update()
        right = ack.left() if show_ack else update.left() if show_update else rect.right()
        self._paint_text(painter, rect, right - 8, entry)
        if show_ack:
            self._paint_button(painter, ack, ACK_TEXT)
        if show_update:
            self._paint_button(painter, update, UPDATE_TEXT)
        painter.restore()

    def _paint_text(self, painter: QPainter, rect: QRect, right: int, entry: AlertEntry) -> None:
        metrics = self.stack.fontMetrics()
        left = rect.left() + BAR_WIDTH + 8
        clock = clock_text(entry)
        clock_w = metrics.horizontalAdvance(clock)
        bold = QFont(self.stack.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self._colours["text"])
        head = f"G{entry.grade}  {entry.reference}" if entry.grade is not None else entry.reference
        head_w = painter.fontMetrics().horizontalAdvance(head)
        middle = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(left, rect.top(), head_w, rect.height()), middle, head)
        painter.setFont(self.stack.font())
        clock_x = right - clock_w
        if entry.over is not None:
            painter.setPen(self._colours["breach"])
        painter.drawText(QRect(clock_x, rect.top(), clock_w, rect.height()), middle, clock)
        place_x = left + head_w + 12
        place = metrics.elidedText(entry.place, Qt.TextElideMode.ElideRight, max(0, clock_x - 12 - place_x))
        painter.setPen(self._colours["muted"])
        painter.drawText(QRect(place_x, rect.top(), clock_x - place_x, rect.height()), middle, place)

    def _paint_button(self, painter: QPainter, rect: QRect, text: str) -> None:
        option = QStyleOptionButton()
        option.rect = rect
        option.text = text
        option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        style = self.stack.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, option, painter, self.stack)

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: Index) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        entry: AlertEntry = index.data(ENTRY_ROLE)
        ack, update = self.button_rects(QRect(option.rect))
        point = event.position().toPoint()
        if ack.contains(point) and entry.unacknowledged and self.stack.may_acknowledge():
            self.stack.sig_acknowledge_requested.emit(entry.incident)
            return True
        if update.contains(point) and self.stack.may_record_update():
            self.stack.sig_caller_update_requested.emit(entry.incident)
            return True
        return False


ACK_TEXT = "Acknowledge"
UPDATE_TEXT = "Update…"


class AlertStack(QWidget):
    """The ranked alerts as a dock-sized list under their count.

    ``sig_incident_selected(int)``: select this incident in the list (Enter, a click, F8).
    ``sig_acknowledge_requested(IncidentSnapshot)``: acknowledge it (A, its button).
    ``sig_caller_update_requested(IncidentSnapshot)``: record a reporter update (U, its button).
    """

    sig_incident_selected = Signal(int)
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
        self.list = QListView()
        self.list.setObjectName("alertList")
        self.list.setModel(model)
        self.list.setUniformItemSizes(True)  # one line height: no measuring per line
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMouseTracking(True)  # a line's buttons show under the mouse
        self.list.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.delegate = AlertLineDelegate(self)
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
        return self.fontMetrics().height() + LINE_PADDING

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
        """Make the top line current, give it the keyboard and select its incident."""
        if self.model.rowCount() == 0:
            return None
        self.list.setCurrentIndex(self.model.index(0))
        self.list.scrollToTop()
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.select_current()

    def select_current(self) -> AlertEntry | None:
        entry = self.current_entry()
        if entry is not None:
            self.sig_incident_selected.emit(entry.incident_id)
        return entry

    def acknowledge_current(self) -> None:
        entry = self.current_entry()
        if entry is not None and entry.unacknowledged:
            self.sig_acknowledge_requested.emit(entry.incident)

    def record_update_current(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.sig_caller_update_requested.emit(entry.incident)

    def lines(self) -> list[str]:
        """The lines as shown, top first (plain text)."""
        return [line_text(entry) for entry in self.model.entries()]

    # -- model and clock --------------------------------------------------------

    def _on_list_clicked(self, index: QModelIndex) -> None:
        self.sig_incident_selected.emit(self.model.entry_at(index.row()).incident_id)

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
