"""``OutageBanner``: the bar across the top of the window when the database is gone.

The status bar is too easy to miss at 2 a.m.: while the database is unreachable a
wide amber bar says so, with the time of the last good data (what the list and map
are showing), the reconnection attempts, and how many writes are waiting in the
local outbox. After reconnection it stays only while offline writes need the
operator (a conflict to settle) or are still being sent.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from controlroom.core.domain import LOCAL_TZ
from ui.common import theme
from ui.feed.controller import FeedController

# Set on the widget, not in the theme's stylesheet, with colours of its own: the banner
# must read the same whatever the window's colours around it.
STYLE = f"""
QFrame#outageBanner {{
    background: {theme.OUTAGE_BACKGROUND}; border: 2px solid {theme.OUTAGE_EDGE}; border-radius: 3px;
}}
QFrame#outageBanner[mode="attention"] {{ background: {theme.OUTAGE_ATTENTION}; }}
QFrame#outageBanner QLabel {{ color: {theme.OUTAGE_TEXT}; background: transparent; }}
QLabel#outageTitle {{ font-size: 13pt; font-weight: bold; }}
QLabel#outageDetail {{ font-size: 10pt; }}
QPushButton#outagePending {{
    background: {theme.OUTAGE_TEXT}; color: {theme.OUTAGE_EDGE}; font-weight: bold; border: none;
    padding: 6px 10px;
}}
"""


class OutageBanner(QFrame):
    """Hidden while all is well; amber while offline or while offline writes need attention."""

    sig_show_pending_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outageBanner")
        self.setStyleSheet(STYLE)
        self.title = QLabel("")
        self.title.setObjectName("outageTitle")
        self.detail = QLabel("")
        self.detail.setObjectName("outageDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.pending_button = QPushButton("")
        self.pending_button.setObjectName("outagePending")
        self.pending_button.clicked.connect(self.sig_show_pending_requested.emit)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(text, 1)
        layout.addWidget(self.pending_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.connected = True
        self._feed: FeedController | None = None
        self.lost_at: datetime | None = None
        self.last_good: datetime | None = None
        self.reason = ""
        self.attempt = 0
        self.next_attempt_at: float | None = None
        self.pending = 0
        self.conflicts = 0
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._refresh)
        self.hide()

    # -- state from the feed and the outbox ----------------------------------

    def follow(self, feed: FeedController) -> None:
        """Show the outage (and the reconnection attempts) as the feed reports them."""
        self._feed = feed
        feed.sig_connection_changed.connect(self._on_feed_connection_changed)
        feed.sig_retry_scheduled.connect(self.set_retry)

    def _on_feed_connection_changed(self, ok: bool, message: str) -> None:
        if ok:
            self.set_connected()
        elif self._feed is not None:
            self.set_lost(self._feed.last_good, message, self._feed.lost_at)

    def set_lost(self, last_good: datetime | None, reason: str, lost_at: datetime | None = None) -> None:
        self.connected = False
        self.lost_at = lost_at or self.lost_at or datetime.now(UTC)
        self.last_good = last_good
        self.reason = reason
        self._refresh()

    def set_connected(self) -> None:
        self.connected = True
        self.lost_at = None
        self.attempt = 0
        self.next_attempt_at = None
        self._refresh()

    def set_retry(self, attempt: int, delay: float) -> None:
        self.attempt = attempt
        self.next_attempt_at = _now() + delay
        self._refresh()

    def set_outbox_counts(self, pending: int, conflicts: int) -> None:
        self.pending, self.conflicts = pending, conflicts
        self._refresh()

    # -- drawing ---------------------------------------------------------------

    def _refresh(self) -> None:
        if self.connected and not self.conflicts and not self.pending:
            self._ticker.stop()
            self.hide()
            return
        self.setProperty("mode", "outage" if not self.connected else "attention")
        self.style().unpolish(self)
        self.style().polish(self)
        if self.connected:
            self._draw_attention()
        else:
            self._draw_outage()
        self.pending_button.setText(self._pending_text())
        self.pending_button.setVisible(bool(self.pending or self.conflicts))
        self.show()
        if not self._ticker.isActive():
            self._ticker.start()

    def _draw_outage(self) -> None:
        good = "never" if self.last_good is None else _clock(self.last_good)
        ago = f" ({_age(self.last_good)} ago)" if self.last_good is not None else ""
        self.title.setText(f"⚠  DATABASE UNREACHABLE — last good data {good}{ago}")
        retry = ""
        if self.next_attempt_at is not None:
            wait = max(0.0, self.next_attempt_at - _now())
            retry = f"Reconnecting: attempt {self.attempt}, next in {wait:.0f} s. "
        self.detail.setText(
            f"The list and map show the board as it was at {good} and can still be searched and "
            f"filtered. {retry}New incidents, status changes and notes are kept on this PC and sent "
            f"when the database is back.\nReason: {self.reason}"
        )

    def _draw_attention(self) -> None:
        if self.conflicts:
            count = self.conflicts
            self.title.setText(f"⚠  {_writes(count)} made offline need{_s(count)} your attention")
            self.detail.setText(
                "The database refused them when they were sent (another console changed the incident "
                "meanwhile, or the move is no longer allowed). Open the list to retry or discard each one."
            )
        else:
            self.title.setText(f"Sending {_writes(self.pending)} made while offline…")
            self.detail.setText(
                "The database is back; each change is applied once, in the order it was made."
            )

    def _pending_text(self) -> str:
        parts = []
        if self.pending:
            parts.append(f"{self.pending} waiting to send")
        if self.conflicts:
            parts.append(f"{self.conflicts} need{_s(self.conflicts)} attention")
        return " · ".join(parts) + "  ▸ Show"


def _writes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"


def _s(count: int) -> str:
    return "s" if count == 1 else ""


def _clock(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%H:%M:%S")


def _age(at: datetime) -> str:
    seconds = max(0, int((datetime.now(UTC) - at).total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def _now() -> float:
    return time.monotonic()
