"""``CameraDock``: one called-up camera — its picture, or its number large for keying in.

With a stream the dock plays it (``QMediaPlayer`` into a ``QVideoWidget``; Qt's FFmpeg
backend, software decoding is enough for a control room's few docks) and says in
words what the player is doing: connecting, showing the picture, or why there is no
picture and what to do instead. Without a stream the camera number and preset fill
the dock at a size readable from the back of the room (``KEY_IN_POINTS``), with the
instruction to key them into the video management system.

The dock is floatable (an operator drags it to the video wall's screen) and closable;
Escape anywhere inside it closes it, and closing it stops the stream so the camera's
connection is not left open. It only ever plays the URL of a ``CallupRecord``, which
the core checked against the register's scheme rule when it recorded the call-up.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from controlroom.cameras.callup import CallupRecord
from controlroom.core.domain import LOCAL_TZ
from ui.common.theme import AMBER, BAD, MAP_CAMERA, MUTED, TEXT
from ui.common.typed_text import shown_line

# Readable at 2 m: 72 pt is about 25 mm high on a 96 dpi screen; the number is what gets keyed.
KEY_IN_POINTS = 96
PRESET_POINTS = 40
NAME_POINTS = 20
STATE_POINTS = 16
# An RTSP camera that never answers leaves the player "loading" for good: say so after this.
CONNECT_TIMEOUT_MS = 10_000
VMS_HINT = "call it up on the video management system"
# A floating dock is a window of its own: the keyboard stays in it until handed back, with
# the dock left open. (Not F6: the main window's own shortcuts reach a floating dock too,
# and a key bound twice fires neither — Qt logs "Ambiguous shortcut overload".)
BACK_KEY = "Backspace"
KEYS_HINT = f"Esc closes · {BACK_KEY} returns to the window"
Status = QMediaPlayer.MediaStatus


def dock_title(callup: CallupRecord) -> str:
    """``Camera 12 — Bargate junction (preset Junction)``; typed parts spelled out."""
    preset = f" (preset {shown_line(callup.preset)})" if callup.preset else ""
    return f"Camera {shown_line(callup.number)} — {shown_line(callup.name)}{preset}"


def _label(text: str, points: int, colour: str, *, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    weight = "bold" if bold else "normal"
    # A widget's own stylesheet: the window's stylesheet sets every widget's font size.
    label.setStyleSheet(f"font-size: {points}pt; font-weight: {weight}; color: {colour};")
    return label


def _condition(callup: CallupRecord) -> str:
    """'Camera 12 is faulty: no picture at night' for a camera not working; else ''."""
    if callup.status == "working":
        return ""
    faults = "; ".join(shown_line(f) for f in callup.open_faults)
    return f"Camera {shown_line(callup.number)} is {callup.status}" + (f": {faults}" if faults else "")


class KeyInView(QWidget):
    """The camera number and preset, large, for keying into the video management system."""

    def __init__(self, callup: CallupRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = _label("", KEY_IN_POINTS, MAP_CAMERA, bold=True)
        self.preset = _label("", PRESET_POINTS, TEXT, bold=True)
        self.name = _label("", NAME_POINTS, TEXT)
        self.instruction = _label("Key this into the video management system", STATE_POINTS, MUTED)
        self.condition = _label("", STATE_POINTS, AMBER)
        self.recorded = _label("", STATE_POINTS, MUTED)
        self.keys = _label(KEYS_HINT, STATE_POINTS, MUTED)
        layout = QVBoxLayout(self)
        parts = (
            self.number,
            self.preset,
            self.name,
            self.instruction,
            self.condition,
            self.recorded,
            self.keys,
        )
        for widget in parts:
            layout.addWidget(widget)
        self.show_callup(callup)

    def show_callup(self, callup: CallupRecord) -> None:
        self.number.setText(shown_line(callup.number))
        if callup.preset:
            self.preset.setText(f"Preset {shown_line(callup.preset)}")
            self.preset.setStyleSheet(f"font-size: {PRESET_POINTS}pt; font-weight: bold; color: {TEXT};")
        else:  # the camera as it points now: nothing to key in but the number
            self.preset.setText("No preset")
            self.preset.setStyleSheet(f"font-size: {NAME_POINTS}pt; color: {MUTED};")
        self.name.setText(shown_line(callup.name))
        self.condition.setText(_condition(callup))
        self.condition.setVisible(bool(self.condition.text()))
        at = callup.requested_at.astimezone(LOCAL_TZ).strftime("%H:%M")
        incident = f" for {callup.incident_reference}" if callup.incident_reference else ""
        self.recorded.setText(f"Call-up recorded{incident} at {at} by {shown_line(callup.requested_by)}")


class VideoView(QWidget):
    """The camera's stream and, under it, what the player is doing in words."""

    def __init__(self, callup: CallupRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.callup = callup
        self.video = QVideoWidget()
        self.video.setMinimumSize(320, 180)
        self.player = QMediaPlayer(self)
        self.player.setVideoOutput(self.video)
        self.state = _label("", STATE_POINTS, TEXT)
        self.condition = _label("", STATE_POINTS, AMBER)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.condition)
        self._connect_timer = QTimer(self)
        self._connect_timer.setSingleShot(True)
        self._connect_timer.setInterval(CONNECT_TIMEOUT_MS)
        self._connect_timer.timeout.connect(self._on_connect_timer_timeout)
        self.player.mediaStatusChanged.connect(self._on_player_media_status_changed)
        self.player.errorOccurred.connect(self._on_player_error_occurred)
        self.show_callup(callup)

    def show_callup(self, callup: CallupRecord) -> None:
        """Play this call-up's stream (a new preset of a stream still playing keeps it; one that
        ended or failed starts again)."""
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        same = playing and self.callup.stream_url == callup.stream_url
        self.callup = callup
        self.condition.setText(_condition(callup))
        self.condition.setVisible(bool(self.condition.text()))
        if same:
            return
        self._say(f"Connecting to camera {shown_line(callup.number)}…", TEXT)
        self._connect_timer.start()
        self.player.setSource(QUrl(callup.stream_url or ""))
        self.player.play()

    def stop(self) -> None:
        """Stop and let go of the stream (its network connection closes)."""
        self._connect_timer.stop()
        self.player.stop()
        self.player.setSource(QUrl())

    def _say(self, text: str, colour: str) -> None:
        self.state.setText(text)
        self.state.setStyleSheet(f"font-size: {STATE_POINTS}pt; color: {colour};")

    def _no_picture(self, reason: str) -> None:
        self._connect_timer.stop()
        number = shown_line(self.callup.number)
        self._say(f"No picture from camera {number}: {reason} — {VMS_HINT}", BAD)

    def _on_player_media_status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        number = shown_line(self.callup.number)
        if status in (Status.LoadedMedia, Status.BufferedMedia):
            self._connect_timer.stop()
            self._say(f"Camera {number} · Esc closes · {BACK_KEY} returns", MUTED)
        elif status == Status.StalledMedia:
            self._say(f"Camera {number}: the picture has stalled, waiting for the stream…", AMBER)
        elif status == Status.EndOfMedia:
            self._say(f"The stream from camera {number} ended — call it up again or {VMS_HINT}", AMBER)
        elif status == Status.InvalidMedia:
            self._no_picture(self.player.errorString() or "the stream cannot be played")

    def _on_player_error_occurred(self, _error: QMediaPlayer.Error, text: str) -> None:
        self._no_picture(shown_line(text) or "the player gave no reason")

    def _on_connect_timer_timeout(self) -> None:
        self._no_picture(f"the stream did not answer within {CONNECT_TIMEOUT_MS // 1000} s")


class CameraDock(QDockWidget):
    """One camera called up; ``show_callup`` shows a later call-up of the same camera."""

    sig_closed = Signal(str)  # the camera number

    def __init__(self, callup: CallupRecord, parent: QWidget | None = None) -> None:
        super().__init__(dock_title(callup), parent)
        self.number = callup.number
        self.setObjectName(f"camera-callup-{callup.camera_id}")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view: VideoView | KeyInView = VideoView(callup) if callup.with_stream else KeyInView(callup)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWidget(self.view)
        self.setFocusProxy(self.view)
        closer = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        closer.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back = QShortcut(QKeySequence(BACK_KEY), self, self._on_back_key_activated)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_callup(self, callup: CallupRecord) -> None:
        """A new call-up of this camera (another preset, another incident, a stream added)."""
        self.setWindowTitle(dock_title(callup))
        if callup.with_stream == isinstance(self.view, VideoView):
            self.view.show_callup(callup)
            return
        if isinstance(self.view, VideoView):
            self.view.stop()
        old = self.view
        self.view = VideoView(callup) if callup.with_stream else KeyInView(callup)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWidget(self.view)
        self.setFocusProxy(self.view)
        old.deleteLater()

    def _on_back_key_activated(self) -> None:
        main = self.parentWidget()
        if main is not None:
            main.window().activateWindow()
            main.window().raise_()

    def event(self, event: QEvent) -> bool:
        # A floating dock is its own window: focus it when it is activated, so Escape works.
        if event.type() == QEvent.Type.WindowActivate:
            self.view.setFocus()
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if isinstance(self.view, VideoView):
            self.view.stop()
        self.sig_closed.emit(self.number)
        super().closeEvent(event)


__all__ = ["KEY_IN_POINTS", "CameraDock", "KeyInView", "VideoView", "dock_title"]
