"""``MainWindow``: composes the live incident list, the map and the status bar.

Data flows one way: ``FeedController`` → (snapshot / diff) → ``IncidentTableModel``
and ``MapBridge`` → widgets. The window never queries the database itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from controlroom.config import Settings
from controlroom.core.domain import LOCAL_TZ, Status, grade_label
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import Diff, IncidentSnapshot, Snapshot, UnitSnapshot, VenueSnapshot
from controlroom.incidents.filters import IncidentFilter, current_night_start
from ui.common.service import IncidentService
from ui.common.tasks import TaskSet
from ui.dispersal.actions import DispersalActions
from ui.dispersal.panel import DispersalPanel
from ui.feed.controller import FeedController
from ui.feed.outage_banner import OutageBanner
from ui.incidents.actions import IncidentActions
from ui.incidents.alerts import AlertController
from ui.incidents.detail import IncidentDetailPanel
from ui.incidents.filter_bar import FilterBar
from ui.incidents.model import IncidentTableModel
from ui.incidents.view import IncidentTableView
from ui.map.view import MapView
from ui.offline.outbox_panel import OutboxPanel
from ui.patrols.actions import PatrolActions, incident_tasks
from ui.patrols.flag_board import FlagBoard
from ui.patrols.unit_board import UnitBoard

OPEN_STATUSES = {Status.NEW.value, Status.ACKNOWLEDGED.value, Status.DISPATCHED.value, Status.ON_SCENE.value}


class MainWindow(QMainWindow):
    """The control-room window: incidents on the left, the map on the right."""

    def __init__(
        self,
        feed: FeedController,
        service: IncidentService,
        settings: Settings,
        ui_state: QSettings,
        *,
        database_label: str = "",
        alert_sound: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("controlroom — city-centre night safety")
        self.feed = feed
        self.service = service
        self.ui_state = ui_state
        self.venues: dict[int, VenueSnapshot] = {}
        self._tally_tasks = TaskSet()
        self.model = IncidentTableModel(targets=settings.grade_targets, parent=self)
        self.table = IncidentTableView(self.model)
        self.map = MapView(settings)
        self.detail = IncidentDetailPanel(service)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(self._incident_panel())
        self.left.addWidget(self.detail)
        self.left.setChildrenCollapsible(False)
        self.units = UnitBoard(service)
        self.flags = FlagBoard()
        self.dispersal = DispersalPanel()
        self.boards = QTabWidget()
        self.boards.addTab(self.units, "&Units")
        self.boards.addTab(self.flags, "F&lags")
        self.boards.addTab(self.dispersal, "Dis&persal")
        self.outbox_panel = OutboxPanel(service)
        self.boards.addTab(self.outbox_panel, "Pe&nding")
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.map)
        self.right.addWidget(self.boards)
        self.right.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.right)
        self.splitter.setChildrenCollapsible(False)
        self.banner = OutageBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._connection = QLabel("connecting…")
        self._connection.setObjectName("connection")
        # The reason comes from the driver and may quote typed values: never rich text.
        self._connection.setTextFormat(Qt.TextFormat.PlainText)
        self._last_update = QLabel("")
        self.statusBar().addWidget(self._connection)
        self.statusBar().addWidget(self._last_update)
        self.database_label = QLabel(database_label)
        self.database_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.database_label)
        self.alerts = AlertController(self.model, self.map.bridge, self, sound=alert_sound)
        self.actions = IncidentActions(
            self,
            service,
            self.table,
            self.detail,
            self.map.bridge,
            lambda: sorted(self.venues.values(), key=lambda v: v.name),
            lambda: self.units.model.units(),
            tasks=incident_tasks(self._incident_by_id),
        )
        self.patrols = PatrolActions(
            self,
            service,
            self.flags,
            self.units,
            self.map.bridge,
            lambda: sorted(self.venues.values(), key=lambda v: v.name),
            incident_tasks(self._incident_by_id),
        )
        self.dispersal_actions = DispersalActions(self, service, self.dispersal, self.map.bridge)
        self._restore_layout()
        self._connect()
        # After connecting: restoring a saved filter emits it to the list and the map.
        self.filter_bar.restore(self.ui_state)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, activated=self.filter_bar.focus_search)
        self._minute = QTimer(self)
        self._minute.setInterval(60_000)
        self._minute.timeout.connect(self._on_minute_ticked)
        self._minute.start()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._on_clock_ticked)
        self._clock.start()
        self._heading_timer = QTimer(self)
        self._heading_timer.setSingleShot(True)
        self._heading_timer.setInterval(1000)
        self._heading_timer.timeout.connect(self._refresh_heading)

    def _incident_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        heading = QHBoxLayout()
        self.title = QLabel("Live incidents")
        self.title.setObjectName("boardTitle")
        self.counts = QLabel("")
        self.counts.setObjectName("boardCounts")
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.counts)
        layout.addLayout(heading)
        self.filter_bar = FilterBar()
        layout.addWidget(self.filter_bar)
        self.breach_banner = QPushButton("")
        self.breach_banner.setObjectName("breachBanner")
        self.breach_banner.hide()
        self.breach_banner.clicked.connect(self._on_breach_banner_clicked)
        layout.addWidget(self.breach_banner)
        layout.addWidget(self.table)
        return panel

    def _connect(self) -> None:
        self.feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        self.feed.sig_diff_received.connect(self._on_feed_diff_received)
        self.feed.sig_connection_changed.connect(self._on_feed_connection_changed)
        self.table.sig_incident_selected.connect(self._on_table_incident_selected)
        self.map.bridge.sig_incident_clicked.connect(self._on_map_incident_clicked)
        self.model.sig_target_breached.connect(self._on_model_target_breached)
        self.filter_bar.sig_filter_changed.connect(self._on_filter_bar_filter_changed)
        self.detail.sig_message.connect(self.show_message)
        self.units.sig_message.connect(self.show_message)
        self.actions.sig_message.connect(self.show_message)
        self.patrols.sig_message.connect(self.show_message)
        self.dispersal_actions.sig_message.connect(self.show_message)
        self.feed.sig_retry_scheduled.connect(self.banner.set_retry)
        self.banner.sig_show_pending_requested.connect(self._on_banner_show_pending_requested)
        self.outbox_panel.sig_counts_changed.connect(self._on_outbox_counts_changed)
        self.outbox_panel.sig_message.connect(self.show_message)
        self.service.incident_lookup = self._incident_by_reference
        self.outbox_panel.refresh()  # writes left from an earlier run show at once

    # -- feed ----------------------------------------------------------------

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.venues = {v.id: v for v in snapshot.venues}
        self.model.reset(snapshot.incidents)
        self.map.bridge.reset(snapshot.incidents, snapshot.venues)
        self.alerts.load(snapshot.incidents)
        names = self._task_names(snapshot.units)
        self.units.model.reset(snapshot.units, names)
        self.map.bridge.reset_patrols(snapshot.units, snapshot.flags, names)
        self.flags.model.reset(snapshot.flags, snapshot.units)
        self._refresh_flag_tab()
        self.dispersal.reset(snapshot.zones, snapshot.directions)
        self.map.bridge.reset_zones(snapshot.zones)
        self._refresh_tally()
        self._refresh_heading()
        if self.detail.incident is not None:  # after a resync the shown incident may have moved on
            self.detail.show_incident(self._incident_by_id(self.detail.incident.id))

    def _on_feed_diff_received(self, diff: Diff) -> None:
        for change in diff.venue_changes():
            if change.venue is not None:
                self.venues[change.entity_id] = change.venue
        self.model.apply_changes(diff.changes)
        self.map.bridge.apply_changes(diff.changes)
        self.alerts.apply_changes(diff.incident_changes())
        patrol_changes = diff.unit_changes() + diff.flag_changes()
        if patrol_changes:
            names = self._task_names(c.unit for c in patrol_changes if c.unit is not None)
            self.units.model.apply_changes(patrol_changes, names)
            self.map.bridge.apply_patrol_changes(patrol_changes, names)
            self.flags.model.apply_changes(patrol_changes)
            self.flags.model.set_units(self.units.model.units())
            self._refresh_flag_tab()
        dispersal = diff.dispersal_changes()
        if dispersal:
            self.map.bridge.apply_zone_changes([c.zone for c in dispersal if c.zone is not None])
            for subject in self.dispersal.apply_changes(dispersal):
                self.show_message(f"⚠ {subject.alert}: person #{subject.id}")
                self.boards.setCurrentWidget(self.dispersal)
            self._refresh_tally()
        shown = self.detail.incident
        if shown is not None:
            for change in diff.incident_changes():
                if change.entity_id == shown.id and change.incident is not None:
                    self.detail.show_incident(change.incident)
        # At peak load the heading would be re-laid out several times a second for
        # figures an operator reads at most once a second (the model keeps the counts).
        if not self._heading_timer.isActive():
            self._heading_timer.start()

    def _on_feed_connection_changed(self, ok: bool, message: str) -> None:
        self._connection.setProperty("state", "ok" if ok else "lost")
        self._connection.setText("● Live" if ok else f"● Database unreachable: {message}")
        self._connection.style().unpolish(self._connection)
        self._connection.style().polish(self._connection)
        self.service.online = ok
        if ok:
            self.banner.set_connected()
        else:
            self.banner.set_lost(self.feed.last_good, message, self.feed.lost_at)
        self.outbox_panel.on_connection_changed(ok)

    def _on_outbox_counts_changed(self, pending: int, conflicts: int) -> None:
        self.banner.set_outbox_counts(pending, conflicts)
        count = pending + conflicts
        title = f"Pe&nding ({count})" if count else "Pe&nding"
        self.boards.setTabText(self.boards.indexOf(self.outbox_panel), title)
        if conflicts:
            self.boards.setCurrentWidget(self.outbox_panel)

    def _on_banner_show_pending_requested(self) -> None:
        self.boards.setCurrentWidget(self.outbox_panel)

    def _task_names(self, units: Iterable[UnitSnapshot]) -> dict[int, str]:
        names = {}
        for unit in units:
            row = self.model.row_of(unit.incident_id) if unit.incident_id else None
            if row is not None:
                names[unit.incident_id] = self.model.incident_at(row).reference
        return names

    def _refresh_flag_tab(self) -> None:
        count = self.flags.model.rowCount()
        self.boards.setTabText(self.boards.indexOf(self.flags), f"F&lags ({count})" if count else "F&lags")

    def _refresh_tally(self) -> None:
        self._tally_tasks.spawn(self._load_tally())

    async def _load_tally(self) -> None:
        try:
            tally = await self.service.night_tally()
        except (ControlroomError, SQLAlchemyError, OSError):
            return  # the connection banner already says the database is unreachable
        if not shiboken6.isValid(self.dispersal):
            return  # the window closed while the tally was loading
        self.dispersal.set_tally(tally.warnings, tally.directions, tally.surrendered_items, tally.breaches)

    def _incident_by_reference(self, reference: str) -> IncidentSnapshot | None:
        return next((i for i in self.model.incidents() if i.reference == reference), None)

    def _incident_by_id(self, incident_id: int) -> IncidentSnapshot | None:
        row = self.model.row_of(incident_id)
        return self.model.incident_at(row) if row is not None else None

    # -- selection both ways -------------------------------------------------

    def _on_table_incident_selected(self, incident_id: int) -> None:
        self.map.bridge.select_incident(incident_id)
        row = self.model.row_of(incident_id)
        self.detail.show_incident(self.model.incident_at(row) if row is not None else None)

    # -- filters ------------------------------------------------------------

    def _on_filter_bar_filter_changed(self, incident_filter: IncidentFilter) -> None:
        self.table.proxy.set_filter(incident_filter)
        self.map.bridge.set_filter(incident_filter)
        self._refresh_heading()

    def _on_minute_ticked(self) -> None:
        # "Last 2 h" and "this night" windows move with the clock.
        self.table.proxy.refresh_time_window()
        self.map.bridge.refresh_filter()
        self._refresh_heading()

    # -- messages and target breaches ----------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)

    def _on_model_target_breached(self, incident: IncidentSnapshot) -> None:
        self._breached = incident
        self.breach_banner.setText(
            f"⚠ {incident.reference} {grade_label(incident.grade)} target breached — "
            "tell the reporter about the delay (click to record)"
        )
        self.breach_banner.show()

    def _on_breach_banner_clicked(self) -> None:
        self.breach_banner.hide()
        if self.table.select_incident(self._breached.id):
            self.detail.prompt_caller_update()

    def _on_map_incident_clicked(self, incident_id: int) -> None:
        self.table.select_incident(incident_id)

    # -- heading and clock ---------------------------------------------------

    def _refresh_heading(self) -> None:
        # The same night the "This night" filter shows: during the day shift, the one just ended.
        since = current_night_start(datetime.now(UTC))
        self.title.setText(f"Live incidents — night of {since.astimezone(LOCAL_TZ):%a %d %b}")
        open_, urgent, tonight = self.model.tally(OPEN_STATUSES, since=since)
        shown = ""
        incident_filter = self.filter_bar.current_filter()
        if not incident_filter.is_empty:
            shown = f"{self.table.proxy.rowCount()} shown ({incident_filter.describe()}) · "
        self.counts.setText(f"{shown}{open_} open · {urgent} G1/G2 open · {tonight} this night")
        if self.feed.last_good is not None:
            self._last_update.setText(f"  last update {self.feed.last_good.astimezone(LOCAL_TZ):%H:%M:%S}")

    def _on_clock_ticked(self) -> None:
        self.model.tick()
        if self.feed.last_good is not None:
            self._last_update.setText(f"  last update {self.feed.last_good.astimezone(LOCAL_TZ):%H:%M:%S}")

    # -- layout persistence --------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.ui_state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        right = self.ui_state.value("window/right")
        if not (right and self.right.restoreState(right)):
            self.right.setSizes([560, 280])
        left = self.ui_state.value("window/left")
        if not (left and self.left.restoreState(left)):
            self.left.setSizes([560, 300])
        # The splitter is restored again once the window has its real size
        # (see showEvent): sizes applied to an unsized splitter get rescaled.
        self._pending_splitter = self.ui_state.value("window/splitter")
        restored = bool(self._pending_splitter) and self.splitter.restoreState(self._pending_splitter)
        if not restored:
            # Without explicit sizes a QSplitter may give the web view zero width.
            width = max(self.width(), 1200)
            self.splitter.setSizes([int(width * 0.6), int(width * 0.4)])

    def save_layout(self) -> None:
        self.ui_state.setValue("window/geometry", self.saveGeometry())
        self.ui_state.setValue("window/splitter", self.splitter.saveState())
        self.ui_state.setValue("window/left", self.left.saveState())
        self.ui_state.setValue("window/right", self.right.saveState())
        self.filter_bar.save(self.ui_state)
        self.ui_state.sync()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        pending, self._pending_splitter = self._pending_splitter, None
        if pending:
            QTimer.singleShot(0, lambda: self.splitter.restoreState(pending))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        self._clock.stop()
        super().closeEvent(event)
