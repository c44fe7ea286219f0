"""Calling up a camera in the window: a stream plays in a floating dock, a camera without one
shows its number large for keying in, and a stream URL of another scheme opens nothing.

The video is made by the test itself (1 s of one colour, 64x48, MPEG-4 in MP4, with the
ffmpeg binary that the imageio-ffmpeg wheel carries) and played from a file:// URL
through Qt's own FFmpeg backend.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import select, update

from controlroom.cameras.commands import CameraCommands
from controlroom.cameras.records import CameraRecord, CameraSpec, PresetSpec
from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.core.snapshots import CameraSnapshot, PresetView
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Camera, CameraCallup
from tests.ui.waits import wait_until
from ui.cameras.callup import callup_docks, open_callup
from ui.cameras.video_dock import KEY_IN_POINTS, CameraDock, KeyInView, VideoView

AT = (50.9040, -1.4040)
COLOUR = (0x20, 0x60, 0xC0)
SIZE = (64, 48)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """One second of a single colour, as a camera's recording would be stored."""
    path = tmp_path / "camera.mp4"
    colour = "0x{:02x}{:02x}{:02x}".format(*COLOUR)
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
         "-i", f"color=c={colour}:s={SIZE[0]}x{SIZE[1]}:r=10:d=1",
         "-c:v", "mpeg4", "-pix_fmt", "yuv420p", str(path)],
        check=True, timeout=30,
    )  # fmt: skip
    return path


class Window(QMainWindow):
    """Just enough of a main window: somewhere to dock, commands, and a status line."""

    def __init__(self, commands: Commands) -> None:
        super().__init__()
        self.commands = commands
        self.messages: list[str] = []

    def show_message(self, text: str) -> None:
        self.messages.append(text)


@pytest.fixture
def window(sqlite_url: str, qtbot: Any, arun: Any) -> Iterator[Window]:
    db = Database(sqlite_url)
    shown = Window(Commands(db, Actor("test-operator")))
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    yield shown
    for dock in list(callup_docks(shown).docks.values()):
        dock.close()
    arun(db.dispose())


def _snapshot(record: CameraRecord) -> CameraSnapshot:
    fields = {k: getattr(record, k) for k in CameraSnapshot.__dataclass_fields__ if hasattr(record, k)}
    fields["presets"] = tuple(PresetView(p.name, p.heading, p.angle, p.range_m) for p in record.presets)
    fields["open_faults"] = tuple(f.description for f in record.open_faults)
    return CameraSnapshot(**fields)


def _add(window: Window, arun: Any, stream: str | None, number: str = "P1") -> CameraSnapshot:
    spec = CameraSpec(
        number=number, name="Bargate junction", owner="council", lat=AT[0], lon=AT[1], kind="ptz",
        stream_url=stream, presets=(PresetSpec("Junction", 90, 60, 150), PresetSpec("Bar door", 200, 40, 60)),
    )  # fmt: skip
    return _snapshot(arun(CameraCommands(window.commands.context).add_camera(spec)))


def _callups(window: Window, arun: Any) -> list[tuple[str | None, bool]]:
    async def read() -> list[tuple[str | None, bool]]:
        async with window.commands.db.read() as conn:
            rows = await conn.execute(
                select(CameraCallup.preset, CameraCallup.with_stream).order_by(CameraCallup.id)
            )
            return [(p, bool(s)) for p, s in rows.all()]

    return arun(read())


def test_a_stream_plays_in_a_floating_dock_and_escape_closes_it(
    window: Window, clip: Path, qtbot: Any, arun: Any
) -> None:
    camera = _add(window, arun, clip.as_uri())
    dock = arun(open_callup(window, camera, "Junction", None))
    assert isinstance(dock, CameraDock) and isinstance(dock.view, VideoView)
    assert dock.isFloating() and dock.isVisible()
    assert dock.windowTitle() == "Camera P1 — Bargate junction (preset Junction)"
    frames: list[QVideoFrame] = []
    dock.view.video.videoSink().videoFrameChanged.connect(lambda f: frames.append(QVideoFrame(f)))
    player = dock.view.player
    wait_until(
        qtbot, lambda: any(f.isValid() for f in frames), "a frame of the clip reached the video widget"
    )
    frame = next(f for f in frames if f.isValid())
    assert (frame.width(), frame.height()) == SIZE
    pixel = frame.toImage().pixelColor(SIZE[0] // 2, SIZE[1] // 2)
    assert all(
        abs(a - b) <= 12 for a, b in zip((pixel.red(), pixel.green(), pixel.blue()), COLOUR, strict=True)
    )
    assert player.mediaStatus() != QMediaPlayer.MediaStatus.InvalidMedia
    assert "No picture" not in dock.view.state.text()

    # The same camera again, at another preset: the one dock, retitled and raised.
    again = arun(open_callup(window, camera, "bar door", None))
    assert again is dock and len(callup_docks(window).docks) == 1
    assert dock.windowTitle() == "Camera P1 — Bargate junction (preset Bar door)"
    assert _callups(window, arun) == [("Junction", True), ("Bar door", True)]
    # A stream that has ended plays again when the camera is called up again.
    wait_until(qtbot, lambda: player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia, "the clip ended")
    assert "ended" in dock.view.state.text()
    frames.clear()
    arun(open_callup(window, camera, "Bar door", None))
    wait_until(qtbot, lambda: any(f.isValid() for f in frames), "the clip played again")

    QTest.keyClick(dock.view, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: not shiboken6.isValid(dock) or not dock.isVisible(), "Escape closed the dock")
    assert callup_docks(window).docks == {}


def test_a_camera_without_a_stream_shows_its_number_large_and_the_callup_is_recorded(
    window: Window, qtbot: Any, arun: Any
) -> None:
    camera = _add(window, arun, None, number="F12")
    other = _add(window, arun, None, number="F13")
    dock = arun(open_callup(window, camera, "junction", None))
    assert isinstance(dock, CameraDock) and isinstance(dock.view, KeyInView)
    view = dock.view
    view.ensurePolished()
    view.number.ensurePolished()
    assert view.number.text() == "F12"
    assert view.number.font().pointSizeF() == KEY_IN_POINTS >= 72
    assert view.preset.text() == "Preset Junction"
    assert view.instruction.text() == "Key this into the video management system"
    assert view.recorded.text().startswith("Call-up recorded at ")
    # Several open at once, one per camera.
    second = arun(open_callup(window, other, None, None))
    assert second is not dock and dock.isVisible() and second is not None and second.isVisible()
    assert _callups(window, arun) == [("Junction", False), (None, False)]

    async def audit() -> list[Any]:
        async with window.commands.db.read() as conn:
            rows = await conn.execute(select(AuditEntry.detail).where(AuditEntry.action == "camera.callup"))
            return [dict(d) for (d,) in rows.all()]

    assert [(d["camera"], d["with_stream"]) for d in arun(audit())] == [("F12", False), ("F13", False)]


def test_a_javascript_url_forced_into_the_register_opens_nothing_and_says_why(
    window: Window, clip: Path, arun: Any
) -> None:
    camera = _add(window, arun, clip.as_uri())

    async def force() -> None:
        async with window.commands.db.write() as session:
            await session.execute(update(Camera).values(stream_url="javascript:alert(1)"))

    arun(force())
    assert arun(open_callup(window, camera, None, None)) is None
    assert window.findChildren(CameraDock) == []
    assert _callups(window, arun) == []
    assert "Camera P1 not called up" in window.messages[-1]
    assert "a stream URL with javascript: cannot be opened" in window.messages[-1]


def test_a_stream_that_cannot_be_played_is_said_in_words(
    window: Window, tmp_path: Path, qtbot: Any, arun: Any
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    dock = arun(open_callup(window, _add(window, arun, broken.as_uri()), None, None))
    assert dock is not None and isinstance(dock.view, VideoView)
    view = dock.view
    wait_until(
        qtbot, lambda: view.state.text().startswith("No picture from camera P1: "), "the player gave up"
    )
    assert view.state.text().endswith("— call it up on the video management system")
