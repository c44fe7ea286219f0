"""``DesktopNotifier``: the operating system's notification, showing typed text as typed.

Qt hands a tray message on Linux to the freedesktop notification server unchanged
(``QDBusTrayIcon::showMessage`` → ``org.freedesktop.Notifications.Notify``), and the
servers most desktops run (GNOME Shell, Plasma, dunst, mako) read the body as markup
when they advertise ``body-markup``: a place typed as ``<img src=…>`` would be fetched
or drawn, ``<b>`` would be bold and ``&amp;`` would read ``&``. The body therefore goes
out escaped unless the server said it shows tags as written. Windows and macOS show
tray messages as plain text, as does Qt's own balloon, so there it goes out unchanged.
The title is ours (grade and reference) and the specification keeps it plain text.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

NOTIFICATIONS = "org.freedesktop.Notifications"
CAPABILITIES_TIMEOUT_MS = 500


def server_reads_markup() -> bool | None:
    """Whether this desktop's notification server reads the body as markup (None: unknown)."""
    if not sys.platform.startswith("linux"):
        return False
    from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return None
    server = QDBusInterface(NOTIFICATIONS, "/org/freedesktop/Notifications", NOTIFICATIONS, bus)
    server.setTimeout(CAPABILITIES_TIMEOUT_MS)  # asked once, on the GUI thread
    reply = server.call("GetCapabilities")
    if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
        return None
    return "body-markup" in [str(capability) for capability in reply.arguments()[0]]


def notification_body(text: str, reads_markup: bool | None) -> str:
    """``text`` as the server must receive it to show these characters."""
    if reads_markup is False:
        return text
    # Unknown counts as markup: an escaped body on a plain server reads "&lt;", which is
    # ugly but harmless; a raw body on a markup server would run the markup.
    return html.escape(text, quote=False)


class DesktopNotifier:
    """Called with (title, text); shows them through the system tray and flashes the window.

    ``show`` is the operating system's notification service (title, body) and
    ``reads_markup`` asks that service whether it interprets the body; both default to
    the real ones and are replaced only in tests.
    """

    def __init__(
        self,
        window: QWidget,
        *,
        show: Callable[[str, str], None] | None = None,
        reads_markup: Callable[[], bool | None] = server_reads_markup,
    ) -> None:
        self.window = window
        self.show = show if show is not None else self._tray_message
        self.reads_markup = reads_markup
        self._markup: bool | None = None
        self._tray: QSystemTrayIcon | None = None

    def __call__(self, title: str, text: str) -> None:
        if self._markup is None:
            self._markup = self.reads_markup()  # a server that did not answer is asked again
        self.show(title, notification_body(text, self._markup))
        QApplication.alert(self.window, 0)

    def _tray_message(self, title: str, body: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(self.window.windowIcon(), self.window)
            self._tray.show()
        self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Warning, 10_000)
