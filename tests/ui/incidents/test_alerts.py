"""AlertController on its own: notifications only when the window is not in front, and
typed place names reach the desktop notification as the characters typed, controls spelled out."""

from __future__ import annotations

import dataclasses
import html
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from controlroom.core.snapshots import Change, IncidentSnapshot
from tests.payloads import NAME, PLACE
from ui.common.typed_text import shown_line
from ui.incidents.alerts import AlertController, SoundPlayer
from ui.incidents.desktop_notifier import DesktopNotifier
from ui.incidents.model import IncidentTableModel
from ui.map.bridge import MapBridge


def incident(n: int, grade: int | None, status: str = "new") -> IncidentSnapshot:
    return IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:04d}",
        reported_at=datetime(2026, 11, 27, 23, tzinfo=UTC),
        source="public",
        category="assault",
        grade=grade,
        status=status,
        venue_id=None,
        place="<b>Bargate</b>",
        lat=50.9027,
        lon=-1.4043,
        summary="x",
        version=1,
    )


def test_background_console_gets_a_notification_and_sound(qtbot: Any) -> None:
    window = QWidget()  # never shown: not the active window
    qtbot.addWidget(window)
    sounds: list[int] = []
    notes: list[tuple[str, str]] = []
    model = IncidentTableModel()
    alerts = AlertController(
        model,
        MapBridge(),
        window,
        sound=lambda: sounds.append(1),
        notify=lambda title, text: notes.append((title, text)),
    )
    alerts.load([incident(1, 3)])
    assert sounds == [] and notes == []
    model.reset([incident(1, 3)])
    change = Change(seq=1, entity="incident", op="upsert", entity_id=2, incident=incident(2, 1))
    model.apply_changes([change])
    alerts.apply_changes([change])
    assert sounds == [1]
    assert notes == [("G1 Emergency: SOT-20261127-0002", "Assault at <b>Bargate</b>")]
    assert model.is_alerting(2)
    acknowledged = Change(
        seq=2, entity="incident", op="upsert", entity_id=2, incident=incident(2, 1, status="acknowledged")
    )
    alerts.apply_changes([acknowledged])
    assert not model.is_alerting(2) and not alerts._repeat.isActive()


def test_no_audio_device_means_silence_not_a_crash() -> None:
    from PySide6.QtMultimedia import QMediaDevices

    player = SoundPlayer()
    player()  # must not raise, device or not
    assert player.available is not QMediaDevices.defaultAudioOutput().isNull()


def _urgent_at(place: str, n: int = 7) -> Change:
    hostile = dataclasses.replace(incident(n, 1), place=place)
    return Change(seq=n, entity="incident", op="upsert", entity_id=n, incident=hostile)


def _controller_with_os_service(qtbot: Any, reads_markup: Any) -> tuple[AlertController, list[Any]]:
    """The window's real notifier; only the operating system's service is stood in for."""
    window = QWidget()  # never shown: not the active window
    qtbot.addWidget(window)
    alerts = AlertController(IncidentTableModel(), MapBridge(), window, sound=lambda: None)
    assert isinstance(alerts.notify, DesktopNotifier)  # the default path, not a test double
    delivered: list[tuple[str, str]] = []
    alerts.notify.show = lambda title, body: delivered.append((title, body))
    alerts.notify.reads_markup = reads_markup
    return alerts, delivered


@pytest.mark.parametrize("typed", [PLACE, NAME], ids=["place", "venue name"])
def test_a_markup_reading_notification_server_shows_the_typed_place_as_typed(qtbot: Any, typed: str) -> None:
    alerts, delivered = _controller_with_os_service(qtbot, lambda: True)
    alerts.apply_changes([_urgent_at(typed)])
    [(title, body)] = delivered
    assert title == "G1 Emergency: SOT-20261127-0007"
    # A server reading the body as markup finds no tag to make, and its entities
    # decode to exactly what was typed: no image fetched, nothing bold, "&amp;" kept.
    assert "<" not in body and ">" not in body
    assert html.unescape(body) == f"Assault at {shown_line(typed)}"  # controls spelled out, not obeyed


def test_a_plain_text_notification_server_gets_the_text_unchanged(qtbot: Any) -> None:
    alerts, delivered = _controller_with_os_service(qtbot, lambda: False)
    alerts.apply_changes([_urgent_at(PLACE)])
    assert delivered == [("G1 Emergency: SOT-20261127-0007", f"Assault at {shown_line(PLACE)}")]


def test_a_server_that_does_not_answer_gets_escaped_text_and_is_asked_again(qtbot: Any) -> None:
    answers = iter([None, False])
    asked: list[int] = []

    def reads_markup() -> bool | None:
        asked.append(1)
        return next(answers)

    alerts, delivered = _controller_with_os_service(qtbot, reads_markup)
    alerts.apply_changes([_urgent_at(PLACE, 7)])
    alerts.apply_changes([_urgent_at(PLACE, 8)])
    alerts.apply_changes([_urgent_at(PLACE, 9)])
    bodies = [body for _title, body in delivered]
    assert bodies[0] == html.escape(f"Assault at {shown_line(PLACE)}", quote=False)
    assert bodies[1:] == [f"Assault at {shown_line(PLACE)}"] * 2
    assert len(asked) == 2  # a known answer is kept
