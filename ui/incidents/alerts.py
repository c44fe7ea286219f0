"""``AlertController``: an urgent incident must never go unnoticed.

A Grade 1 or 2 incident that nobody has acknowledged yet flashes in the list
and on the map, plays a sound and — when the window is not in front — raises a
desktop notification; all of it repeats until someone acknowledges it, on any
console. Where there is no audio device the sound is silently skipped.

A Grade 1 is not just another Grade 2: it has its own tone (``alert_g1.wav``, a
faster, higher rhythm; the reminder plays it while any Grade 1 waits), its own
row colours, and the map centres on it once when it arrives. Every alert — the
unacknowledged Grade 1s and 2s and every grade-target breach — is ranked by
``controlroom.incidents.alerts`` into ``stack_model``, which ``AlertStack`` shows;
it is re-ranked on every diff that touches an incident that may alert, and once a
second from the list's clock (ages move on, a target runs out).

The same ranking carries the procedure steps past their time limit (from the
checklists the feed delivers: a step line appears on the second its limit passes,
with no database read) and the handovers given and not yet acknowledged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtWidgets import QWidget

from controlroom.core.domain import Category, Status, grade_label
from controlroom.core.errors import ControlroomError
from controlroom.core.resources import resource
from controlroom.core.snapshots import (
    Change,
    ChecklistSnapshot,
    Diff,
    HandoverSnapshot,
    IncidentSnapshot,
    Snapshot,
)
from controlroom.incidents.alerts import is_unacknowledged_urgent, may_alert, rank_alerts, step_alerts
from ui.common.tasks import TaskSet
from ui.common.typed_text import shown_line
from ui.feed.controller import FeedController
from ui.incidents.alert_stack import AlertStack, AlertStackModel
from ui.incidents.desktop_notifier import DesktopNotifier
from ui.incidents.detail import IncidentDetailPanel
from ui.incidents.gateway import IncidentGateway
from ui.incidents.model import IncidentTableModel
from ui.incidents.view import IncidentTableView
from ui.map.bridge import MapBridge

log = logging.getLogger(__name__)
REPEAT_SECONDS = 30
G2_TONE = "alert.wav"
G1_TONE = "alert_g1.wav"  # how it was made: resources/sounds/README.md

needs_alert = is_unacknowledged_urgent  # flashes, sounds and notifies until acknowledged


class SoundPlayer:
    """Plays an alert tone if this machine has an audio output; otherwise does nothing."""

    def __init__(self, tone: str = G2_TONE) -> None:
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
        self._effect.setSource(QUrl.fromLocalFile(str(resource("sounds", tone))))
        self._effect.setVolume(0.9)

    @property
    def available(self) -> bool:
        return self._effect is not None

    def __call__(self) -> None:
        if self._effect is not None:
            self._effect.play()


class AlertController(QObject):
    """Tracks unacknowledged urgent incidents and keeps reminding until they are.

    ``sound`` plays the Grade 2 tone and ``g1_sound`` the Grade 1 tone (a test or a
    silent window passes callables; given only ``sound``, it plays for both). The
    ranked alerts are in ``stack_model`` (give it to ``AlertStack``).
    """

    def __init__(
        self,
        model: IncidentTableModel,
        bridge: MapBridge,
        window: QWidget,
        *,
        sound: Callable[[], None] | None = None,
        g1_sound: Callable[[], None] | None = None,
        notify: Callable[[str, str], None] | None = None,
        repeat_seconds: float = REPEAT_SECONDS,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(window)
        self.model = model
        self.bridge = bridge
        self.window = window
        self.sound = sound if sound is not None else SoundPlayer(G2_TONE)
        if g1_sound is None:
            g1_sound = sound if sound is not None else SoundPlayer(G1_TONE)
        self.g1_sound = g1_sound
        # Called with the typed place as typed: DesktopNotifier makes the OS show it so.
        self.notify = notify if notify is not None else DesktopNotifier(window)
        self.alerting: dict[int, IncidentSnapshot] = {}
        # Open incidents that are an alert now or will be when their target runs out.
        self._may_alert: dict[int, IncidentSnapshot] = {}
        # Checklists by incident, with their incidents (a step is overdue only while it is open).
        self._checklists: dict[int, ChecklistSnapshot] = {}
        self._checklist_incidents: dict[int, IncidentSnapshot] = {}
        self._handovers: dict[int, HandoverSnapshot] = {}  # given, not yet acknowledged
        self.wall_clock = wall_clock  # what the ranking reads as now (a test fixes it)
        self.stack_model = AlertStackModel(self)
        self._repeat = QTimer(self)
        self._repeat.setInterval(int(repeat_seconds * 1000))
        self._repeat.timeout.connect(self._on_repeat_timeout)
        # The list's clock (once a second): ages move on and targets run out.
        model.sig_clock_ticked.connect(self._on_model_clock_ticked)

    def follow(self, feed: FeedController) -> None:
        """Alert from the feed (connect after the incident list and the map applied it)."""
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.load_snapshot(snapshot)

    def _on_feed_diff_received(self, diff: Diff) -> None:
        self.apply_diff(diff)

    def load_snapshot(self, snapshot: Snapshot) -> None:
        """The feed's fresh picture: incidents, checklists and handovers."""
        self._checklists = {c.incident_id: c for c in snapshot.checklists}
        self._checklist_incidents = {i.id: i for i in snapshot.incidents if i.id in self._checklists}
        self._handovers = {h.id: h for h in snapshot.handovers if not h.acknowledged}
        self.load(snapshot.incidents)

    def apply_diff(self, diff: Diff) -> None:
        """One diff from the feed (after the incident list applied it)."""
        others = self.apply_checklists(diff.checklist_changes())
        others |= self.apply_handovers(diff.handover_changes())
        if not self.apply_changes(diff.incident_changes()) and others:
            self.rank()

    def apply_checklists(self, changes: Iterable[Change]) -> bool:
        """Keep each incident's checklist; True if one changed (the step lines may have)."""
        changed = False
        for change in changes:
            changed = True
            if change.checklist is None:
                self._checklists.pop(change.entity_id, None)
                self._checklist_incidents.pop(change.entity_id, None)
                continue
            self._checklists[change.entity_id] = change.checklist
            row = self.model.row_of(change.entity_id)  # the list applied this diff first
            if row is not None:
                self._checklist_incidents[change.entity_id] = self.model.incident_at(row)
        return changed

    def apply_handovers(self, changes: Iterable[Change]) -> bool:
        """Keep the handovers awaiting acknowledgement; True if that set changed."""
        changed = False
        for change in changes:
            handover = change.handover
            if handover is None or handover.acknowledged:
                changed |= self._handovers.pop(change.entity_id, None) is not None
            else:
                self._handovers[handover.id] = handover
                changed = True
        return changed

    def load(self, incidents: Iterable[IncidentSnapshot]) -> None:
        """A fresh picture (start-up or resync): alert whatever is still unacknowledged."""
        incidents = list(incidents)
        self.alerting = {i.id: i for i in incidents if needs_alert(i)}
        targets = self.model.targets
        self._may_alert = {i.id: i for i in incidents if may_alert(i, targets)}
        self._publish()
        self.rank()
        if self.alerting:
            self._raise(list(self.alerting.values()))

    def apply_changes(self, changes: Iterable[Change]) -> bool:
        """Apply incident changes; True if the stack was re-ranked."""
        fresh: list[IncidentSnapshot] = []
        before = set(self.alerting)
        ranked_changed = False
        targets = self.model.targets
        for change in changes:
            incident = change.incident
            if change.entity_id in self._checklists:
                ranked_changed = True  # its steps may have stopped (or started) counting
                if incident is None:
                    self._checklist_incidents.pop(change.entity_id, None)
                else:
                    self._checklist_incidents[incident.id] = incident
            if incident is None:
                self.alerting.pop(change.entity_id, None)
                ranked_changed |= self._may_alert.pop(change.entity_id, None) is not None
                continue
            if needs_alert(incident):
                if incident.id not in self.alerting:
                    fresh.append(incident)
                self.alerting[incident.id] = incident
            else:
                self.alerting.pop(incident.id, None)
            if may_alert(incident, targets):
                self._may_alert[incident.id] = incident
                ranked_changed = True
            else:
                ranked_changed |= self._may_alert.pop(incident.id, None) is not None
        # Most diffs leave the set alone: republishing it would repaint rows and make
        # the page re-mark every marker for nothing (measured under simulated load).
        if set(self.alerting) != before:
            self._publish()
        if ranked_changed:
            self.rank()
        if fresh:
            self._raise(sorted(fresh, key=lambda i: i.grade or 9))  # a Grade 1 named first
            self._centre_on_newest_g1(fresh)
        return ranked_changed

    def _on_model_clock_ticked(self) -> None:
        self.rank()

    def rank(self) -> None:
        """Re-rank the alerts into ``stack_model`` (a few dozen incidents and checklists at most)."""
        now = self.wall_clock()
        steps = step_alerts(self._checklists.values(), self._checklist_incidents.values(), now)
        entries = rank_alerts(
            self._may_alert.values(), self.model.targets, now, steps=steps, handovers=self._handovers.values()
        )
        self.stack_model.set_entries(entries)

    def _centre_on_newest_g1(self, fresh: list[IncidentSnapshot]) -> None:
        g1s = [i for i in fresh if i.grade == 1]
        if not g1s:
            return
        # Pans only if it is off screen: the operator keeps the overview otherwise.
        self.bridge.centre_once(max(g1s, key=lambda i: (i.reported_at, i.id)).id)

    def _publish(self) -> None:
        ids = sorted(self.alerting)
        self.model.set_alerting(ids)
        self.bridge.set_alerting(ids)
        if ids and not self._repeat.isActive():
            self._repeat.start()
        elif not ids:
            self._repeat.stop()

    def _raise(self, incidents: list[IncidentSnapshot]) -> None:
        # One tone per reminder: the Grade 1 tone while any Grade 1 waits.
        if any(i.grade == 1 for i in incidents):
            self.g1_sound()
        else:
            self.sound()
        if not self.window.isActiveWindow():
            first = incidents[0]
            more = f" (+{len(incidents) - 1} more)" if len(incidents) > 1 else ""
            self.notify(
                f"{grade_label(first.grade)}: {first.reference}{more}",
                f"{Category.of(first.category).label} at {shown_line(first.place)}",
            )

    def _on_repeat_timeout(self) -> None:
        if self.alerting:
            self._raise(sorted(self.alerting.values(), key=lambda i: (i.grade or 9, i.reported_at)))


class AlertStackActions(QObject):
    """What the alert stack's lines do, with the same commands as the list's keys.

    Selecting selects the incident in the list (and so the detail and the map);
    acknowledging is the A key's write (``writes.set_status`` to acknowledged, through
    the outbox when offline): the line goes when the feed's next diff says so, on every
    console alike. Recording an update opens the detail's "Reporter updated…" prompt
    for that incident, even if the list's filter hides it.
    """

    sig_message = Signal(str)

    def __init__(
        self,
        stack: AlertStack,
        gateway: IncidentGateway,
        table: IncidentTableView,
        detail: IncidentDetailPanel,
        *,
        show_detail: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(stack)
        self.gateway = gateway
        self.table = table
        self.detail = detail
        self.show_detail = show_detail  # the window's: the detail may be a closed dock
        self._tasks = TaskSet()
        stack.sig_incident_selected.connect(self._on_stack_incident_selected)
        stack.sig_acknowledge_requested.connect(self.acknowledge)
        stack.sig_caller_update_requested.connect(self.record_caller_update)

    def _on_stack_incident_selected(self, incident_id: int) -> None:
        self.table.select_incident(incident_id)

    def acknowledge(self, incident: IncidentSnapshot) -> None:
        self._tasks.spawn(self._acknowledge(incident))

    async def _acknowledge(self, incident: IncidentSnapshot) -> None:
        status = Status.ACKNOWLEDGED
        try:
            await self.gateway.writes.set_status(incident.reference, status.value, incident.version)
        except ControlroomError as exc:
            self.sig_message.emit(str(exc))
            return
        self.sig_message.emit(f"{incident.reference}: {status.label}")

    def record_caller_update(self, incident: IncidentSnapshot) -> None:
        if not self.table.select_incident(incident.id):
            self.detail.show_incident(incident)  # filtered out of the list: show it anyway
        self.show_detail()
        self.detail.prompt_caller_update()
