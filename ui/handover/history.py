"""``HandoverHistoryDialog``: past handovers, searchable by text, user and date (Ctrl+Alt+H).

Type and press Enter in any field: the core lists the handovers (``list_handovers``:
words in the overall notes, the item notes or the items themselves; a user who gave,
was named to take or acknowledged it; given between two dates), newest first. Enter on
a row opens that handover read-only (``HandoverRecordDialog``), P prints it. A date that
does not read, or the core's refusal, stands beside its field. The list is a result set,
replaced whole by each search, never updated from the feed.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import HandoverSnapshot
from ui.common.dialog_parts import error_label
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.handover.gateway import HandoverGateway
from ui.handover.roomy_label import RoomyLabel

COLUMNS = ("Handover", "Given", "By", "To", "Acknowledged", "Overall notes")
COLUMN_WIDTHS = (150, 190, 130, 130, 250)  # "03/12/2026 17:47" whole at 12 pt
WIDTH, HEIGHT = 1150, 640
DATE_HINT = "YYYY-MM-DD"


def history_cells(snapshot: HandoverSnapshot) -> tuple[str, ...]:
    """One handover as a row of the history."""
    given = snapshot.given_at.astimezone(LOCAL_TZ)
    if snapshot.acknowledged_at is not None:
        at = snapshot.acknowledged_at.astimezone(LOCAL_TZ)
        acknowledged = f"{shown_line(snapshot.acknowledged_by)} at {at:%d/%m %H:%M}"
    else:
        acknowledged = "NOT YET"
    return (
        snapshot.reference,
        f"{given:%d/%m/%Y %H:%M}",
        shown_line(snapshot.given_by),
        shown_line(snapshot.to_user) if snapshot.to_user else "anyone",
        acknowledged,
        shown_line(snapshot.notes) or "—",
    )


class HistoryTable(QTableWidget):
    """The handovers found; Enter opens the current one, P prints it."""

    sig_open_requested = Signal(int)  # row
    sig_print_requested = Signal(int)  # row

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        row = self.currentRow()
        if row >= 0 and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.sig_open_requested.emit(row)
                return
            if event.key() == Qt.Key.Key_P:
                self.sig_print_requested.emit(row)
                return
        super().keyPressEvent(event)


class HandoverHistoryDialog(QDialog):
    """Search fields and the handovers found; ``sig_open_requested`` / ``sig_print_requested``."""

    sig_open_requested = Signal(int)  # handover id
    sig_print_requested = Signal(int)  # handover id
    sig_searched = Signal(int)  # how many were found; -1 refused (tests wait on it)

    def __init__(self, gateway: HandoverGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Handover history")
        self.setObjectName("handoverHistory")
        self.gateway = gateway
        self.found: list[HandoverSnapshot] = []
        self._tasks = TaskSet()
        self._search: asyncio.Future[Any] | None = None
        self.text = QLineEdit()
        self.text.setPlaceholderText("words in the notes or the items — Enter searches")
        self.user = QLineEdit()
        self.user.setPlaceholderText("who gave, was to take or acknowledged it")
        self.since, self.until = QLineEdit(), QLineEdit()
        for edit in (self.since, self.until):
            edit.setPlaceholderText(DATE_HINT)
        self.errors = {name: error_label() for name in ("text", "user", "since", "until")}
        self.form = QFormLayout()
        for label, name, widget in (
            ("&Search", "text", self.text),
            ("&User", "user", self.user),
            ("&From", "since", self.since),
            ("T&o", "until", self.until),
        ):
            title = RoomyLabel(label)
            title.setBuddy(widget)
            self.form.addRow(title, widget)
            self.form.addRow("", self.errors[name])
            self.form.setRowVisible(self.errors[name], False)
            widget.returnPressed.connect(lambda: self.start_search())
        self.summary = QLabel("")
        self.summary.setObjectName("formHint")
        self.results = HistoryTable(0, len(COLUMNS))
        self.results.setHorizontalHeaderLabels(COLUMNS)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.results.setColumnWidth(column, width)
        self.results.sig_open_requested.connect(self._on_results_open_requested)
        self.results.sig_print_requested.connect(self._on_results_print_requested)
        self.results.cellDoubleClicked.connect(lambda row, _column: self._on_results_open_requested(row))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        fit_to_screen(self, WIDTH, HEIGHT)

    def open_history(self) -> None:
        """Show the dialog with the search text ready, and the latest handovers listed."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus()
        self.text.selectAll()
        self.start_search(focus_results=False)

    def say(self, field: str, message: str) -> None:
        label = self.errors.get(field, self.errors["text"])
        label.setText(message)
        self.form.setRowVisible(label, bool(message))

    def _dates(self) -> tuple[date | None, date | None] | None:
        days: list[date | None] = []
        for name, edit in (("since", self.since), ("until", self.until)):
            typed = edit.text().strip()
            try:
                days.append(date.fromisoformat(typed) if typed else None)
            except ValueError:
                self.say(name, f"{typed!r} is not a date; write e.g. 2026-11-27")
                edit.setFocus()
                return None
        return days[0], days[1]

    def start_search(self, *, focus_results: bool = True) -> asyncio.Future[Any] | None:
        """Search with the fields as typed; the results take the keyboard if ``focus_results``."""
        for name in self.errors:
            self.say(name, "")
        dates = self._dates()
        if dates is None:
            self.sig_searched.emit(-1)
            return None
        if self._search is not None and not self._search.done():
            self._search.cancel()  # a newer search replaces it
        self.summary.setText("Searching…")
        text, user = self.text.text().strip() or None, self.user.text().strip() or None
        self._search = self._tasks.spawn(self._run(text, user, *dates, focus_results))
        return self._search

    async def _run(
        self, text: str | None, user: str | None, since: date | None, until: date | None, focus: bool
    ) -> None:
        try:
            found = await self.gateway.search(text, user, since, until)
        except ControlroomError as refused:
            if shiboken6.isValid(self):
                message = str(refused)
                lower = message.lower()
                field = "until" if "to date" in lower or "backwards" in lower else "text"
                self.say("since" if "from date" in lower else field, message)
                self.summary.setText("Nothing searched: see the message above.")
                self.sig_searched.emit(-1)
            return
        if shiboken6.isValid(self):
            self.show_found(found)
            if found and focus:
                self.results.setFocus()

    def show_found(self, found: list[HandoverSnapshot]) -> None:
        """Replace the rows with ``found`` (a new result set)."""
        self.found = found
        self.results.setRowCount(len(found))
        for row, snapshot in enumerate(found):
            for column, value in enumerate(history_cells(snapshot)):
                self.results.setItem(row, column, QTableWidgetItem(value))
        count = len(found)
        self.summary.setText(
            f"{count} handover{'s' * (count != 1)} found — Enter opens one, P prints it"
            if count
            else "No handover found"
        )
        if found:
            self.results.setCurrentCell(0, 0)
        self.sig_searched.emit(count)

    def _on_results_open_requested(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self.sig_open_requested.emit(self.found[row].id)

    def _on_results_print_requested(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self.sig_print_requested.emit(self.found[row].id)
