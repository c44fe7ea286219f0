"""``MapFeedLink``: the map follows the feed — incidents, venues, patrols, zones and cameras.

The page is loaded once; a snapshot resets what it shows and a diff is pushed as
changes (``MapBridge`` queues them until the page is ready). Unit markers are
labelled with the reference of their task, which only the incident list knows:
``task_names`` asks it (connect this link after the list has applied the feed).
Camera changes also go to ``coverage`` (``CoverageGaps``), whose answer, worked out
off the GUI thread over ``streets`` (the window passes the network it draws), the bridge
hands to the page's coverage-gap layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer

from controlroom.core.snapshots import Diff, Snapshot, UnitSnapshot
from ui.feed.controller import FeedController
from ui.map.bridge import MapBridge
from ui.map.camera_layer import CoverageGaps, StreetLoader, shipped_streets

TaskNames = Callable[[Iterable[UnitSnapshot]], dict[int, str]]
MINUTE_MS = 60_000


class MapFeedLink(QObject):
    """Applies snapshots and diffs to the map bridge; moves time-window filters each minute."""

    def __init__(
        self,
        bridge: MapBridge,
        feed: FeedController,
        task_names: TaskNames,
        streets: StreetLoader = shipped_streets,
    ) -> None:
        super().__init__(bridge)
        self.bridge = bridge
        self._task_names = task_names
        self.coverage = CoverageGaps(self, streets=streets)
        self.coverage.sig_computed.connect(bridge.set_camera_coverage)
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)
        self._minute = QTimer(self)
        self._minute.setInterval(MINUTE_MS)
        # "Last 2 h" and "this night" windows move with the clock.
        self._minute.timeout.connect(bridge.refresh_filter)
        self._minute.start()

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.bridge.reset(snapshot.incidents, snapshot.venues)
        names = self._task_names(snapshot.units)
        self.bridge.reset_patrols(snapshot.units, snapshot.flags, names)
        self.bridge.reset_zones(snapshot.zones)
        self.bridge.reset_cameras(snapshot.cameras)
        self.coverage.forget_streets()  # imported while this console was away, perhaps
        self.coverage.reset(snapshot.cameras)

    def _on_feed_diff_received(self, diff: Diff) -> None:
        self.bridge.apply_changes(diff.changes)
        patrol_changes = diff.unit_changes() + diff.flag_changes()
        if patrol_changes:
            names = self._task_names(c.unit for c in patrol_changes if c.unit is not None)
            self.bridge.apply_patrol_changes(patrol_changes, names)
        zones = [c.zone for c in diff.dispersal_changes() if c.zone is not None]
        if zones:
            self.bridge.apply_zone_changes(zones)
        if diff.roads_changed:
            self.coverage.forget_streets()
        cameras = diff.camera_changes()
        if cameras:
            self.bridge.apply_camera_changes(cameras)
            self.coverage.apply(cameras)
