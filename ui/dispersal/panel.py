"""The dispersal panel: s.34 zones in force, s.35 directions still running, this night's tally.

``DirectionTableModel`` applies feed diffs (insert, update in place, remove when a
direction ends or is withdrawn). Zones are listed with their countdown. Keys on
the panel: Z authorise a zone, G give a direction, W record words of advice,
S record a person of concern seen, P print the selected direction's paperwork
(Shift+P the zone's authorisation). A repeat-behaviour or
breach alert on a person of concern shows in the banner until dismissed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import (
    Change,
    Diff,
    DirectionSnapshot,
    Snapshot,
    SubjectSnapshot,
    ZoneSnapshot,
)
from ui.common.actions import ActionRegistry
from ui.common.active_rows_model import ActiveRowsModel, Index
from ui.common.table_fit import fit_table
from ui.common.tasks import TaskSet
from ui.dispersal.action_specs import NEW_DIRECTION, NEW_ZONE, PRINT_DIRECTION, PRINT_ZONE, SEEN, WARN
from ui.dispersal.gateway import DispersalGateway
from ui.feed.controller import FeedController

COLUMNS = ("Reference", "Person", "Excluded until", "Items", "Breaches")
REFERENCE, PERSON, UNTIL, ITEMS, BREACHES = range(len(COLUMNS))


def time_left(end: datetime, now: datetime) -> str:
    minutes = max(0, int((end - now).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m left" if hours else f"{minutes}m left"


ZONE_ROWS = 3  # zones listed before the list scrolls


class DirectionTableModel(ActiveRowsModel[DirectionSnapshot]):
    """Directions still excluding someone; each leaves the list when it ends."""

    COLUMNS = COLUMNS

    def is_active(self, record: DirectionSnapshot, now: datetime) -> bool:
        return record.active(now)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        direction = self._rows[index.row()]
        column = index.column()
        if column == REFERENCE:
            return direction.reference
        if column == PERSON:
            # s.35(7): under 16 means taking him home or to a place of safety.
            task = " · TAKE HOME TASK" if direction.take_home_task else ""
            return f"{direction.subject_description} (~{direction.apparent_age}){task}"
        if column == UNTIL:
            local = direction.exclusion_ends_at.astimezone(LOCAL_TZ)
            return f"{local:%a %H:%M} · {time_left(direction.exclusion_ends_at, self._clock())}"
        if column == ITEMS:
            return ", ".join(direction.surrendered_items)
        return str(direction.breaches)

    def reset(self, directions: Iterable[DirectionSnapshot]) -> None:
        """Only for the first load and a resynchronisation."""
        self._reset_rows(directions, key=lambda d: d.given_at)

    def apply(self, directions: Sequence[DirectionSnapshot]) -> None:
        self._apply(directions)

    def expire(self) -> None:
        super().expire()
        self._repaint_column(UNTIL)  # the countdowns move on

    def direction_at(self, row: int) -> DirectionSnapshot:
        return self.record_at(row)

    def directions(self) -> list[DirectionSnapshot]:
        return self.records()


class DispersalPanel(QWidget):
    """Zones with countdowns, running directions, the tally and person-of-concern alerts."""

    sig_new_zone_requested = Signal()
    sig_new_direction_requested = Signal()
    sig_print_direction_requested = Signal(str)  # reference
    sig_print_zone_requested = Signal(int)  # zone id
    sig_warning_requested = Signal()
    sig_sighting_requested = Signal()
    sig_person_alerted = Signal(object)  # SubjectSnapshot whose change carries a new alert

    def __init__(
        self,
        *,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        registry: ActionRegistry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._gateway: DispersalGateway | None = None
        self._tally_tasks = TaskSet()
        self._clock = wall_clock
        self.zones: dict[int, ZoneSnapshot] = {}
        self.tally = QLabel("Tonight: —")
        self.tally.setObjectName("panelTitle")
        self.tally.setWordWrap(True)  # long labels must not set the window's minimum width
        self.alert = QPushButton("")
        self.alert.setMinimumWidth(100)
        self.alert.setObjectName("breachBanner")
        self.alert.clicked.connect(self.alert.hide)
        self.alert.hide()
        self.zone_list = QListWidget()
        self.model = DirectionTableModel(wall_clock=wall_clock, parent=self)
        self.table = _direction_table(self.model)
        # One line of keys, so the directions keep the height; the full list in its tooltip.
        hint = QLabel("Z zone · G direction · W advice · S seen · P print")
        hint.setToolTip(
            "Z authorise zone · G give direction · W words of advice · S person seen · "
            "P print direction · Shift+P print zone"
        )
        hint.setObjectName("formHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in (self.tally, self.alert, self.zone_list, self.table, hint):
            # The directions take whatever height the board has.
            layout.addWidget(widget, 1 if widget is self.table else 0)
        self._bind_keys(registry or ActionRegistry(self))
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self._on_clock_ticked)
        self._timer.start()

    def _bind_keys(self, registry: ActionRegistry) -> None:
        for spec, slot in (
            (NEW_ZONE, self.sig_new_zone_requested.emit),
            (NEW_DIRECTION, self.sig_new_direction_requested.emit),
            (PRINT_DIRECTION, self._on_print_pressed),
            (PRINT_ZONE, self._on_print_zone_pressed),
            (WARN, self.sig_warning_requested.emit),
            (SEEN, self.sig_sighting_requested.emit),
        ):
            registry.shortcut(spec, self, slot)

    # -- from the feed -------------------------------------------------------

    def follow(self, feed: FeedController, gateway: DispersalGateway) -> None:
        """Keep zones, directions and the night's tally current from the feed."""
        self._gateway = gateway
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        self.reset(snapshot.zones, snapshot.directions)
        self._refresh_tally()

    def _on_feed_diff_received(self, diff: Diff) -> None:
        changes = diff.dispersal_changes()
        if changes:
            for subject in self.apply_changes(changes):
                self.sig_person_alerted.emit(subject)
            self._refresh_tally()

    def _refresh_tally(self) -> None:
        if self._gateway is not None:
            self._tally_tasks.spawn(self._load_tally(self._gateway))

    async def _load_tally(self, gateway: DispersalGateway) -> None:
        try:
            tally = await gateway.night_tally()
        except (ControlroomError, OSError):
            return  # the connection banner already says the database is unreachable
        if not shiboken6.isValid(self):
            return  # the window closed while the tally was loading
        self.set_tally(tally.warnings, tally.directions, tally.surrendered_items, tally.breaches)

    def reset(self, zones: Iterable[ZoneSnapshot], directions: Iterable[DirectionSnapshot]) -> None:
        self.zones = {z.id: z for z in zones}
        self._redraw_zones()
        self.model.reset(directions)

    def apply_changes(self, changes: Sequence[Change]) -> list[SubjectSnapshot]:
        """Apply zone and direction changes; returns people whose change carries a new alert."""
        zones = [c.zone for c in changes if c.zone is not None]
        for zone in zones:
            self.zones[zone.id] = zone
        if zones:
            self._redraw_zones()
        self.model.apply([c.direction for c in changes if c.direction is not None])
        alerts = [c.subject for c in changes if c.subject is not None and c.subject.alert]
        if alerts:
            subject = alerts[-1]
            text = f"⚠ {subject.alert} — person #{subject.id}: {subject.description[:120]}"
            # A button reads "&x" as a mnemonic (hiding the "&", binding Alt+X): double them.
            self.alert.setText(text.replace("&", "&&"))
            self.alert.show()
        return alerts

    def set_tally(self, warnings: int, directions: int, items: int, breaches: int) -> None:
        self.tally.setText(
            f"Tonight: {warnings} warning{'s' * (warnings != 1)} · "
            f"{directions} direction{'s' * (directions != 1)} · "
            f"{items} item{'s' * (items != 1)} · {breaches} breach{'es' * (breaches != 1)}"
        )
        self.tally.setToolTip(
            f"This night: {warnings} words of advice, {directions} s.35 directions, "
            f"{items} items surrendered (s.37), {breaches} breaches"
        )

    def zones_in_force(self) -> list[ZoneSnapshot]:
        now = self._clock()
        return [z for z in sorted(self.zones.values(), key=lambda z: z.starts_at) if z.in_force(now)]

    def _redraw_zones(self) -> None:
        now = self._clock()
        live = [
            z for z in sorted(self.zones.values(), key=lambda z: z.starts_at)
            if z.withdrawn_at is None and z.ends_at > now
        ]  # fmt: skip
        self.zone_list.clear()
        for zone in live:
            state = time_left(zone.ends_at, now) if zone.starts_at <= now else "not yet in force"
            item = QListWidgetItem(
                f"s.34 {zone.name} · until {zone.ends_at.astimezone(LOCAL_TZ):%a %H:%M} · {state}"
            )
            item.setData(Qt.ItemDataRole.UserRole, zone.id)
            self.zone_list.addItem(item)
        if not live:
            self.zone_list.addItem("No dispersal zone in force")
        # As tall as its zones (up to three), so the directions below keep their rows.
        rows = min(self.zone_list.count(), ZONE_ROWS)
        self.zone_list.setFixedHeight(rows * (self.zone_list.fontMetrics().height() + 6) + 6)

    def _on_clock_ticked(self) -> None:
        self._redraw_zones()
        self.model.expire()

    # -- keys ----------------------------------------------------------------

    def add_context_action(self, action: QAction) -> None:
        """Offer ``action`` on the directions' context menu (it acts on the selected one)."""
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addAction(action)

    def selected_direction(self) -> DirectionSnapshot | None:
        index = self.table.currentIndex()
        return self.model.direction_at(index.row()) if index.isValid() else None

    def _on_print_pressed(self) -> None:
        direction = self.selected_direction()
        if direction is not None:
            self.sig_print_direction_requested.emit(direction.reference)

    def _on_print_zone_pressed(self) -> None:
        item = self.zone_list.currentItem() or self.zone_list.item(0)
        zone_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if zone_id is not None:
            self.sig_print_zone_requested.emit(int(zone_id))


def _direction_table(model: DirectionTableModel) -> QTableView:
    """Fixed-height rows (a live table is never sized to its contents), one row selected."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    fit_table(
        table,
        {
            REFERENCE: "S35-20261202-0000",
            PERSON: "Man, 30s, grey hoodie",
            UNTIL: "Sun 06 Dec 23:59",
            ITEMS: "Items",
        },
    )
    return table
