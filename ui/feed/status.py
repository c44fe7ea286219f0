"""``ConnectionStatus``: the status bar's word on the feed — live or unreachable, since when,
and any record left off the board because a value in it cannot be read."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.snapshots import Diff, RowWarning, Snapshot
from ui.feed.controller import FeedController

log = logging.getLogger(__name__)
# The feed's entity kinds as the tables a warning names.
TABLES = {"incident": "incidents", "venue": "venues", "unit": "units", "flag": "flags", "camera": "cameras"}


class ConnectionStatus(QObject):
    """Status-bar labels: the connection state, the time of the last update, and records not shown.

    A record the core could not read is left out of the board (every other one still
    shows) and named here and in the log; the warning stays until a fresh snapshot or
    a readable change of that record replaces it.
    """

    def __init__(self, feed: FeedController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feed = feed
        self.connection = QLabel("connecting…")
        self.connection.setObjectName("connection")
        # The reason comes from the driver and may quote typed values: never rich text.
        self.connection.setTextFormat(Qt.TextFormat.PlainText)
        self.last_update = QLabel("")
        self.rows_skipped = QLabel("")
        self.rows_skipped.setObjectName("rows-skipped")
        # Values quoted from a row written around the program: never rich text.
        self.rows_skipped.setTextFormat(Qt.TextFormat.PlainText)
        self.rows_skipped.hide()
        self.skipped: dict[tuple[str, int | None], tuple[RowWarning, ...]] = {}
        feed.sig_connection_changed.connect(self._on_feed_connection_changed)
        feed.sig_snapshot_loaded.connect(self._refresh_last_update)
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._refresh_last_update)
        self._clock.start()

    def _on_feed_connection_changed(self, ok: bool, message: str) -> None:
        self.connection.setProperty("state", "ok" if ok else "lost")
        self.connection.setText("● Live" if ok else f"● Database unreachable: {message}")
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        before = self.skipped
        self.skipped = {}
        self._add(snapshot.warnings, already=before)
        self._refresh_rows_skipped()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        for change in diff.changes:  # that record reads again
            self.skipped.pop((TABLES.get(change.entity, change.entity), change.entity_id), None)
        self._add(diff.warnings, already=self.skipped)
        self._refresh_rows_skipped()

    def _add(
        self,
        warnings: tuple[RowWarning, ...],
        *,
        already: dict[tuple[str, int | None], tuple[RowWarning, ...]],
    ) -> None:
        """Each record's newest warnings replace its older ones; only new ones are logged."""
        fresh: dict[tuple[str, int | None], list[RowWarning]] = {}
        for warning in warnings:
            fresh.setdefault((warning.table, warning.id), []).append(warning)
        for key, group in fresh.items():
            for warning in group:
                if warning not in already.get(key, ()):
                    log.warning("%s", warning.describe())
            self.skipped[key] = tuple(group)

    def _refresh_rows_skipped(self) -> None:
        warnings = [w for ws in self.skipped.values() for w in ws]
        if not warnings:
            self.rows_skipped.hide()
            self.rows_skipped.clear()
            return
        first = warnings[0]
        records = len(self.skipped)
        more = f" (+{records - 1} more)" if records > 1 else ""
        noun = "record" if records == 1 else "records"
        self.rows_skipped.setText(
            f"⚠ {records} {noun} not shown: {first.table} {first.id} {first.column} {first.value}{more}"
        )
        self.rows_skipped.setToolTip("\n".join(w.describe() for w in warnings))
        self.rows_skipped.show()

    def _refresh_last_update(self, *_args: object) -> None:
        if self._feed.last_good is not None:
            self.last_update.setText(f"  last update {self._feed.last_good.astimezone(LOCAL_TZ):%H:%M:%S}")

    def stop(self) -> None:
        """The window is closing: no more ticks."""
        self._clock.stop()
