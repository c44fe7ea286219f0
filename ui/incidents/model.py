"""``IncidentTableModel``: the live incident list, changed only by applying diffs.

Rows are kept with an id → row index. A diff removes rows (descending ranges),
updates rows in place (``dataChanged`` on the changed cells with the roles that
changed) and appends new rows (``beginInsertRows``), so selection and scroll
position survive every refresh. ``reset`` is only for a full resynchronisation.
"""

from __future__ import annotations

import html
import itertools
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from controlroom.core.domain import Category, Source, Status, grade_label
from controlroom.core.grading import GradeTargets, TargetLevel, TargetState, format_remaining, target_state
from controlroom.core.snapshots import Change, IncidentSnapshot
from controlroom.incidents.lifecycle import AWAITING_ATTENDANCE
from ui.common import theme
from ui.common.formatting import format_age  # re-exported: the boards and tests read it here
from ui.common.typed_text import shown_line

COLUMNS = ("Reference", "Age", "Due", "Grade", "Category", "Place", "Source", "Status", "Summary")
REF, AGE, DUE, GRADE, CATEGORY, PLACE, SOURCE, STATUS, SUMMARY = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
HIGHLIGHT_SECONDS = 6.0
_FIELDS_BY_COLUMN = {
    REF: ("reference",),
    AGE: ("reported_at",),
    DUE: ("grade", "status", "attended_at"),
    GRADE: ("grade",),
    CATEGORY: ("category",),
    PLACE: ("place",),
    SOURCE: ("source",),
    STATUS: ("status", "duplicate_of"),
    SUMMARY: ("summary",),
}
_DISPLAY_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE]
_GRADE_ROLES = [*_DISPLAY_ROLES, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole]
_STATUS_ROLES = [*_DISPLAY_ROLES, Qt.ItemDataRole.ForegroundRole]
Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ANSWERED_ROLES = frozenset({_DISPLAY, _BACKGROUND, _FOREGROUND, _ALIGNMENT, _TOOLTIP, SORT_ROLE, ID_ROLE})
_CENTRED = int(Qt.AlignmentFlag.AlignCenter)
_FINISHED = frozenset({Status.RESOLVED.value, Status.CLOSED.value})


def _label(enum_type: Any, value: str) -> str:
    try:
        return str(enum_type(value).label)
    except ValueError:
        return value


class IncidentTableModel(QAbstractTableModel):
    """Table of incident snapshots that applies feed diffs without resetting."""

    # The clock moved on: views repaint the time columns and the flashing (alerting)
    # rows they show (no data changed).
    sig_clock_ticked = Signal()

    def __init__(
        self,
        *,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        targets: GradeTargets | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.targets = targets or GradeTargets()
        self._alerting: set[int] = set()
        self._flash_on = False
        self._rows: list[IncidentSnapshot] = []
        self._row_of: dict[int, int] = {}
        self._fresh_until: dict[int, float] = {}
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._now = wall_clock()
        self._grade_brushes = {g: QBrush(QColor(c)) for g, c in theme.GRADE_BACKGROUND.items()}
        self._grade_text = {g: QBrush(QColor(c)) for g, c in theme.GRADE_FOREGROUND.items()}
        self._fresh_brush = QBrush(QColor(theme.FRESH_ROW))
        self._muted = QBrush(QColor(theme.MUTED))
        self._level_brushes = {
            TargetLevel.AMBER: QBrush(QColor(theme.AMBER)),
            TargetLevel.RED: QBrush(QColor(theme.RED)),
        }
        self._flash_brush = QBrush(QColor(theme.FLASH_ROW_G2))  # amber-brown: never a G1 red
        self._flash_g1 = (QBrush(QColor(theme.FLASH_ROW_G1_DIM)), QBrush(QColor(theme.FLASH_ROW_G1)))
        # Heading counts kept up to date by every diff: walking 10,000 rows for them once
        # a second cost the GUI thread ~5 ms a walk under peak load (bench_gui_stall.py).
        self._tally_basis: tuple[frozenset[str], datetime] | None = None
        self._tally_counts = [0, 0, 0]

    # -- Qt model interface --------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # A repaint asks every visible cell for about seven roles, each a call into
        # Python: roles this model never answers (decoration, font, check state …)
        # return before anything else, and the constants are plain ints.
        if role not in _ANSWERED_ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        incident = self._rows[row]
        column = index.column()
        if role == _DISPLAY:
            return self._display(incident, column)
        if role == _BACKGROUND:
            if column == GRADE:
                return self._grade_brushes[incident.grade]
            if column == DUE:
                return self._level_brushes.get(self.target(incident).level)
            if incident.id in self._alerting:
                # A Grade 1 never rests on a plain row: it swaps between its two reds.
                if incident.grade == 1:
                    return self._flash_g1[self._flash_on]
                if self._flash_on:
                    return self._flash_brush
            if incident.id in self._fresh_until:
                return self._fresh_brush
            return None
        if role == _FOREGROUND:
            if column == GRADE:
                return self._grade_text[incident.grade]
            if column == DUE and self.target(incident).level in self._level_brushes:
                return self._grade_text[2]
            if incident.status in _FINISHED:
                return self._muted
            return None
        if role == _ALIGNMENT:
            return _CENTRED if column in (AGE, DUE, GRADE) else None
        if role == SORT_ROLE:
            return self._sort_key(incident, column)
        if role == ID_ROLE:
            return incident.id
        # Tooltip. Qt renders tooltips that look like HTML as rich text: escape what people typed.
        return "<qt>" + html.escape(self._display(incident, column)) + "</qt>"

    def _display(self, incident: IncidentSnapshot, column: int) -> str:
        if column == REF:
            return incident.reference
        if column == AGE:
            return format_age((self._now - incident.reported_at).total_seconds())
        if column == DUE:
            state = self.target(incident)
            return format_remaining(state.remaining) if state.remaining is not None else ""
        if column == GRADE:
            return grade_label(incident.grade)
        if column == CATEGORY:
            return _label(Category, incident.category)
        if column == PLACE:
            return shown_line(incident.place)
        if column == SOURCE:
            return _label(Source, incident.source)
        if column == STATUS:
            if incident.duplicate_of is not None:
                return self._duplicate_status(incident.duplicate_of)
            return _label(Status, incident.status)
        # One line in the table; the full text is in the detail panel and the map popup.
        return shown_line(incident.summary[:300])

    def _duplicate_status(self, original_id: int) -> str:
        """A linked duplicate's status says whose it is (its clock stopped when it was linked)."""
        row = self._row_of.get(original_id)
        if row is None:
            return "Duplicate"
        # The number of the night is enough beside the full references in the list.
        return f"Duplicate of {self._rows[row].reference.rsplit('-', 1)[-1]}"

    def _sort_key(self, incident: IncidentSnapshot, column: int) -> Any:
        if column == AGE:
            return -incident.reported_at.timestamp()
        if column == GRADE:
            return incident.grade if incident.grade is not None else 9
        if column == DUE:
            state = self.target(incident)
            return state.remaining.total_seconds() if state.remaining is not None else 1e12
        if column == STATUS:
            return [s.value for s in Status].index(incident.status)
        return self._display(incident, column).lower()

    # -- applying the feed ---------------------------------------------------

    def reset(self, incidents: Iterable[IncidentSnapshot]) -> None:
        """Replace everything: only for the first load and a full resynchronisation."""
        self.beginResetModel()
        self._rows = list(incidents)
        self._row_of = {incident.id: row for row, incident in enumerate(self._rows)}
        self._fresh_until.clear()
        self._now = self._wall_clock()
        self._tally_basis = None  # recounted on the next tally()
        self.endResetModel()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Apply incident changes in commit order: removals, then updates, then inserts."""
        latest: dict[int, Change] = {}
        for change in changes:
            if change.entity == "incident":
                latest[change.entity_id] = change
        removed = sorted(
            (self._row_of[i] for i, c in latest.items() if c.incident is None and i in self._row_of),
            reverse=True,
        )
        updates = [c.incident for i, c in latest.items() if c.incident is not None and i in self._row_of]
        inserts = [c.incident for i, c in latest.items() if c.incident is not None and i not in self._row_of]
        self._remove_rows(removed)
        for incident in updates:
            self._update_row(incident)
        self._append_rows(inserts)

    def _remove_rows(self, rows_descending: list[int]) -> None:
        if not rows_descending:
            return
        ranges: list[tuple[int, int]] = []
        for row in rows_descending:
            if ranges and ranges[-1][0] == row + 1:
                ranges[-1] = (row, ranges[-1][1])
            else:
                ranges.append((row, row))
        for first, last in ranges:
            self.beginRemoveRows(QModelIndex(), first, last)
            for incident in self._rows[first : last + 1]:
                self._count(incident, -1)
                del self._row_of[incident.id]
                self._fresh_until.pop(incident.id, None)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        start = rows_descending[-1]
        self._row_of.update(
            zip(map(attrgetter("id"), self._rows[start:]), itertools.count(start), strict=False)
        )

    def _update_row(self, incident: IncidentSnapshot) -> None:
        row = self._row_of[incident.id]
        old = self._rows[row]
        if old.version > incident.version:
            return  # an older state than the one shown; never go backwards
        self._rows[row] = incident
        self._count(old, -1)
        self._count(incident, +1)
        changed = [
            c
            for c, fields in _FIELDS_BY_COLUMN.items()
            if any(getattr(old, f) != getattr(incident, f) for f in fields)
        ]
        if not changed:
            return
        roles = _DISPLAY_ROLES
        if GRADE in changed:
            roles = _GRADE_ROLES
        elif STATUS in changed:
            roles = _STATUS_ROLES
        if STATUS in changed:
            # Finished incidents are drawn muted across the whole row.
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1), roles)
        else:
            self.dataChanged.emit(self.index(row, min(changed)), self.index(row, max(changed)), roles)

    def _append_rows(self, incidents: list[IncidentSnapshot]) -> None:
        if not incidents:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(incidents) - 1)
        until = self._monotonic() + HIGHLIGHT_SECONDS
        for offset, incident in enumerate(incidents):
            self._rows.append(incident)
            self._row_of[incident.id] = first + offset
            self._count(incident, +1)
            self._fresh_until[incident.id] = until
        self.endInsertRows()

    # -- time ----------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: ages move on, highlights of new incidents fade."""
        self._now = self._wall_clock()
        # Age and Due are computed from the clock when painted, and their sort order
        # never changes with time (it follows reported_at + target), so views only
        # repaint: a dataChanged over every row would make each proxy re-filter and
        # re-sort the whole list every second. The flash of alerting rows likewise:
        # a dataChanged per alerting row (dozens at peak) made the proxy look at each
        # row's neighbours every second, while a view repaints only the few it shows.
        if self._alerting:
            self._flash_on = not self._flash_on
        self.sig_clock_ticked.emit()
        now = self._monotonic()
        expired = [i for i, until in self._fresh_until.items() if until <= now]
        for incident_id in expired:
            del self._fresh_until[incident_id]
            row = self._row_of[incident_id]
            self.dataChanged.emit(
                self.index(row, 0), self.index(row, len(COLUMNS) - 1), [Qt.ItemDataRole.BackgroundRole]
            )

    def target(self, incident: IncidentSnapshot) -> TargetState:
        attended = incident.attended_at is not None or Status.of(incident.status) not in AWAITING_ATTENDANCE
        return target_state(self.targets, incident.grade, incident.reported_at, self._now, attended)

    def set_alerting(self, incident_ids: Iterable[int]) -> None:
        """Rows that flash until someone acknowledges them."""
        wanted = set(incident_ids)
        stopped = self._alerting - wanted
        self._alerting = wanted
        for incident_id in stopped:
            self._repaint_row(incident_id, [Qt.ItemDataRole.BackgroundRole])

    def is_alerting(self, incident_id: int) -> bool:
        return incident_id in self._alerting

    @property
    def any_alerting(self) -> bool:
        return bool(self._alerting)

    def _repaint_row(self, incident_id: int, roles: list[Qt.ItemDataRole]) -> None:
        row = self._row_of.get(incident_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1), roles)

    # -- lookups -------------------------------------------------------------

    def row_of(self, incident_id: int) -> int | None:
        return self._row_of.get(incident_id)

    def incident_at(self, row: int) -> IncidentSnapshot:
        return self._rows[row]

    def incidents(self) -> list[IncidentSnapshot]:
        return list(self._rows)

    def tally(self, open_statuses: Collection[str], since: datetime) -> tuple[int, int, int]:
        """(open, open graded 1 or 2, reported since ``since``).

        Counted over every row when asked with new arguments (``since`` moves once a
        night), then kept up to date by each diff, so asking again costs nothing.
        """
        basis = (frozenset(open_statuses), since)
        if basis != self._tally_basis:
            self._tally_basis = basis
            self._tally_counts = [0, 0, 0]
            for incident in self._rows:
                self._count(incident, +1)
        open_, urgent, recent = self._tally_counts
        return open_, urgent, recent

    def _count(self, incident: IncidentSnapshot, sign: int) -> None:
        """Add (``sign`` +1) or take away (-1) one incident's share of the tally."""
        if self._tally_basis is None:
            return
        open_statuses, since = self._tally_basis
        counts = self._tally_counts
        if incident.status in open_statuses:
            counts[0] += sign
            if incident.grade in (1, 2):
                counts[1] += sign
        if incident.reported_at >= since:
            counts[2] += sign

    def is_highlighted(self, incident_id: int) -> bool:
        return incident_id in self._fresh_until
