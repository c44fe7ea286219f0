"""``SearchPanel``: every night's incidents by their words, keyboard first.

Type, press Enter: the core searches (``controlroom.search``) through the ``SearchGateway``
and the results fill the list, best match first. Enter (or a double click) on a result
asks to open it: the window selects it on the board if it is listed there, else shows it
read-only (``ReadOnlyIncident``). A refusal stands beside the field it is about, in the
command line's words. The list is a result set, not a live board: it is replaced whole by
each search, never updated from the feed.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from controlroom.core.domain import Category, LabelledEnum, Source, Status
from controlroom.core.errors import ControlroomError
from controlroom.incidents.queries import label_of
from controlroom.search.filters import SearchFilterError, SearchFilters
from controlroom.search.query import SearchHit, local_time
from ui.common.dialog_parts import error_label
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.search.gateway import SearchGateway

COLUMNS = ("Reference", "Reported", "Grade", "Status", "Venue", "Found in")
DATE_HINT = "YYYY-MM-DD"


class ResultsTable(QTableWidget):
    """The results; Enter opens the current one (Qt would move to the next row)."""

    sig_open_requested = Signal(int)  # row

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.sig_open_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class SearchPanel(QDialog):
    """Search text, filters and results; ``sig_open_requested`` carries the chosen hit."""

    sig_open_requested = Signal(object)  # SearchHit
    sig_searched = Signal(int)  # how many were found (tests and the status bar wait on it)

    def __init__(self, gateway: SearchGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search every night")
        self.gateway = gateway
        self.hits: list[SearchHit] = []
        self._tasks = TaskSet()
        self._search: asyncio.Future[Any] | None = None
        self.text = QLineEdit()
        self.text.setPlaceholderText("words, a place or a reference — Enter searches")
        self.night_from, self.night_to = QLineEdit(), QLineEdit()
        for edit in (self.night_from, self.night_to):
            edit.setPlaceholderText(DATE_HINT)
        self.category, self.source, self.status = _choices(Category), _choices(Source), _choices(Status)
        self.grade = QComboBox()
        self.grade.addItem("any", None)
        for grade in (1, 2, 3, 4):
            self.grade.addItem(f"G{grade}", grade)
        self.venue = QLineEdit()
        self.venue.setPlaceholderText("venue name")
        self.errors = {name: error_label() for name in ("text", "night_from", "night_to", "venue", "grade")}
        self.errors |= {name: error_label() for name in ("category", "source", "status")}
        form = self.form = QFormLayout()
        for label, name, widget in (
            ("Search", "text", self.text),
            ("From night", "night_from", self.night_from),
            ("To night", "night_to", self.night_to),
            ("Category", "category", self.category),
            ("Grade", "grade", self.grade),
            ("Venue", "venue", self.venue),
            ("Source", "source", self.source),
            ("Status", "status", self.status),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[name])
            form.setRowVisible(self.errors[name], False)  # an empty message takes no room
        for edit in (self.text, self.night_from, self.night_to, self.venue):
            edit.returnPressed.connect(self.start_search)
        self.summary = QLabel("")
        self.results = ResultsTable(0, len(COLUMNS))
        self.results.setHorizontalHeaderLabels(COLUMNS)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.sig_open_requested.connect(self._on_results_open_requested)
        self.results.cellDoubleClicked.connect(lambda row, _column: self._on_results_open_requested(row))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self.resize(1100, 760)

    def open_panel(self) -> None:
        """Show the panel with the search text ready to type over."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus()
        self.text.selectAll()

    def filters(self) -> SearchFilters | None:
        """The filters as typed; a date that does not read is said beside its field (None)."""
        nights: dict[str, date | None] = {}
        for name, edit in (("night_from", self.night_from), ("night_to", self.night_to)):
            typed = edit.text().strip()
            try:
                nights[name] = date.fromisoformat(typed) if typed else None
            except ValueError:
                self.say(name, f"{typed!r} is not a date; write e.g. 2026-11-27")
                return None
        return SearchFilters(
            night_from=nights["night_from"],
            night_to=nights["night_to"],
            category=self.category.currentData(),
            grade=self.grade.currentData(),
            venue=self.venue.text().strip() or None,
            source=self.source.currentData(),
            status=self.status.currentData(),
        )

    def say(self, field: str, message: str) -> None:
        """``message`` beside ``field`` (the search text when the field is not one of the panel's)."""
        label = self.errors.get(field, self.errors["text"])
        label.setText(message)
        self.form.setRowVisible(label, bool(message))

    def start_search(self) -> None:
        for name in self.errors:
            self.say(name, "")
        filters = self.filters()
        if filters is None:
            return
        if self._search is not None and not self._search.done():
            self._search.cancel()  # a newer search replaces it
        self.summary.setText("Searching…")
        self._search = self._tasks.spawn(self._run(self.text.text(), filters))

    async def _run(self, text: str, filters: SearchFilters) -> None:
        try:
            hits = await self.gateway.search(text, filters)
        except SearchFilterError as refused:
            self._refused(refused.field, str(refused))
            return
        except ControlroomError as refused:
            self._refused("text", str(refused))
            return
        self.show_hits(hits)

    def _refused(self, field: str, message: str) -> None:
        self.say(field, message)
        self.summary.setText("Nothing searched: see the message above.")
        self.sig_searched.emit(-1)

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Replace the results with ``hits`` (a new result set, not a change to the old one)."""
        self.hits = hits
        self.results.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            grade = f"G{hit.grade}" if hit.grade else "–"
            cells = (
                hit.reference,
                local_time(hit.reported_at),
                grade,
                label_of(Status, hit.status),
                hit.venue or "–",
                hit.snippet,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(shown_line(value))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.results.setItem(row, column, item)
        self.results.resizeColumnsToContents()
        self.summary.setText(f"{len(hits)} incident{'' if len(hits) == 1 else 's'} found — Enter opens one")
        if hits:
            self.results.setCurrentCell(0, 0)
            self.results.setFocus()
        self.sig_searched.emit(len(hits))

    def _on_results_open_requested(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.sig_open_requested.emit(self.hits[row])


def _choices(kind: type[LabelledEnum]) -> QComboBox:
    box = QComboBox()
    box.addItem("any", None)
    for member in kind:
        box.addItem(member.label, member.value)
    return box
