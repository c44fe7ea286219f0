"""Start the window on a database: ``run`` (interactive) and ``screenshot``.

Qt and asyncio share one loop (qasync): the change feed's polls are coroutines
on the GUI thread, so every model update happens on the thread Qt requires
without any cross-thread signalling.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

# QtWebEngine must be imported before the QApplication exists.
from PySide6 import QtWebEngineWidgets  # noqa: F401
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import SQLAlchemyError

from controlroom.cli.admin import login
from controlroom.commands import Commands
from controlroom.config import Settings, config_dir
from controlroom.core.errors import ControlroomError, ValidationError
from controlroom.core.roles import Actor
from controlroom.feed.change_feed import ChangeFeed
from controlroom.geo.network import street_layer
from controlroom.storage.database import Database
from controlroom.storage.migrate import ensure_schema
from controlroom.users.accounts import has_users, own_database
from controlroom.writes import placeholder_actor
from ui.accounts.login_dialog import LoginDialog
from ui.common.failures import FailureDialogs, show_start_failure
from ui.common.theme import apply_dark_theme
from ui.feed.controller import FeedController
from ui.map.tiles import register_tile_scheme
from ui.offline.gateway import OfflineGateway
from ui.shell.closing import close_in_order
from ui.shell.main_window import MainWindow
from ui.shell.session import Session, idle_ms_setting, install_session

T = TypeVar("T")
log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT = 30.0


def prepare_environment(*, offscreen: bool = False) -> None:
    """Environment QtWebEngine needs, set before the QApplication exists."""
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox on (control-room PCs
        # often run kiosk sessions as root); without this the process just exits.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def ui_state() -> QSettings:
    path = config_dir() / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def create_window(
    db: Database,
    settings: Settings,
    *,
    alert_sound: Callable[[], None] | None = None,
    actor: Actor | None = None,
    lock_after_ms: int | None = None,
    streets: dict[str, Any] | None = None,
) -> MainWindow:
    """The window for ``actor`` (None: set-up mode, a database without users).

    ``lock_after_ms``: inactivity before the console locks; by default the
    ``console/lock_after_ms`` value of the window state (5 minutes if unset, 0 = never).
    ``streets``: the street layer the map draws (``start_streets``); None: the shipped one.
    """
    actor = actor or placeholder_actor()
    feed = ChangeFeed(
        db,
        poll_interval=settings.poll_interval,
        window_hours=settings.window_hours,
        listen=settings.listen,
        fallback_interval=settings.fallback_poll_interval,
        listen_url=settings.listen_url,
        viewer=actor,
    )
    controller = FeedController(feed)
    commands = Commands(db, actor, reference_prefix=settings.reference_prefix)
    state = ui_state()
    window = MainWindow(
        controller,
        commands,
        OfflineGateway(commands),
        settings,
        state,
        database_label=db.display_url,
        alert_sound=alert_sound,
        streets=streets,
    )
    controller.setParent(window)
    idle = lock_after_ms
    if idle is None:
        idle = idle_ms_setting(state.value("console/lock_after_ms"))
    install_session(window, db, actor, idle_ms=idle or None)
    return window


async def start_streets(db: Database) -> dict[str, Any] | None:
    """The street layer the map starts with: the imported road network, else the shipped one.

    Read once, before the window exists (the map page is built from it). A read that fails
    (a role without the table, a server gone at this moment) must not keep the console
    from opening: the map draws the shipped streets and the log says why.
    """
    try:
        return await street_layer(db)
    except (ControlroomError, SQLAlchemyError) as exc:
        log.warning("the map draws the shipped streets: the road network could not be read (%s)", exc)
        return None


def application() -> QApplication:
    """The process's QApplication (made, named and themed on first use)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        register_tile_scheme()  # Chromium learns custom URL schemes only before the application exists
        app = QApplication(sys.argv[:1])
        app.setApplicationName("controlroom")
        apply_dark_theme(app)
    return app


def _run_on_qt_loop(app: QApplication, main: Callable[[], Awaitable[T]]) -> T:
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result: T = loop.run_until_complete(main())
    return result


def run(url: str, settings: Settings) -> int:
    """Open the window; returns the exit code when the window closes."""
    prepare_environment()
    app = application()

    async def main() -> int:
        FailureDialogs(asyncio.get_running_loop(), url)
        db = Database(url)
        try:
            try:
                await ensure_schema(db)
            except Exception as exc:
                show_start_failure(exc, url)  # then the command line prints the same failure and exits
                raise
            return await session_loop(db, settings, app)
        finally:
            # The window is closed and its feed stopped: then the engines, then the loop.
            await close_in_order(db)

    return _run_on_qt_loop(app, main)


async def session_loop(
    db: Database,
    settings: Settings,
    app: QApplication,
    *,
    on_window_opened: Callable[[MainWindow], None] | None = None,
) -> int:
    """Log in, run that user's window, and again after "Switch user"; 0 when it ends.

    It ends when the login is cancelled or a window closes for any other reason than
    "Switch user". ``on_window_opened`` is handed each window as it opens (a test drives it through this).
    """
    # The loop decides when the session ends: the login dialog closing (the only window
    # open at that moment) must not quit the application before the console opens.
    app.setQuitOnLastWindowClosed(False)
    while True:
        login = await log_in(db)
        if login is False:
            return 0  # cancelled at the login
        actor, secret = login if isinstance(login, tuple) else (None, None)
        work_db = own_database(db, actor, secret) if actor is not None else db
        try:
            window = create_window(work_db, settings, actor=actor, streets=await start_streets(work_db))
            if on_window_opened is not None:
                on_window_opened(window)
            if not await _run_window(app, window):
                return 0
        finally:
            if work_db is not db:
                await work_db.dispose()


async def log_in(db: Database, name: str = "") -> tuple[Actor, str | None] | bool | None:
    """The logged-in actor and password (for the user's own database login on PostgreSQL);
    None if the database has no users (set-up mode); False if cancelled."""
    if not await has_users(db):
        return None
    dialog = LoginDialog(db, name=name)
    actor = await dialog.ask()
    return (actor, dialog.secret) if actor is not None else False


async def _run_window(app: QApplication, window: MainWindow) -> bool:
    """Show ``window`` until it closes; True if the user asked to switch user."""
    closed = asyncio.Event()
    session = window.session
    if not isinstance(session, Session):
        raise TypeError("a window runs only with its session (create_window installs it)")
    session.sig_window_closed.connect(closed.set)
    app.setQuitOnLastWindowClosed(False)  # the login comes back after "switch user"
    if window.has_saved_geometry:
        window.show()
    else:
        window.showMaximized()  # a control-room console's first start: the whole screen
    window.feed.start()
    await closed.wait()
    await window.feed.stop()
    switch = bool(session.switch_user)
    window.deleteLater()
    return switch


async def wait_until_drawn(window: MainWindow, timeout: float = SCREENSHOT_TIMEOUT) -> None:
    """Wait until the map page has loaded and drawn every incident the list shows."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    bridge = window.map.bridge
    while loop.time() < deadline:
        counts = bridge.last_counts
        loaded = window.feed.last_good is not None and bridge.page_ready
        if loaded and counts and counts.get("incidents") == window.table.proxy.rowCount():
            return
        await asyncio.sleep(0.05)
    raise ControlroomError(
        f"the map did not finish drawing within {timeout:.0f} s "
        f"(page ready: {bridge.page_ready}, drawn: {bridge.last_counts})"
    )


async def frames_presented(window: MainWindow, frames: int = 2, timeout: float = 2.0) -> None:
    """Wait until the map, no longer moving, has painted ``frames`` more animation frames.

    The markers are in the page once ``wait_until_drawn`` returns, but Chromium paints
    them on its next frames; a grab before then can miss the last ones. Counting
    frames replaces a fixed pause (0.3 s, most of it idle, and too short when the
    first fit was still zooming).
    """
    page = window.map.page()
    done = asyncio.Event()
    # Frames painted while Leaflet still animates the first fit do not count: a grab in
    # the middle of the zoom can miss markers.
    page.runJavaScript(
        "window.__crFrames = 0; (function tick() {"
        " if (!(window.controlroom && controlroom.isMoving())) window.__crFrames += 1;"
        f" if (window.__crFrames < {frames + 1}) requestAnimationFrame(tick); }})();"
    )

    def check(count: object) -> None:
        if isinstance(count, int | float) and count > frames:
            done.set()

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done.is_set() and loop.time() < deadline:
        page.runJavaScript("window.__crFrames", 0, check)
        await asyncio.sleep(0.02)


def screenshot(url: str, settings: Settings, path: str, size: tuple[int, int]) -> int:
    """Open the real window offscreen, wait for the map, save a PNG of the window."""
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ValidationError(f"{path!r} must end in .png")
    prepare_environment(offscreen=True)
    app = application()
    # Closing the window at the end must not quit the loop before main() returns.
    app.setQuitOnLastWindowClosed(False)

    async def main() -> int:
        db = Database(url)
        await ensure_schema(db)
        # A board with people's data on it: once the database has users, only for a login
        # (CONTROLROOM_USER / --user and CONTROLROOM_PASSWORD; no dialog offscreen).
        actor, secret = await login(db, None, where="screenshot")
        own = own_database(db, actor, secret)
        if own is not db:
            await db.dispose()
            db = own
        # A screenshot never sounds an alert: not loading the audio backend saves ~0.1 s.
        window = create_window(
            db, settings, actor=actor, alert_sound=_silent, streets=await start_streets(db)
        )
        window.saves_layout = False
        window.resize(*size)
        window.show()
        window.feed.start()
        try:
            await wait_until_drawn(window)
            await frames_presented(window)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(target), "PNG"):
                raise ControlroomError(f"could not write {target}")
        except ControlroomError as exc:
            print(f"controlroom: error: {exc}", file=sys.stderr)
            return exc.exit_code
        finally:
            await window.feed.stop()
            window.close()
            window.deleteLater()
            await close_in_order(db)
        print(target)
        return 0

    code = _run_on_qt_loop(app, main)
    # Everything left is garbage at exit: frozen objects are not walked by the final
    # collections, which took 0.3-0.5 s of a screenshot's run after the PNG was written.
    gc.freeze()
    return code


def _silent() -> None:
    """The alert sound of a window nobody hears (a screenshot)."""
