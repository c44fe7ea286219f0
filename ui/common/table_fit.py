"""Tables sized from their font: rows and columns follow the Ctrl+= / Ctrl+- text scale.

A column is as wide as its longest usual text (a sample) or its bold header, whichever
is wider, so neither a reference nor a header is cut; the last column stretches. Rows
have a fixed height (a live table is never measured row by row) taken from the font.
Tab leaves a fitted table instead of walking it cell by cell.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

CELL_PADDING = 16
HEADER_PADDING = 28  # room for the sort indicator beside a bold title
ROW_PADDING = 6
_REFIT_EVENTS = (QEvent.Type.FontChange, QEvent.Type.StyleChange)


def fit_table(table: QTableView, samples: Mapping[int, str]) -> None:
    """Size ``table`` from its font now and whenever its font or style changes."""
    table.setTabKeyNavigation(False)
    vertical = table.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    fitter = _Fitter(table, dict(samples))
    table.installEventFilter(fitter)
    fitter.apply()


def sample_width(table: QTableView, column: int, sample: str) -> int:
    """The width ``column`` needs for ``sample`` and its header title at the current font."""
    title = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
    bold = QFont(table.horizontalHeader().font())
    bold.setBold(True)
    text = table.fontMetrics().horizontalAdvance(sample) + CELL_PADDING
    header = QFontMetrics(bold).horizontalAdvance(title) + HEADER_PADDING
    return max(text, header)


class _Fitter(QObject):
    def __init__(self, table: QTableView, samples: dict[int, str]) -> None:
        super().__init__(table)
        self.table = table
        self.samples = samples

    def apply(self) -> None:
        table = self.table
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING)
        for column, sample in self.samples.items():
            table.setColumnWidth(column, sample_width(table, column, sample))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # While a table is torn down its filter can be called with its Python side already
        # cleared: then there is nothing left to fit.
        table = getattr(self, "table", None)
        if table is not None and watched is table and event.type() in _REFIT_EVENTS:
            self.apply()
        return False
