"""``DecisionTableModel``: tonight's decisions from the feed, newest first, applied as diffs.

The snapshot fills it (``Snapshot.decisions``); each decision change upserts one row: a new
decision is inserted where its time sorts (the top, nearly always), a known one is replaced
in place with ``dataChanged`` for its row — that is how "revised by D-…" arrives, because the
core sends the revised entry again with ``revised_by`` filled in. Decisions are never removed
(the log is append-only); nothing resets the model but a resynchronisation.

``DecisionFilter`` narrows the list by words (any part of a decision, its author or links) and
by a linked incident, without touching the model.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.snapshots import DecisionLink, DecisionSnapshot
from ui.common import theme
from ui.common.typed_text import shown_line

Index = QModelIndex | QPersistentModelIndex
# What a docked list (about 500 px at 1366x768) must show first: which, when, what, and whether
# it still stands; who and what it concerns scroll in beside them.
COLUMNS = ("Ref", "Time", "Subject", "Revision", "By", "Links")
REFERENCE, TIME, SUBJECT, REVISION, AUTHOR, LINKS = range(len(COLUMNS))
DECISION_ROLE = Qt.ItemDataRole.UserRole + 1
# Qt 6.10 brought beginFilterChange()/endFilterChange(Rows) in place of invalidateRowsFilter(),
# deprecated since; pyproject still admits PySide6 6.8 (as ui.incidents.filter_proxy does).
_HAS_FILTER_CHANGE = hasattr(QSortFilterProxyModel, "endFilterChange")


def short_reference(reference: str | None) -> str:
    """``D-2026-0003`` as the list shows it: ``D-0003`` (the year is tonight's)."""
    if not reference:
        return ""
    parts = reference.split("-")
    return f"{parts[0]}-{parts[-1]}" if len(parts) == 3 else reference


def link_words(link: DecisionLink) -> str:
    """One link as people read it: ``SOT-20261127-0042``, ``zone Bargate``, ``night 27/11``."""
    label = shown_line(link.label)
    if link.kind == "incident":
        return label
    if link.kind == "night":
        try:
            _year, month, day = (int(p) for p in link.label.split("-"))
        except ValueError:
            return f"night {label}"
        return f"night {day:02d}/{month:02d}"
    return f"{link.kind} {label}"


def revision_words(decision: DecisionSnapshot) -> str:
    """ "revises D-0001", "revised by D-0004", or both; "" for a decision that stands alone."""
    words = []
    if decision.revises_reference:
        words.append(f"revises {short_reference(decision.revises_reference)}")
    if decision.revised_by:
        words.append("revised by " + ", ".join(short_reference(r) for r in decision.revised_by))
    return " · ".join(words)


def _key(decision: DecisionSnapshot) -> tuple[float, int]:
    # Newest first: bisect on the negated time and id keeps the list in that order.
    return (-decision.recorded_at.timestamp(), -decision.id)


class DecisionTableModel(QAbstractTableModel):
    """Decisions newest first; a change replaces its row or inserts one where it sorts."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[DecisionSnapshot] = []
        self._keys: list[tuple[float, int]] = []
        self._superseded = QBrush(QColor(theme.MUTED))
        self._revised_mark = QBrush(QColor(theme.AMBER))

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
        decision, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(decision, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == REFERENCE:
                return decision.reference
            return self.text(decision, column)
        if role == Qt.ItemDataRole.ForegroundRole and decision.revised_by:
            # A revised decision stays listed (append-only) but reads as superseded.
            return self._revised_mark if column == REVISION else self._superseded
        if role == DECISION_ROLE:
            return decision
        return None

    @staticmethod
    def text(decision: DecisionSnapshot, column: int) -> str:
        """A cell's words; what people typed is shown inert (``shown_line``)."""
        if column == REFERENCE:
            return short_reference(decision.reference)
        if column == TIME:
            return f"{decision.recorded_at.astimezone(LOCAL_TZ):%H:%M}"
        if column == AUTHOR:
            return shown_line(decision.recorded_by)
        if column == SUBJECT:
            return shown_line(decision.subject)
        if column == LINKS:
            return ", ".join(link_words(link) for link in decision.links)
        if column == REVISION:
            return revision_words(decision)
        return ""

    def reset(self, decisions: Iterable[DecisionSnapshot]) -> None:
        """Only for the first load and a resynchronisation."""
        self.beginResetModel()
        self._rows = sorted(decisions, key=_key)
        self._keys = [_key(d) for d in self._rows]
        self.endResetModel()

    def apply(self, decisions: Sequence[DecisionSnapshot]) -> None:
        """Each decision's newest state: its row replaced in place, or a new row where it sorts."""
        for decision in decisions:
            row = self.row_of(decision.id)
            if row is not None:
                if decision.version < self._rows[row].version:
                    continue  # an older state arriving late
                self._rows[row] = decision
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                continue
            at = bisect.bisect(self._keys, _key(decision))
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, decision)
            self._keys.insert(at, _key(decision))
            self.endInsertRows()

    def row_of(self, decision_id: int) -> int | None:
        return next((r for r, d in enumerate(self._rows) if d.id == decision_id), None)

    def decision_at(self, row: int) -> DecisionSnapshot:
        return self._rows[row]

    def by_reference(self, reference: str) -> DecisionSnapshot | None:
        folded = reference.casefold()
        return next((d for d in self._rows if d.reference.casefold() == folded), None)

    def decisions(self) -> list[DecisionSnapshot]:
        return list(self._rows)


def searchable_text(decision: DecisionSnapshot) -> str:
    """Everything a filter's words may match, folded."""
    parts = (
        decision.reference,
        decision.recorded_by,
        decision.subject,
        decision.information,
        decision.assessment,
        decision.powers_policy,
        decision.options,
        decision.decision,
        decision.rationale,
        *(link.label for link in decision.links),
    )
    return "\n".join(parts).casefold()


class DecisionFilter(QSortFilterProxyModel):
    """Rows whose words contain every word typed, and (if given) linked to that incident."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._incident = ""

    def set_text(self, text: str) -> None:
        self._change(lambda: setattr(self, "_words", tuple(text.casefold().split())))

    def set_incident(self, reference: str) -> None:
        self._change(lambda: setattr(self, "_incident", reference.strip().casefold()))

    def _change(self, change: Callable[[], None]) -> None:
        if _HAS_FILTER_CHANGE:
            self.beginFilterChange()  # Qt wants to know before the state the filter reads changes
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    @property
    def incident(self) -> str:
        return self._incident

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, DecisionTableModel):
            return True
        decision = model.decision_at(source_row)
        if self._incident and not any(
            self._incident in link.label.casefold() for link in decision.linked("incident")
        ):
            return False
        if self._words:
            text = searchable_text(decision)
            return all(word in text for word in self._words)
        return True
