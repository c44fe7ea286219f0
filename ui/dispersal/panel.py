"""The dispersal panel: s.34 zones in force, s.35 directions still running, this night's tally.

``DirectionTableModel`` applies feed diffs (insert, update in place, remove when a
direction ends or is withdrawn). Zones are listed with their countdown. Keys on
the panel: Z authorise a zone, G give a direction, Enter open the selected
direction (asks why: a logged consultation), V vary or X withdraw it, H record its
take-home outcome (s.35(7)), W record words of advice, S record a person of concern
seen, P print the selected direction's paperwork (Shift+P the zone's authorisation).
A repeat-behaviour or breach alert on a person of concern shows in the banner until
dismissed. Showing the board is a consultation of the directions on it (DPA 2018
s.62): it is logged once each time the board is shown, never on a feed update. In
set-up mode (no users yet) no directions are shown or offered — only zones, which
are not personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QShortcut, QShowEvent
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
from ui.common.typed_text import shown_line
from ui.dispersal.action_specs import (
    NEW_DIRECTION,
    NEW_ZONE,
    OPEN_DIRECTION,
    PRINT_DIRECTION,
    PRINT_ZONE,
    SEEN,
    TAKE_HOME,
    VARY,
    WARN,
    WITHDRAW,
)
from ui.dispersal.gateway import DispersalGateway
from ui.feed.controller import FeedController

BOARD_VIEW = "dispersal board"  # how the s.62 log names a read of this board
SETUP_WORDS = (
    "Directions and persons of concern appear here once the first administrator exists and an "
    "operator or supervisor logs in (DPA 2018: every read of personal data names who made it). "
    "Zones (s.34) can be authorised now."
)

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
            task = ""
            if direction.take_home_task:
                task = " · take-home recorded" if direction.take_home_done else " · TAKE HOME TASK (H)"
            return f"{shown_line(direction.subject_description)} (~{direction.apparent_age}){task}"
        if column == UNTIL:
            local = direction.exclusion_ends_at.astimezone(LOCAL_TZ)
            return f"{local:%a %H:%M} · {time_left(direction.exclusion_ends_at, self._clock())}"
        if column == ITEMS:
            return shown_line(", ".join(direction.surrendered_items))
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
    sig_open_direction_requested = Signal(str)  # reference
    sig_vary_requested = Signal(str)
    sig_withdraw_requested = Signal(str)
    sig_take_home_requested = Signal(str)

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
        self._read_tasks = TaskSet()
        self._loaded = False
        self._read_logged = False  # this showing of the board is in the s.62 log
        self._personal_keys: list[tuple[str, QShortcut]] = []
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
        # One short line of keys (as wide as the board needs at 1.4x text on a 1366 screen), so
        # the directions keep the height; the full list is in its tooltip.
        hint = QLabel("Z zone · G give · Enter open · V vary · X withdraw · P print")
        hint.setToolTip(
            "Z authorise zone · G give direction · Enter open the direction (asks why, logged) · "
            "V vary · X withdraw · H take-home outcome (s.35(7)) · W words of advice · S person seen · "
            "P print direction · Shift+P print zone"
        )
        hint.setObjectName("formHint")
        self.setup_note = QLabel(SETUP_WORDS)
        self.setup_note.setWordWrap(True)
        self.setup_note.setObjectName("formHint")
        self.setup_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in (self.tally, self.alert, self.zone_list, self.setup_note, self.table, hint):
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
            (OPEN_DIRECTION, self._selected(self.sig_open_direction_requested)),
            (VARY, self._selected(self.sig_vary_requested)),
            (WITHDRAW, self._selected(self.sig_withdraw_requested)),
            (TAKE_HOME, self._selected(self.sig_take_home_requested)),
            (WARN, self.sig_warning_requested.emit),
            (SEEN, self.sig_sighting_requested.emit),
        ):
            self._personal_keys.append((spec.needs, registry.shortcut(spec, self, slot)))

    def _selected(self, signal: Any) -> Callable[[], None]:
        """A key that acts on the selected direction (nothing selected: nothing happens)."""

        def emit() -> None:
            direction = self.selected_direction()
            if direction is not None:
                signal.emit(direction.reference)

        return emit

    # -- from the feed -------------------------------------------------------

    def follow(self, feed: FeedController, gateway: DispersalGateway) -> None:
        """Keep zones, directions and the night's tally current from the feed."""
        self._gateway = gateway
        actor = gateway.commands.actor
        if not actor.may("dispersal.read"):
            self.show_setup_mode(actor.may)
        feed.sig_snapshot_loaded.connect(self._on_feed_snapshot_loaded)
        feed.sig_diff_received.connect(self._on_feed_diff_received)

    def show_setup_mode(self, may: Callable[[str], bool]) -> None:
        """No directions or persons shown or offered; the zones stay (not personal data)."""
        self.table.hide()
        self.setup_note.show()
        self.tally.setText("Tonight: zones only (set-up mode)")
        for needs, key in self._personal_keys:
            key.setEnabled(may(needs))

    @property
    def reads_personal_data(self) -> bool:
        return self._gateway is not None and self._gateway.commands.actor.may("dispersal.read")

    def _on_feed_snapshot_loaded(self, snapshot: Snapshot) -> None:
        directions = snapshot.directions if self.reads_personal_data else ()
        self.reset(snapshot.zones, directions)
        self._loaded = True
        self._log_read()
        self._refresh_tally()

    # -- DPA 2018 s.62: reading the board ---------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._log_read()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self._read_logged = False  # shown again later is a new read

    def _log_read(self) -> None:
        """Log the directions on the board once per showing (feed updates are not a new read)."""
        gateway = self._gateway
        if gateway is None or self._read_logged or not self._loaded or not self.isVisible():
            return
        if not self.reads_personal_data:
            return
        self._read_logged = True
        references = [d.reference for d in self.model.directions()]
        self._read_tasks.spawn(self._write_read_log(gateway, references))

    async def _write_read_log(self, gateway: DispersalGateway, references: list[str]) -> None:
        try:
            await gateway.log_read(BOARD_VIEW, references)
        except (ControlroomError, OSError):
            self._read_logged = False  # try again at the next showing

    def _on_feed_diff_received(self, diff: Diff) -> None:
        changes = diff.dispersal_changes()
        if changes and not self.reads_personal_data:
            changes = tuple(c for c in changes if c.zone is not None)
        if changes:
            for subject in self.apply_changes(changes):
                self.sig_person_alerted.emit(subject)
            self._refresh_tally()

    def _refresh_tally(self) -> None:
        if self._gateway is not None:
            self._tally_tasks.spawn(self._load_tally(self._gateway))

    async def _load_tally(self, gateway: DispersalGateway) -> None:
        if not self.reads_personal_data:
            return  # the night's tally counts people: not in set-up mode
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
            text = f"⚠ {subject.alert} — person #{subject.id}: {shown_line(subject.description[:120])}"
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
                f"s.34 {shown_line(zone.name)} · until {zone.ends_at.astimezone(LOCAL_TZ):%a %H:%M} · {state}"
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
