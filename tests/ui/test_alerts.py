"""AlertController on its own: notifications only when the window is not in front."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QWidget

from controlroom.snapshots import Change, IncidentSnapshot
from ui.alerts import AlertController, SoundPlayer
from ui.incident_model import IncidentTableModel
from ui.map_bridge import MapBridge


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
