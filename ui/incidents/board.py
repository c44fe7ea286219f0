"""``IncidentBoard``: the live incident list with its heading and filter bar.

It follows the feed itself: a snapshot resets the model (first load, resynchronisation),
a diff is applied row by row. The heading's figures are refreshed at most once a second
from the model's running tallies, and the list's time windows move with the clock.
Grade-target breaches are not announced here: they are lines of the alert stack
(``ui.incidents.alert_stack``), ranked with every other alert, none hiding another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from controlroom.core.domain import LOCAL_TZ, Status
from controlroom.core.grading import GradeTargets
from controlroom.core.snapshots import Diff, IncidentSnapshot, Snapshot, UnitSnapshot
from controlroom.incidents.filters import IncidentFilter, current_night_start
from ui.feed.controller import FeedController
from ui.incidents.filter_bar import FilterBar
from ui.incidents.model import IncidentTableModel
from ui.incidents.view import IncidentTableView

OPEN_STATUSES = {Status.NEW.value, Status.ACKNOWLEDGED.value, Status.DISPATCHED.value, Status.ON_SCENE.value}
HEADING_THROTTLE_MS = 1000
HEADING_MIN_WIDTH = 120
MINUTE_MS = 60_000


class IncidentBoard(QWidget):
    """The incident list panel: heading, filter bar and the live table."""

    sig_filter_changed = Signal(object)  # IncidentFilter, after the list applied it

    def __init__(self, targets: GradeTargets, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = IncidentTableModel(targets=targets, parent=self)
        self.table = IncidentTableView(self.model)
        self.title = QLabel("Live incidents")
        self.title.setObjectName("boardTitle")
        self.counts = QLabel("")
        self.counts.setObjectName("boardCounts")
        # Neither heading label sets the window's width: at a large text scale they are clipped
        # (an explicit minimum width lets a layout shrink a label below its text's width)
        for label in (self.title, self.counts):
            label.setMinimumWidth(HEADING_MIN_WIDTH)
        self.filter_bar = FilterBar()
        self._lay_out()
        self.filter_bar.sig_filter_changed.connect(self._on_filter_bar_filter_changed)
        self._minute = self._timer(MINUTE_MS, self._on_minute_ticked)
        self._clock = self._timer(1000, self.model.tick)
        # At peak load the heading would be re-laid out several times a second for
        # figures an operator reads at most once a second (the model keeps the counts).
        self._heading_timer = QTimer(self)
        self._heading_timer.setSingleShot(True)
        self._heading_timer.setInterval(HEADING_THROTTLE_MS)
        self._heading_timer.timeout.connect(self.refresh_heading)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.counts)
        layout.addLayout(heading)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table)

    def _timer(self, interval_ms: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        timer.start()
        return timer

    # -- from the feed -------------------------------------------------------

    def follow(self, feed: FeedController) -> None:
        """Apply the feed to the list (connect before anything that reads the list)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.model.reset(snapshot.incidents)
        self.refresh_heading()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        self.model.apply_changes(diff.changes)
        if not self._heading_timer.isActive():
            self._heading_timer.start()

    # -- reading the list ----------------------------------------------------

    def incident_by_id(self, incident_id: int) -> IncidentSnapshot | None:
        row = self.model.row_of(incident_id)
        return self.model.incident_at(row) if row is not None else None

    def incident_by_reference(self, reference: str) -> IncidentSnapshot | None:
        return next((i for i in self.model.incidents() if i.reference == reference), None)

    def task_names(self, units: Iterable[UnitSnapshot]) -> dict[int, str]:
        """The reference of each listed incident these units are tasked to, by incident id."""
        names = {}
        for unit in units:
            incident = self.incident_by_id(unit.incident_id) if unit.incident_id else None
            if unit.incident_id is not None and incident is not None:
                names[unit.incident_id] = incident.reference
        return names

    # -- filter, clock and heading --------------------------------------------

    def _on_filter_bar_filter_changed(self, incident_filter: IncidentFilter) -> None:
        self.table.proxy.set_filter(incident_filter)
        self.sig_filter_changed.emit(incident_filter)
        self.refresh_heading()

    def _on_minute_ticked(self) -> None:
        # "Last 2 h" and "this night" windows move with the clock.
        self.table.proxy.refresh_time_window()
        self.refresh_heading()

    def refresh_heading(self) -> None:
        """Title for the night shown and the open / urgent / this-night counts."""
        # The same night the "This night" filter shows: during the day shift, the one just ended.
        since = current_night_start(datetime.now(UTC))
        self.title.setText(f"Live incidents — night of {since.astimezone(LOCAL_TZ):%a %d %b}")
        open_, urgent, tonight = self.model.tally(OPEN_STATUSES, since=since)
        shown = ""
        incident_filter = self.filter_bar.current_filter()
        if not incident_filter.is_empty:
            shown = f"{self.table.proxy.rowCount()} shown ({incident_filter.describe()}) · "
        self.counts.setText(f"{shown}{open_} open · {urgent} G1/G2 open · {tonight} this night")

    def stop_clock(self) -> None:
        """The window is closing: no more ticks."""
        self._clock.stop()
