"""``ActiveRowsModel``: a table of records that stay listed only while they are active.

Flags (until they expire, are cleared or become incidents) and s.35 directions
(until the exclusion ends or is withdrawn) behave alike: feed diffs insert,
update in place or remove one row, and the clock drops rows whose time is up.
Subclasses say which columns there are, what a row shows and when a record is active.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class Versioned(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


R = TypeVar("R", bound=Versioned)


class ActiveRowsModel(QAbstractTableModel, Generic[R]):
    """Rows in arrival order; a record leaves when ``is_active`` says it no longer is."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(
        self, *, wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._clock = wall_clock

    def is_active(self, record: R, now: datetime) -> bool:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def _reset_rows(self, records: Iterable[R], key: Callable[[R], Any]) -> None:
        """Only for the first load and a resynchronisation."""
        now = self._clock()
        self.beginResetModel()
        self._rows = sorted((r for r in records if self.is_active(r, now)), key=key)
        self.endResetModel()

    def _apply(self, records: Sequence[R]) -> None:
        now = self._clock()
        for record in records:
            row = self.row_of(record.id)
            if row is not None and record.version < self._rows[row].version:
                continue
            if row is not None and not self.is_active(record, now):
                self._remove(row)
            elif row is not None:
                self._rows[row] = record
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
            elif self.is_active(record, now):
                self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
                self._rows.append(record)
                self.endInsertRows()

    def expire(self) -> None:
        """Drop rows whose time is up (called by the clock)."""
        now = self._clock()
        for row in range(len(self._rows) - 1, -1, -1):
            if not self.is_active(self._rows[row], now):
                self._remove(row)

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def _repaint_column(self, column: int) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def row_of(self, record_id: int) -> int | None:
        return next((r for r, record in enumerate(self._rows) if record.id == record_id), None)

    def record_at(self, row: int) -> R:
        return self._rows[row]

    def records(self) -> list[R]:
        return list(self._rows)
