"""``IncidentTableView``: the sortable live list over ``IncidentTableModel``."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.common.table_fit import fit_table
from ui.incidents.filter_proxy import IncidentFilterProxy
from ui.incidents.model import (
    AGE,
    CATEGORY,
    DUE,
    GRADE,
    ID_ROLE,
    PLACE,
    REF,
    SOURCE,
    STATUS,
    SUMMARY,
    IncidentTableModel,
)

DEFAULT_ORDER = (REF, GRADE, STATUS, AGE, DUE, PLACE, CATEGORY, SOURCE, SUMMARY)
# Each column is as wide as its longest usual text at the current font, so neither a
# reference nor a header is cut ("Acknowledged", "SOT-20261202-0026"); Place and
# Category take the widest common names; Summary takes what is left.
_SAMPLES = {
    REF: "SOT-20261202-00000",
    AGE: "10h 59m",
    DUE: "1h39 over",
    GRADE: "G4 Resolution",
    CATEGORY: "Predatory behaviour",
    PLACE: "Harbourlight Club",
    SOURCE: "Licensed premises",
    STATUS: "Duplicate of 0000",
}


class IncidentTableView(QTableView):
    """Newest first by default; emits ``sig_incident_selected`` with the incident id."""

    sig_incident_selected = Signal(int)

    def __init__(self, model: IncidentTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_model = model
        self.proxy = IncidentFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        model.sig_clock_ticked.connect(self._on_model_clock_ticked)
        self.setSortingEnabled(True)
        self.sortByColumn(AGE, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        # Fixed row height: ResizeToContents would measure every row on every change.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # What an operator reads first comes first (a narrow screen scrolls the rest); an
        # operator may drag columns into another order, kept with their layout.
        header.setSectionsMovable(True)
        for visual, column in enumerate(DEFAULT_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        # Rows and columns follow the font (the text scale); Tab moves to the next pane.
        fit_table(self, _SAMPLES)
        self.selectionModel().currentRowChanged.connect(self._on_selection_current_row_changed)

    def _on_selection_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.sig_incident_selected.emit(int(current.data(ID_ROLE)))

    def _on_model_clock_ticked(self) -> None:
        # Only Age and Due move with the clock, and only alerting rows flash. Repainting
        # the whole viewport each second asked the model (Python) for every role of every
        # visible cell: the largest single cost on the GUI thread under load
        # (bench_gui_stall.py).
        viewport = self.viewport()
        viewport.update(self.clock_columns_rect())
        for rect in self.flashing_row_rects():
            viewport.update(rect)

    def clock_columns_rect(self) -> QRect:
        """The Age and Due columns in viewport coordinates (partly off-screen when scrolled)."""
        height = self.viewport().height()
        area = QRect()
        for column in (AGE, DUE):
            if not self.isColumnHidden(column):
                x = self.columnViewportPosition(column)
                area = area.united(QRect(x, 0, self.columnWidth(column), height))
        return area

    def flashing_row_rects(self) -> list[QRect]:
        """The rows on screen whose incident is alerting, in viewport coordinates."""
        viewport = self.viewport()
        first = self.rowAt(0)
        if first < 0 or not self.source_model.any_alerting:
            return []
        last = self.rowAt(viewport.height() - 1)
        if last < 0:
            last = self.proxy.rowCount() - 1
        rects = []
        for row in range(first, last + 1):
            source_row = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if self.source_model.is_alerting(self.source_model.incident_at(source_row).id):
                rects.append(QRect(0, self.rowViewportPosition(row), viewport.width(), self.rowHeight(row)))
        return rects

    def select_incident(self, incident_id: int) -> bool:
        """Select and reveal the row of this incident; False if it is not listed."""
        row = self.source_model.row_of(incident_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.source_model.index(row, 0))
        if not index.isValid():
            return False
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def selected_incident_id(self) -> int | None:
        index = self.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None
