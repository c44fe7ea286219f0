"""``IncidentFilterProxy``: sorts the live list like before and hides what the filter excludes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.filters import Check, IncidentFilter
from ui.incidents.model import SORT_ROLE, IncidentTableModel

# Qt 6.10 brought beginFilterChange()/endFilterChange(Rows); the invalidate*Filter() calls
# they replace are due to be deprecated in 6.13. pyproject still admits PySide6 6.8.
_HAS_FILTER_CHANGE = hasattr(QSortFilterProxyModel, "endFilterChange")


class IncidentFilterProxy(QSortFilterProxyModel):
    """Sort (by ``SORT_ROLE``) and filter an ``IncidentTableModel`` with an ``IncidentFilter``.

    The filter's time window moves with the clock: call ``refresh_time_window``
    once a minute. Rows whose status, grade … change are re-checked by Qt itself
    (dynamic sort/filter), so a resolved incident leaves an "open only" list at once.
    """

    def __init__(
        self,
        parent: Any = None,
        *,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._wall_clock = wall_clock
        self._incidents: IncidentTableModel | None = None
        self._filter = IncidentFilter()
        self._since: datetime | None = None
        self._accepts: Check | None = None  # None: everything passes
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        if model is not None and not isinstance(model, IncidentTableModel):
            raise TypeError(f"IncidentFilterProxy filters an IncidentTableModel, not {type(model).__name__}")
        # Keep the Python object: sourceModel() would wrap it again for every row.
        self._incidents = model
        super().setSourceModel(model)

    # -- the filter ------------------------------------------------------------

    def current_filter(self) -> IncidentFilter:
        return self._filter

    def set_filter(self, incident_filter: IncidentFilter) -> None:
        """Show only the incidents that match; a filter equal to the current one does nothing."""
        if incident_filter == self._filter:
            return
        self._apply(incident_filter)

    def refresh_time_window(self) -> None:
        """Move the time window on to now; re-filters only if its start has moved."""
        if self._filter.since(self._wall_clock()) != self._since:
            self._apply(self._filter)

    def _apply(self, incident_filter: IncidentFilter) -> None:
        if _HAS_FILTER_CHANGE:
            # Qt wants to know before the state the filter reads changes.
            self.beginFilterChange()
        now = self._wall_clock()
        self._filter = incident_filter
        self._since = incident_filter.since(now)
        self._accepts = None if incident_filter.is_empty else incident_filter.matcher(now)
        if _HAS_FILTER_CHANGE:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    # -- Qt --------------------------------------------------------------------

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._accepts is None or self._incidents is None:
            return True
        return self._accepts(self._incidents.incident_at(source_row))

    # -- lookups ---------------------------------------------------------------

    def visible_incidents(self) -> list[IncidentSnapshot]:
        """The incidents that pass, in the current sort order (for tests and exports)."""
        if self._incidents is None:
            return []
        return [
            self._incidents.incident_at(self.mapToSource(self.index(row, 0)).row())
            for row in range(self.rowCount())
        ]
