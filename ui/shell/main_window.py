"""``MainWindow``: composes the incident list, its docks (map, boards, detail) and the status bar.

Data flows one way: ``FeedController`` → (snapshot / diff) → each panel, which
follows the feed itself → widgets. The window only composes: it creates the
panels in the order they must hear the feed (the incident list first — the others
read task names and incidents from it), lays them out, and wires one panel's
signal to another's public slot. It never queries the database itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QWidget

from controlroom.commands import Commands
from controlroom.config import Settings
from controlroom.core.snapshots import SubjectSnapshot, VenueSnapshot
from ui.activity.gateway import ActivityGateway
from ui.activity.link import ActivityLink
from ui.cameras.actions import CameraActions
from ui.cameras.gateway import CameraGateway
from ui.cameras.panel import CamerasPanel
from ui.common.actions import ActionRegistry
from ui.decisions.action_specs import OPEN_DECISIONS
from ui.decisions.dock import DecisionsPanel
from ui.decisions.gateway import DecisionGateway
from ui.dispersal.actions import DispersalActions
from ui.dispersal.gateway import DispersalGateway
from ui.dispersal.panel import DispersalPanel
from ui.feed.controller import FeedController
from ui.feed.outage_banner import OutageBanner
from ui.feed.status import ConnectionStatus
from ui.feed.venues import VenueDirectory
from ui.footage.actions import FootageActions
from ui.footage.gateway import FootageGateway
from ui.handover.gateway import HandoverGateway
from ui.handover.link import HandoverLink
from ui.incidents.action_specs import FIND
from ui.incidents.actions import IncidentActions
from ui.incidents.alert_stack import AlertStack
from ui.incidents.alerts import AlertController, AlertStackActions
from ui.incidents.board import IncidentBoard
from ui.incidents.detail import IncidentDetailPanel
from ui.incidents.gateway import IncidentGateway
from ui.map.feed_link import MapFeedLink
from ui.map.view import MapView
from ui.offline.gateway import OfflineGateway
from ui.offline.outbox_panel import OutboxPanel
from ui.patrols.actions import PatrolActions, incident_tasks
from ui.patrols.flag_board import FlagBoard
from ui.patrols.street_network import StreetNetworkLink
from ui.patrols.unit_board import UnitBoard
from ui.procedures.book_warning import procedures_banner
from ui.reports.action_specs import OPEN_REPORTS
from ui.reports.dock import ReportsPanel
from ui.reports.gateway import ReportGateway
from ui.search.action_specs import OPEN as OPEN_SEARCH
from ui.search.gateway import SearchGateway
from ui.search.opener import SearchLink
from ui.shell.actions import (
    DETAIL,
    MAP_OVERVIEW,
    MAP_WINDOW,
    NEXT_PANE,
    PREVIOUS_PANE,
    RESET_LAYOUT,
    ZOOM_IN,
    ZOOM_OUT,
    ZOOM_RESET,
)
from ui.shell.boards import BoardTabs, focus_target
from ui.shell.layout import Panel, WindowLayout
from ui.shell.map_window import MapPlacement
from ui.shell.panes import PaneCycle
from ui.shell.text_scale import TextScale

MESSAGE_MS = 15_000
# Tab titles: each mnemonic is unique in the window (tests/ui/shell/test_actions.py).
UNITS_TAB, FLAGS_TAB, DISPERSAL_TAB, PENDING_TAB = "&Units", "F&lags", "D&ispersal", "Pe&nding"
CAMERAS_TAB = "Ca&meras"
WINDOW_MENU = "&Window"
STATUS_MIN_WIDTH = 80  # status-bar labels are clipped, not widening the window, at a large text scale
Area = Qt.DockWidgetArea


def short_database_label(url: str) -> str:
    """``SQLite · controlroom.sqlite3`` or ``PostgreSQL · host/db`` from a (masked) URL."""
    scheme, _, rest = url.partition("://")
    if scheme.startswith("sqlite"):
        return f"SQLite · {rest.rsplit('/', 1)[-1] or 'memory'}"
    if scheme.startswith("postgresql"):
        return f"PostgreSQL · {rest.rsplit('@', 1)[-1]}"
    return url


def user_key(name: str) -> str:
    """A user name as a QSettings key part (no separators)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"


class MainWindow(QMainWindow):
    """The control-room window: incidents on the left, the map and boards on the right."""

    def __init__(
        self,
        feed: FeedController,
        commands: Commands,
        writes: OfflineGateway,
        settings: Settings,
        ui_state: QSettings,
        *,
        database_label: str = "",
        alert_sound: Callable[[], None] | None = None,
        streets: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("controlroom — city-centre night safety")
        self.feed = feed
        self.commands = commands
        self.writes = writes
        self.ui_state = ui_state
        self.registry = ActionRegistry(self)
        # The logged-in user's part (ui.shell.session.install_session puts it here).
        self.session: QObject | None = None
        self.incident_gateway = IncidentGateway(commands, writes)
        self.dispersal_gateway = DispersalGateway(commands)
        self.camera_gateway = CameraGateway(commands)
        # Before any panel: the outbox panel asks the gateway whether it is online.
        feed.sig_connection_changed.connect(writes.set_connected)
        self._make_panels(settings, alert_sound, streets)
        self._make_boards()
        self._make_status_bar(database_label)
        self.layout_state = WindowLayout(
            self,
            self.banner,
            self.board,
            [
                Panel("alerts", "Alerts", self.alert_stack, Area.RightDockWidgetArea),
                Panel("map", "Map", self.map, Area.RightDockWidgetArea),
                Panel("boards", "Boards", self.boards, Area.RightDockWidgetArea),
                Panel(
                    "detail",
                    "Incident detail",
                    self.detail,
                    Area.RightDockWidgetArea,
                    shown=False,
                    tab_with="boards",
                ),
                Panel(
                    "reports",
                    "Reports",
                    self.reports,
                    Area.RightDockWidgetArea,
                    shown=False,
                    tab_with="boards",
                ),
                Panel(
                    "decisions",
                    "Decisions",
                    self.decisions,
                    Area.RightDockWidgetArea,
                    shown=False,
                    tab_with="boards",
                ),
            ],
        )
        self.docks = self.layout_state.docks
        self.map_placement = MapPlacement(self, self.docks["map"], self.map, MAP_WINDOW.key)
        self.panes = PaneCycle(self._pane_widgets)
        self.text_scale = TextScale(ui_state, self.map.bridge.set_label_scale)
        self.user = ""
        self.role_page: QLabel | None = None
        self._shown_once = False
        # A screenshot's window is nobody's arrangement: it does not overwrite the user's.
        self.saves_layout = True
        self._make_actions()
        self.layout_state.restore(ui_state, user_key(self.user))
        self._connect()
        # After connecting: restoring a saved filter emits it to the list and the map.
        self.filter_bar.restore(ui_state)
        # A refused procedures file: said across the top until it is fixed (the shipped ones are used).
        procedures_warning = procedures_banner(self.commands)
        if procedures_warning is not None:
            self.show_top_banner(procedures_warning)

    def _make_panels(
        self, settings: Settings, alert_sound: Callable[[], None] | None, streets: dict[str, Any] | None
    ) -> None:
        """Each panel follows the feed; the incident list first, since the others read it."""
        feed = self.feed
        self.venue_directory = VenueDirectory(feed, self)
        self.board = IncidentBoard(settings.grade_targets)
        self.board.follow(feed)
        self.model, self.table, self.filter_bar = self.board.model, self.board.table, self.board.filter_bar
        self.counts = self.board.counts
        self.writes.set_incident_lookup(self.board.incident_by_reference)
        self.map = MapView(settings, streets=streets)
        self.map_link = MapFeedLink(
            self.map.bridge, feed, self.board.task_names, streets=self.camera_gateway.street_segments
        )
        self.alerts = AlertController(self.model, self.map.bridge, self, sound=alert_sound)
        self.alerts.follow(feed)
        self.alert_stack = AlertStack(self.alerts.stack_model, registry=self.registry, window=self)
        self.detail = IncidentDetailPanel(self.incident_gateway, registry=self.registry)
        self.units = UnitBoard(self.commands, registry=self.registry)
        self.units.follow(feed, self.board.task_names)
        self.street_network = StreetNetworkLink(self.commands.db, self)
        self.street_network.follow(feed)
        self.flags = FlagBoard(registry=self.registry)
        self.flags.follow(feed, self.units.model.units)
        self.dispersal = DispersalPanel(registry=self.registry)
        self.dispersal.follow(feed, self.dispersal_gateway)
        self.cameras = CamerasPanel(self.camera_gateway, self._incident_reference, registry=self.registry)
        self.cameras.follow(feed)
        self.detail.follow(feed)
        self.reports = ReportsPanel(ReportGateway(self.commands.db, self.commands.context.actor))
        # The night's decision log (F10): new decisions link to the incident selected on the board.
        self.decisions = DecisionsPanel(
            DecisionGateway(self.commands), registry=self.registry, selected_incident=self._selected_reference
        )
        self.decisions.follow(feed)
        self.decisions.sig_count_changed.connect(self._on_decisions_count_changed)
        self.outbox_panel = OutboxPanel(self.writes)
        self.outbox_panel.follow(feed)
        self.banner = OutageBanner()
        self.banner.follow(feed)

    def _make_boards(self) -> None:
        self.boards = BoardTabs()
        # What each board needs the role to read (ui.shell.access removes the rest).
        self.board_needs: list[tuple[QWidget, str]] = [
            (self.units, "read.units"),
            (self.flags, "read.units"),
            (self.dispersal, "read.dispersal"),
            (self.cameras, "read.cameras"),
            (self.outbox_panel, "incident.report"),
        ]
        for widget, title in (
            (self.units, UNITS_TAB),
            (self.flags, FLAGS_TAB),
            (self.dispersal, DISPERSAL_TAB),
            (self.cameras, CAMERAS_TAB),
            (self.outbox_panel, PENDING_TAB),
        ):
            self.boards.addTab(widget, title)

    def _make_status_bar(self, database_label: str) -> None:
        self.connection_status = ConnectionStatus(self.feed, self)
        self.statusBar().addWidget(self.connection_status.connection)
        self.statusBar().addWidget(self.connection_status.last_update)
        # Clipped, not widening the window; each record left out is named in its tooltip.
        self.connection_status.rows_skipped.setMinimumWidth(STATUS_MIN_WIDTH)
        self.statusBar().addWidget(self.connection_status.rows_skipped)
        # Short, so status messages on the left are never run into; the whole URL in the tooltip.
        self.database_label = QLabel(short_database_label(database_label))
        self.database_label.setTextFormat(Qt.TextFormat.PlainText)
        self.database_label.setToolTip(database_label)
        self.database_label.setMinimumWidth(STATUS_MIN_WIDTH)
        self.statusBar().addPermanentWidget(self.database_label)

    def _make_actions(self) -> None:
        venues = self.venue_directory.by_name
        tasks = incident_tasks(self.board.incident_by_id)
        self.incident_actions = IncidentActions(
            self,
            self.incident_gateway,
            self.table,
            self.detail,
            self.map.bridge,
            venues,
            self.units.model.units,
            tasks=tasks,
            registry=self.registry,
        )
        self.patrols = PatrolActions(
            self,
            self.commands,
            self.flags,
            self.units,
            self.map.bridge,
            venues,
            tasks,
            registry=self.registry,
        )
        self.dispersal_actions = DispersalActions(
            self, self.dispersal_gateway, self.dispersal, self.map.bridge, registry=self.registry
        )
        self.camera_actions = CameraActions(
            self,
            self.camera_gateway,
            self.cameras,
            (self.table, self.flags, self.dispersal),
            self.board.incident_by_id,
            venues,
            registry=self.registry,
            point_chosen=self.map.bridge.sig_point_chosen,
        )
        self.footage_actions = FootageActions(
            self,
            FootageGateway(self.commands),
            self.table,
            self.board.incident_by_id,
            lambda: [camera.number for camera in self.cameras.model.cameras()],
            registry=self.registry,
        )
        self.registry.shortcut(FIND, self, self.filter_bar.focus_search, Qt.ShortcutContext.WindowShortcut)
        # K / Shift+K on the list: the selected incident's next procedure step.
        self.detail.steps.bind_list(self.table, self.table.selected_incident_id)
        # Every night's incidents: a result on the board is selected there, any other opens read-only.
        gateway = SearchGateway(self.commands)
        self.search = SearchLink(self, gateway, self.table.select_incident, self.show_detail)
        self.search.sig_message.connect(self.show_message)
        self.registry.shortcut(OPEN_SEARCH, self, self.search.open_panel, Qt.ShortcutContext.WindowShortcut)
        self._make_window_menu()

    def _make_window_menu(self) -> None:
        """Panes, the map's own window and the text scale; each dock can be shown again here."""
        menu = self.window_menu = QMenu(WINDOW_MENU, self)
        self.menuBar().addMenu(menu)
        entry = self.registry.menu_entry
        entry(NEXT_PANE, menu, self, lambda: self.panes.step(1))
        entry(PREVIOUS_PANE, menu, self, lambda: self.panes.step(-1))
        entry(DETAIL, menu, self, self.toggle_detail)
        entry(MAP_WINDOW, menu, self, self.map_placement.toggle)
        entry(MAP_OVERVIEW, menu, self, self.map.bridge.show_overview)
        menu.addSeparator()
        entry(ZOOM_IN, menu, self, self.text_scale.larger)
        entry(ZOOM_OUT, menu, self, self.text_scale.smaller)
        entry(ZOOM_RESET, menu, self, self.text_scale.reset)
        menu.addSeparator()
        # Reports through its declared entry (F9), offered only to roles that may read reports.
        entry(OPEN_REPORTS, menu, self, self.show_reports)
        # Shift handover: Ctrl+H drafts and hands over, Ctrl+Alt+H reads past handovers.
        self.handover = HandoverLink(
            self, HandoverGateway(self.commands, self.model.targets), registry=self.registry, menu=menu
        )
        self.handover.follow(self.feed)
        self.handover.sig_message.connect(self.show_message)
        self.alert_stack.sig_handover_opened.connect(self.handover.open_handover)
        # The decision log (F10) and one's activity (Ctrl+Shift+Y), offered by role.
        entry(OPEN_DECISIONS, menu, self, self.show_decisions)
        self.activity = ActivityLink(self, ActivityGateway(self.commands), registry=self.registry, menu=menu)
        for name, dock in self.docks.items():
            if name not in ("reports", "decisions"):
                menu.addAction(dock.toggleViewAction())
        entry(RESET_LAYOUT, menu, self, self.reset_layout)

    def _connect(self) -> None:
        self.table.sig_incident_selected.connect(self._on_table_incident_selected)
        self.map.bridge.sig_incident_clicked.connect(self.table.select_incident)
        self.cameras.sig_camera_selected.connect(self.map.bridge.select_camera)
        self.reports.sig_hotspots_ready.connect(self.map.bridge.set_hotspots)
        self.board.sig_filter_changed.connect(self.map.bridge.set_filter)
        self.alert_actions = AlertStackActions(
            self.alert_stack, self.incident_gateway, self.table, self.detail, show_detail=self.show_detail
        )
        self.alert_actions.sig_message.connect(self.show_message)
        self.flags.sig_count_changed.connect(self._on_flags_count_changed)
        self.dispersal.sig_person_alerted.connect(self._on_dispersal_person_alerted)
        for source in (
            self.detail,
            self.units,
            self.incident_actions,
            self.patrols,
            self.dispersal_actions,
            self.camera_actions,
            self.footage_actions,
            self.decisions,
        ):
            source.sig_message.connect(self.show_message)
        self.banner.sig_show_pending_requested.connect(self._on_banner_show_pending_requested)
        self.outbox_panel.sig_counts_changed.connect(self._on_outbox_counts_changed)
        self.outbox_panel.sig_message.connect(self.show_message)
        self.outbox_panel.refresh()  # writes left from an earlier run show at once

    # -- what the window is asked (tests, session, access) ---------------------

    @property
    def venues(self) -> dict[int, VenueSnapshot]:
        """Venues by id, as the feed last described them."""
        return self.venue_directory.by_id

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def remove_board(self, board: QWidget) -> None:
        """Take a board's tab away (a role that may not read it); no tabs left, no tab widget."""
        index = self.boards.indexOf(board)
        if index >= 0:
            self.boards.removeTab(index)
            board.hide()
        if self.boards.count() == 0:
            self.boards.hide()
            self.docks["boards"].hide()
            self.docks["boards"].toggleViewAction().setVisible(False)

    def show_role_page(self, text: str) -> QLabel:
        """Replace the board with a plain page (roles that may not see incidents)."""
        self.role_page = self.layout_state.show_page(text)
        return self.role_page

    def show_top_banner(self, banner: QWidget) -> None:
        """A banner above everything else (set-up mode)."""
        self.layout_state.insert_top(banner)

    # -- between panels --------------------------------------------------------

    def _pane_widgets(self) -> list[QWidget]:
        """The panes F6 visits, in order (hidden ones are skipped by the cycle)."""
        if self.role_page is not None:
            return []
        return [self.table, self.alert_stack, self.map, self.boards, self.detail, self.decisions]

    def toggle_detail(self) -> None:
        """Show the detail of the selected incident with the keyboard in it, or hide it."""
        dock = self.docks["detail"]
        if dock.isVisible() and (dock.isAncestorOf(self.focusWidget()) if self.focusWidget() else False):
            dock.hide()
            self.table.setFocus()
            return
        self.show_detail()

    def show_detail(self) -> None:
        dock = self.docks["detail"]
        dock.show()
        dock.raise_()
        focus_target(self.detail).setFocus()

    def show_reports(self) -> None:
        """The Reports dock in front with the keyboard in its period picker."""
        dock = self.docks["reports"]
        dock.show()
        dock.raise_()
        self.reports.focus_picker()

    def show_decisions(self) -> None:
        """The Decisions dock in front with the keyboard on its list."""
        dock = self.docks["decisions"]
        dock.show()
        dock.raise_()
        self.decisions.make_room(dock)
        self.decisions.focus_list()

    def reset_layout(self) -> None:
        """Every dock back where it starts (the detail hidden), sizes as on first start."""
        self.map_placement.to_dock()
        for name, dock in self.docks.items():
            dock.setFloating(False)
            if name in ("detail", "reports", "decisions"):
                self.tabifyDockWidget(self.docks["boards"], dock)
            else:
                self.addDockWidget(Area.RightDockWidgetArea, dock)
            dock.setVisible(name not in ("detail", "reports", "decisions") and self.role_page is None)
        self.layout_state.apply_default_sizes()
        self.layout_state.follow_window_size = True

    def _on_table_incident_selected(self, incident_id: int) -> None:
        self.map.bridge.select_incident(incident_id)
        self.detail.show_incident(self.board.incident_by_id(incident_id))

    def _selected_reference(self) -> str | None:
        """The reference of the incident selected on the board, if any."""
        selected = self.table.selected_incident_id()
        return self._incident_reference(selected) if selected is not None else None

    def _incident_reference(self, incident_id: int) -> str | None:
        incident = self.board.incident_by_id(incident_id)
        return incident.reference if incident is not None else None

    def _on_decisions_count_changed(self, count: int) -> None:
        self.docks["decisions"].setWindowTitle(f"Decisions ({count} tonight)" if count else "Decisions")

    def _on_flags_count_changed(self, count: int) -> None:
        title = f"{FLAGS_TAB} ({count})" if count else FLAGS_TAB
        self.boards.setTabText(self.boards.indexOf(self.flags), title)

    def _on_dispersal_person_alerted(self, subject: SubjectSnapshot) -> None:
        self.show_message(f"⚠ {subject.alert}: person #{subject.id}")
        self.boards.setCurrentWidget(self.dispersal)

    def _on_outbox_counts_changed(self, pending: int, conflicts: int) -> None:
        self.banner.set_outbox_counts(pending, conflicts)
        count = pending + conflicts
        title = f"{PENDING_TAB} ({count})" if count else PENDING_TAB
        self.boards.setTabText(self.boards.indexOf(self.outbox_panel), title)
        if conflicts:
            self.boards.setCurrentWidget(self.outbox_panel)

    def _on_banner_show_pending_requested(self) -> None:
        self.boards.setCurrentWidget(self.outbox_panel)

    # -- layout persistence --------------------------------------------------

    def apply_user(self, name: str) -> None:
        """The logged-in user's own arrangement of panels and text scale."""
        self.user = name
        key = user_key(name)
        self.layout_state.restore(self.ui_state, key)
        columns = self.ui_state.value(f"layout/{key}/columns")
        if columns is not None:
            self.table.horizontalHeader().restoreState(columns)
        self.text_scale.restore(key)

    def save_layout(self) -> None:
        key = user_key(self.user)
        self.layout_state.save(self.ui_state, key)
        self.ui_state.setValue(f"layout/{key}/columns", self.table.horizontalHeader().saveState())
        self.filter_bar.save(self.ui_state)
        self.ui_state.sync()

    @property
    def has_saved_geometry(self) -> bool:
        """Whether this user's window size and place were saved (else: start maximised)."""
        return self.layout_state.has_saved_geometry

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._shown_once and self.layout_state.follow_window_size:
            self.layout_state.apply_default_sizes()

    def event(self, event: QEvent) -> bool:
        # A press on the window itself (not a child) is on a dock separator: from then on
        # the operator's own proportions stand.
        if event.type() == QEvent.Type.MouseButtonPress:
            self.layout_state.follow_window_size = False
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.layout_state.on_first_show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.saves_layout:
            self.save_layout()
        self.map_placement.to_dock()
        self.board.stop_clock()
        self.connection_status.stop()
        super().closeEvent(event)
