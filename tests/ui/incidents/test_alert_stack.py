"""The alert stack on its own (a fake clock, real model, controller and widget): its order and
count as alerts arrive, its keys, Grade 1's own tone and colours, and no entry ever dropped."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from controlroom.core.snapshots import Change, IncidentSnapshot
from tests.core.incidents.test_alert_ranking import NOW, incident
from tests.payloads import PLACE
from ui.common import theme
from ui.common.typed_text import shown_line
from ui.incidents.alert_stack import AlertStack
from ui.incidents.alerts import AlertController
from ui.incidents.model import REF, IncidentTableModel
from ui.map.bridge import MapBridge


def upsert(snapshot: IncidentSnapshot, seq: int = 1) -> Change:
    return Change(seq=seq, entity="incident", op="upsert", entity_id=snapshot.id, incident=snapshot)


class Console:
    """A model, the controller and the stack, as the window wires them, on a clock we move."""

    def __init__(self, qtbot: Any) -> None:
        self.now = NOW
        self.window = QWidget()
        qtbot.addWidget(self.window)
        self.g1_tones: list[int] = []
        self.g2_tones: list[int] = []
        self.model = IncidentTableModel(wall_clock=lambda: self.now)
        self.alerts = AlertController(
            self.model,
            MapBridge(),
            self.window,
            sound=lambda: self.g2_tones.append(1),
            g1_sound=lambda: self.g1_tones.append(1),
            notify=lambda _title, _text: None,
            wall_clock=lambda: self.now,
        )
        self.stack = AlertStack(self.alerts.stack_model, window=self.window, parent=self.window)
        self.window.resize(520, 260)
        self.window.show()

    def load(self, incidents: list[IncidentSnapshot]) -> None:
        self.model.reset(incidents)
        self.alerts.load(incidents)

    def arrive(self, *snapshots: IncidentSnapshot) -> None:
        changes = [upsert(s, n) for n, s in enumerate(snapshots, 1)]
        self.model.apply_changes(changes)
        self.alerts.apply_changes(changes)

    def references(self) -> list[str]:
        return [entry.reference for entry in self.alerts.stack_model.entries()]


def test_the_stack_ranks_counts_and_keeps_every_entry_as_others_arrive(qtbot: Any) -> None:
    console = Console(qtbot)
    assert console.stack.count.text() == "No alerts" and console.stack.list.isHidden()
    console.load([incident(1, 2, 20), incident(2, 2, 5), incident(3, 2, 99, "acknowledged")])
    assert console.references() == ["SOT-20261205-0003", "SOT-20261205-0002", "SOT-20261205-0001"]
    assert console.stack.count.text() == "3 alerts — 1 over target · 2 G2"
    assert console.stack.lines()[0] == "G2  SOT-20261205-0003  Place 3  ·  39 min over"
    # The operator is on the last line when a Grade 1 arrives: it goes on top, nothing leaves.
    console.stack.list.setCurrentIndex(console.alerts.stack_model.index(2))
    console.arrive(incident(4, 1, 0.5))
    assert console.references() == [
        "SOT-20261205-0004",
        "SOT-20261205-0003",
        "SOT-20261205-0002",
        "SOT-20261205-0001",
    ]
    assert console.stack.count.text() == "4 alerts — 1 G1 · 1 over target · 2 G2"
    assert console.stack.current_entry().reference == "SOT-20261205-0001"  # still where they were
    # Forty minutes on, the older Grade 2 is exactly at its 60 min target: not over it yet.
    console.now += timedelta(minutes=40)
    console.model.tick()
    assert console.stack.count.text() == "4 alerts — 1 G1 · 1 over target · 2 G2"
    # A minute later it is; the new Grade 1 is over its target too but stays first.
    console.now += timedelta(minutes=1)
    console.model.tick()
    assert console.references() == [
        "SOT-20261205-0004",
        "SOT-20261205-0003",
        "SOT-20261205-0001",
        "SOT-20261205-0002",
    ]
    assert console.stack.count.text() == "4 alerts — 1 G1 · 2 over target · 1 G2"
    assert console.stack.lines()[1].endswith("1 h 20 min over")
    assert console.stack.lines()[2].endswith("1 min over")
    assert console.stack.current_entry().reference == "SOT-20261205-0001"  # followed its line


def test_f8_jumps_to_the_top_line_and_its_keys_act_on_the_current_line(qtbot: Any) -> None:
    console = Console(qtbot)
    console.load([incident(1, 2, 20), incident(2, 1, 3), incident(3, 2, 70, "acknowledged")])
    console.window.activateWindow()
    selected: list[int] = []
    acknowledged: list[str] = []
    updates: list[str] = []
    console.stack.sig_incident_selected.connect(selected.append)
    console.stack.sig_acknowledge_requested.connect(lambda i: acknowledged.append(i.reference))
    console.stack.sig_caller_update_requested.connect(lambda i: updates.append(i.reference))
    console.stack.jump_key.activated.emit()  # F8, wherever the focus is in the window
    assert selected == [2] and console.stack.current_entry().incident_id == 2
    assert console.stack.list.hasFocus() or not console.window.isActiveWindow()
    console.stack.acknowledge_key.activated.emit()  # A
    assert acknowledged == ["SOT-20261205-0002"]
    qtbot.keyClick(console.stack.list, Qt.Key.Key_Down)  # moving selects, as in the list
    assert selected == [2, 3] and console.stack.current_entry().incident_id == 3
    console.stack.select_key.activated.emit()  # Enter selects it again
    assert selected == [2, 3, 3]
    console.stack.acknowledge_key.activated.emit()  # an acknowledged breach: nothing to acknowledge
    assert acknowledged == ["SOT-20261205-0002"]
    console.stack.update_key.activated.emit()  # U
    assert updates == ["SOT-20261205-0003"]


def test_a_grade_1_has_its_own_tone_until_acknowledged(qtbot: Any) -> None:
    console = Console(qtbot)
    console.load([])
    console.arrive(incident(1, 2, 1))
    assert (console.g2_tones, console.g1_tones) == ([1], [])
    console.arrive(incident(2, 1, 0))
    assert (console.g2_tones, console.g1_tones) == ([1], [1])
    console.alerts._on_repeat_timeout()  # the reminder: a Grade 1 still waits, so its tone
    assert console.g1_tones == [1, 1]
    console.arrive(dataclasses.replace(incident(2, 1, 0, "acknowledged"), version=2))
    console.alerts._on_repeat_timeout()
    assert (console.g2_tones, console.g1_tones) == ([1, 1], [1, 1])


def test_the_map_centres_once_on_a_new_grade_1_only(qtbot: Any) -> None:
    console = Console(qtbot)
    centred: list[int] = []
    bridge = console.alerts.bridge
    real = bridge.centre_once
    bridge.centre_once = lambda incident_id: (centred.append(incident_id), real(incident_id))  # type: ignore[method-assign]
    console.load([incident(1, 1, 30)])  # already up when the console opened: no jump
    console.arrive(incident(2, 2, 0), incident(3, 1, 1), incident(4, 1, 0))
    assert centred == [4]  # the newest of the new Grade 1s, once
    console.arrive(dataclasses.replace(incident(4, 1, 0), summary="more", version=2))
    assert centred == [4]


def test_a_grade_1_row_swaps_between_its_own_reds_and_a_grade_2_flashes_amber_not_red(qtbot: Any) -> None:
    console = Console(qtbot)
    console.load([incident(1, 2, 1), incident(2, 1, 0)])
    backgrounds: dict[int, list[str | None]] = {1: [], 2: []}
    for _beat in range(2):
        console.model.tick()
        for incident_id in (1, 2):
            brush = console.model.data(
                console.model.index(console.model.row_of(incident_id), REF), Qt.ItemDataRole.BackgroundRole
            )
            backgrounds[incident_id].append(brush.color().name() if isinstance(brush, QBrush) else None)
    assert sorted(backgrounds[2], key=str) == sorted([theme.FLASH_ROW_G1, theme.FLASH_ROW_G1_DIM])
    assert sorted(backgrounds[1], key=str) == sorted([theme.FLASH_ROW_G2, None], key=str)
    # The Grade 2's bright phase has no red in it: its hue sits in the amber band.
    g2_hue = QColor(theme.FLASH_ROW_G2).hsvHue()
    assert 25 <= g2_hue <= 50 and all(
        QColor(c).hsvHue() >= 340 for c in (theme.FLASH_ROW_G1, theme.FLASH_ROW_G1_DIM)
    )
    assert console.stack._pulse.isActive()  # the G1 line's bar pulses
    console.arrive(dataclasses.replace(incident(2, 1, 0, "acknowledged"), version=2))
    assert not console.stack._pulse.isActive() and console.references() == ["SOT-20261205-0001"]


def test_the_typed_place_is_plain_text_in_the_line_and_escaped_in_its_tooltip(qtbot: Any) -> None:
    console = Console(qtbot)
    console.load([dataclasses.replace(incident(1, 1, 2), place=PLACE)])
    model = console.alerts.stack_model
    assert shown_line(PLACE) in model.data(
        model.index(0), Qt.ItemDataRole.DisplayRole
    )  # controls spelled out
    tooltip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip.lower() and "<b>" not in tooltip.lower()


def test_fifty_alerts_refresh_in_place_once_a_second(qtbot: Any) -> None:
    console = Console(qtbot)
    console.load([incident(n, 1 + n % 2, n) for n in range(1, 51)])
    model = console.alerts.stack_model
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda first, last, _roles: changed.append((first.row(), last.row())))
    console.now += timedelta(seconds=1)
    console.model.tick()
    assert model.rowCount() == 50 and resets == [] and changed == [(0, 49)]
