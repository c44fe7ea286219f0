"""``ActivityViewer``: what one user did in one night — the operator activity log, read-only.

A user picker (an operator sees only their own name; a supervisor or auditor may type or
choose anyone's — the core decides, and audits each reading of another's log), a night
picker (tonight by default), a kind and words to narrow it; Enter in any of them shows the
log. Rows in time order: time, kind, what was done (typed text shown inert) and the
incident's reference.

The query is the core's (``controlroom.activity.log.activity_log``), run as a coroutine on
the window's loop: the database driver waits off the GUI thread, as the search panel's
query does. A newer query supersedes one still running. The rows are a result set, not a
live board: each query replaces them whole (a reset is right here).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from controlroom.activity.log import ACTIVITY_KINDS, ActivityItem, ActivityLog, ActivityQuery
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from ui.activity.gateway import ActivityGateway
from ui.common.dialog_parts import error_label
from ui.common.screen_fit import fit_to_screen
from ui.common.table_fit import fit_table
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Time", "Kind", "What", "Incident")
TIME, KIND, WHAT, INCIDENT = range(len(COLUMNS))
VIEWER_WIDTH, VIEWER_HEIGHT = 1150, 680


class ActivityTableModel(QAbstractTableModel):
    """One query's rows, in time order; what people typed is shown inert."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActivityItem] = []

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
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return item_cells(self._rows[index.row()])[index.column()]

    def set_items(self, items: tuple[ActivityItem, ...]) -> None:
        """Replace the rows with a new query's (a result set, not a live feed)."""
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def items(self) -> list[ActivityItem]:
        return list(self._rows)


def item_cells(item: ActivityItem) -> tuple[str, str, str, str]:
    """One line as the table shows it."""
    at = item.at.astimezone(LOCAL_TZ)
    return (f"{at:%H:%M:%S}", item.kind, shown_line(item.text), shown_line(item.incident_reference or ""))


class ActivityViewer(QDialog):
    """Pickers and filters on top, the user's activity under them."""

    sig_shown = Signal(int)  # rows shown (-1: refused); tests and the status bar wait on it

    def __init__(self, gateway: ActivityGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self.setWindowTitle("Activity log")
        self.setObjectName("activityViewer")
        self.shown: ActivityLog | None = None
        self._tasks = TaskSet()
        self._generation = 0
        self._query: asyncio.Future[Any] | None = None
        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        fit_table(self.table, {TIME: "23:59:59", KIND: "dispersal", INCIDENT: "SOT-20261127-0042"})
        # What was done is the widest column: it goes third and the reference last, fixed.
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(
            WHAT, self.table.horizontalHeader().ResizeMode.Stretch
        )
        self.error = error_label()
        self.error.hide()
        self.summary = QLabel("")
        self.summary.setObjectName("formHint")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        fit_to_screen(self, VIEWER_WIDTH, VIEWER_HEIGHT)

    def _filters(self) -> QGridLayout:
        actor = self.gateway.actor
        self.user = QComboBox()
        self.user.addItem(actor.name)
        # Another's log only for a role that may read anyone's; the core refuses the rest anyway.
        self.user.setEditable(self.gateway.may_read_any)
        self.user.setEnabled(self.gateway.may_read_any)
        self.user.setToolTip(
            "Anyone's log: reading another user's is written to the audit trail"
            if self.gateway.may_read_any
            else "Your own activity (an operator reads only their own)"
        )
        self.night = QDateEdit()
        self.night.setCalendarPopup(True)
        self.night.setDisplayFormat("yyyy-MM-dd")
        tonight = self.gateway.tonight()
        self.night.setDate(QDate(tonight.year, tonight.month, tonight.day))
        self.kind = QComboBox()
        self.kind.addItem("any kind", None)
        for kind in ACTIVITY_KINDS:
            self.kind.addItem(kind, kind)
        self.text = QLineEdit()
        self.text.setPlaceholderText("words in what was done")
        self.incident = QLineEdit()
        self.incident.setPlaceholderText("incident reference")
        self.show_button = QPushButton("&Show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.start_query)
        line = self.user.lineEdit()
        for edit in (self.text, self.incident, *((line,) if line is not None else ())):
            edit.returnPressed.connect(self.start_query)
        grid = QGridLayout()
        for column, (text, widget) in enumerate(
            (("&User", self.user), ("&Night", self.night), ("&Kind", self.kind))
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, 2 * column)
            grid.addWidget(widget, 0, 2 * column + 1)
        for column, (text, widget) in enumerate((("&Words", self.text), ("&Incident", self.incident))):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 1, 2 * column)
            grid.addWidget(widget, 1, 2 * column + 1)
        grid.addWidget(self.show_button, 1, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        return grid

    def open_viewer(self) -> None:
        """Show the viewer and the current user's log for the chosen night."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.table.setFocus()
        self._tasks.spawn(self._offer_users())
        self.start_query()

    async def _offer_users(self) -> None:
        """The users who did something that night, as choices (anyone may still be typed)."""
        if not self.gateway.may_read_any:
            return
        try:
            names = await self.gateway.users(self.chosen_night())
        except ControlroomError:
            return  # the picker stays free text; the query itself says what is wrong
        if not shiboken6.isValid(self.user):
            return
        typed = self.user.currentText()
        for name in names:
            if self.user.findText(name) < 0:
                self.user.addItem(name)
        self.user.setCurrentText(typed)

    def chosen_night(self) -> date:
        chosen = self.night.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def query(self) -> ActivityQuery:
        """The query the pickers and filters describe."""
        user = self.user.currentText().strip()
        return ActivityQuery(
            user=None if not user or user == self.gateway.actor.name else user,
            night=self.chosen_night(),
            kind=self.kind.currentData(),
            incident=self.incident.text().strip() or None,
            text=self.text.text().strip() or None,
        )

    def start_query(self) -> asyncio.Future[Any]:
        """Run the query (a newer one supersedes a query still running)."""
        if self._query is not None and not self._query.done():
            self._query.cancel()
        self._generation += 1
        self.summary.setText("Reading…")
        self._query = self._tasks.spawn(self._run(self._generation, self.query()))
        return self._query

    async def _run(self, generation: int, query: ActivityQuery) -> None:
        try:
            log = await self.gateway.log(query)
        except ControlroomError as refusal:
            if shiboken6.isValid(self) and generation == self._generation:
                self._refused(str(refusal))
            return
        if shiboken6.isValid(self) and generation == self._generation:
            self.show_log(log)

    def _refused(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.summary.setText("Nothing shown: see the message above.")
        self.sig_shown.emit(-1)

    def show_log(self, log: ActivityLog) -> None:
        self.error.hide()
        self.shown = log
        self.model.set_items(log.items)
        start, end = log.start.astimezone(LOCAL_TZ), log.end.astimezone(LOCAL_TZ)
        count = len(log.items)
        self.summary.setText(
            f"{shown_line(log.user)}: {count} thing{'' if count == 1 else 's'} done "
            f"{start:%a %d/%m %H:%M} – {end:%a %d/%m %H:%M} (UK time)"
            + ("" if log.user == self.gateway.actor.name else " · this reading is in the audit trail")
        )
        if count:
            self.table.selectRow(0)
        self.sig_shown.emit(count)

    def rows(self) -> list[tuple[str, ...]]:
        """The rows as shown (what a reader sees)."""
        return [item_cells(item) for item in self.model.items()]
