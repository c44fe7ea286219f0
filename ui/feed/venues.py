"""``VenueDirectory``: the venues as the feed last described them, for forms and dialogs."""

from __future__ import annotations

from PySide6.QtCore import QObject

from controlroom.core.snapshots import Diff, Snapshot, VenueSnapshot
from ui.feed.controller import FeedController


class VenueDirectory(QObject):
    """Venues by id, kept current from the feed (a safe space's status changes live)."""

    def __init__(self, feed: FeedController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.by_id: dict[int, VenueSnapshot] = {}
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.by_id = {v.id: v for v in snapshot.venues}

    def _on_feed_diff_received(self, diff: Diff) -> None:
        for change in diff.venue_changes():
            if change.venue is not None:
                self.by_id[change.entity_id] = change.venue

    def by_name(self) -> list[VenueSnapshot]:
        """Every venue, sorted by name (the order autocompletion offers them in)."""
        return sorted(self.by_id.values(), key=lambda v: v.name)
