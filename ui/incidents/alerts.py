"""``AlertController``: an urgent incident must never go unnoticed.

A Grade 1 or 2 incident that nobody has acknowledged yet flashes in the list
and on the map, plays a sound and — when the window is not in front — raises a
desktop notification; all of it repeats until someone acknowledges it, on any
console. Where there is no audio device the sound is silently skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtWidgets import QWidget

from controlroom.core.domain import Category, Status, grade_label
from controlroom.core.resources import resource
from controlroom.core.snapshots import Change, Diff, IncidentSnapshot, Snapshot
from ui.feed.controller import FeedController
from ui.incidents.desktop_notifier import DesktopNotifier
from ui.incidents.model import IncidentTableModel
from ui.map.bridge import MapBridge

log = logging.getLogger(__name__)
REPEAT_SECONDS = 30


def needs_alert(incident: IncidentSnapshot) -> bool:
    return incident.grade in (1, 2) and incident.status == Status.NEW.value


class SoundPlayer:
    """Plays the alert sound if this machine has an audio output; otherwise does nothing."""

    def __init__(self) -> None:
        self._effect = None
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # a missing system audio library must not stop the console
            log.warning("alert sound unavailable: %s", exc)
            return
        if QMediaDevices.defaultAudioOutput().isNull():
            log.info("no audio output device: alerts will be silent")
            return
        self._effect = QSoundEffect()
        self._effect.setSource(QUrl.fromLocalFile(str(resource("sounds", "alert.wav"))))
        self._effect.setVolume(0.9)

    @property
    def available(self) -> bool:
        return self._effect is not None

    def __call__(self) -> None:
        if self._effect is not None:
            self._effect.play()


class AlertController(QObject):
    """Tracks unacknowledged urgent incidents and keeps reminding until they are."""

    def __init__(
        self,
        model: IncidentTableModel,
        bridge: MapBridge,
        window: QWidget,
        *,
        sound: Callable[[], None] | None = None,
        notify: Callable[[str, str], None] | None = None,
        repeat_seconds: float = REPEAT_SECONDS,
    ) -> None:
        super().__init__(window)
        self.model = model
        self.bridge = bridge
        self.window = window
        self.sound = sound if sound is not None else SoundPlayer()
        # Called with the typed place as typed: DesktopNotifier makes the OS show it so.
        self.notify = notify if notify is not None else DesktopNotifier(window)
        self.alerting: dict[int, IncidentSnapshot] = {}
        self._repeat = QTimer(self)
        self._repeat.setInterval(int(repeat_seconds * 1000))
        self._repeat.timeout.connect(self._on_repeat_timeout)

    def follow(self, feed: FeedController) -> None:
        """Alert from the feed (connect after the incident list and the map applied it)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.load(snapshot.incidents)

    def _on_feed_diff_received(self, diff: Diff) -> None:
        self.apply_changes(diff.incident_changes())

    def load(self, incidents: Iterable[IncidentSnapshot]) -> None:
        """A fresh picture (start-up or resync): alert whatever is still unacknowledged."""
        self.alerting = {i.id: i for i in incidents if needs_alert(i)}
        self._publish()
        if self.alerting:
            self._raise(list(self.alerting.values()))

    def apply_changes(self, changes: Iterable[Change]) -> None:
        fresh: list[IncidentSnapshot] = []
        before = set(self.alerting)
        for change in changes:
            incident = change.incident
            if incident is None:
                self.alerting.pop(change.entity_id, None)
            elif needs_alert(incident):
                if incident.id not in self.alerting:
                    fresh.append(incident)
                self.alerting[incident.id] = incident
            else:
                self.alerting.pop(incident.id, None)
        # Most diffs leave the set alone: republishing it would repaint rows and make
        # the page re-mark every marker for nothing (measured under simulated load).
        if set(self.alerting) != before:
            self._publish()
        if fresh:
            self._raise(fresh)

    def _publish(self) -> None:
        ids = sorted(self.alerting)
        self.model.set_alerting(ids)
        self.bridge.set_alerting(ids)
        if ids and not self._repeat.isActive():
            self._repeat.start()
        elif not ids:
            self._repeat.stop()

    def _raise(self, incidents: list[IncidentSnapshot]) -> None:
        self.sound()
        if not self.window.isActiveWindow():
            first = incidents[0]
            more = f" (+{len(incidents) - 1} more)" if len(incidents) > 1 else ""
            self.notify(
                f"{grade_label(first.grade)}: {first.reference}{more}",
                f"{Category.of(first.category).label} at {first.place}",
            )

    def _on_repeat_timeout(self) -> None:
        if self.alerting:
            self._raise(sorted(self.alerting.values(), key=lambda i: (i.grade or 9, i.reported_at)))
