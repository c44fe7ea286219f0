"""``ConnectionStatus``: the status bar's word on the feed — live or unreachable, and since when."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from controlroom.core.domain import LOCAL_TZ
from ui.feed.controller import FeedController


class ConnectionStatus(QObject):
    """Two status-bar labels: the connection state and the time of the last update."""

    def __init__(self, feed: FeedController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feed = feed
        self.connection = QLabel("connecting…")
        self.connection.setObjectName("connection")
        # The reason comes from the driver and may quote typed values: never rich text.
        self.connection.setTextFormat(Qt.TextFormat.PlainText)
        self.last_update = QLabel("")
        feed.sig_connection_changed.connect(self._on_feed_connection_changed)
        feed.sig_snapshot_loaded.connect(self._refresh_last_update)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._refresh_last_update)
        self._clock.start()

    def _on_feed_connection_changed(self, ok: bool, message: str) -> None:
        self.connection.setProperty("state", "ok" if ok else "lost")
        self.connection.setText("● Live" if ok else f"● Database unreachable: {message}")
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    def _refresh_last_update(self, *_args: object) -> None:
        if self._feed.last_good is not None:
            self.last_update.setText(f"  last update {self._feed.last_good.astimezone(LOCAL_TZ):%H:%M:%S}")

    def stop(self) -> None:
        """The window is closing: no more ticks."""
        self._clock.stop()
