"""Qt test set-up: offscreen, QtWebEngine imported before the QApplication, one qasync loop.

pytest-qt does not drive asyncio itself: a single session-wide qasync loop runs on
the Qt event loop, coroutines run as tasks and tests wait with ``wait_until`` (``tests.ui.waits``:
a deadline and a message, around ``qtbot.waitUntil``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import pytest
import qasync
import shiboken6
from PySide6 import QtWebEngineWidgets  # noqa: F401  (must precede QApplication)
from PySide6.QtWidgets import QApplication

from controlroom.config import Settings
from controlroom.core.roles import Actor
from controlroom.storage.database import Database
from tests.conftest import controlroom_cmd
from tests.ui.waits import wait_until
from ui.map.tiles import register_tile_scheme
from ui.shell.app import create_window, wait_until_drawn
from ui.shell.main_window import MainWindow

# The basemap's crtiles: scheme, declared before pytest-qt makes the QApplication.
register_tile_scheme()


@pytest.fixture(scope="session", autouse=True)
def _model_tester_imported() -> None:
    """Import (and assertion-rewrite) pytest-qt's model tester once, before any window runs.

    The ``qtmodeltester`` fixture imports it lazily; done from deep inside a running
    Qt/qasync stack, CPython 3.11's compiler once raised "AST constructor recursion depth
    mismatch" in CI. pytest-qt's Qt bindings are ready only once the session starts.
    """
    import pytestqt.modeltest  # noqa: F401


T = TypeVar("T")


@pytest.fixture(scope="session")
def qt_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    from ui.common.theme import apply_dark_theme

    apply_dark_theme(qapp)
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    # Never loop.stop(): it would quit the QApplication for every later test.


@pytest.fixture
def arun(qt_loop: qasync.QEventLoop, qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Run a coroutine on the Qt loop and return its result."""
    tasks: list[asyncio.Task[Any]] = []

    def run(coro: Awaitable[T], timeout: int = 15000) -> T:
        # asyncio.run() in a fixture (database set-up) clears the current loop.
        asyncio.set_event_loop(qt_loop)

        async def wrapper() -> T:
            return await coro

        task = qt_loop.create_task(wrapper())
        tasks.append(task)
        wait_until(qtbot, task.done, f"the coroutine {coro!r} finished", timeout=timeout)
        return task.result()

    yield run
    for task in tasks:
        if not task.done():
            task.cancel()
    wait_until(
        qtbot,
        lambda: all(t.done() for t in tasks),
        "every task this test started finished cancelling",
        timeout=5000,
    )


def js(view: Any, qtbot: Any, script: str, timeout: int = 5000) -> Any:
    """Evaluate JavaScript in the page; objects come back as JSON (PySide6 returns '' otherwise)."""
    import json

    box: list[Any] = []
    view.page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    wait_until(qtbot, lambda: bool(box), f"the page answered {script[:60]!r}", timeout=timeout)
    return json.loads(box[0]) if box[0] else None


def cli(url: str, *args: str) -> str:
    done = subprocess.run(
        controlroom_cmd("--db", url, *args), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    cli(sqlite_url, "demo")
    return sqlite_url


@pytest.fixture
def demo_db_url(db_url: str) -> str:
    """Demo data on each backend (SQLite and PostgreSQL)."""
    cli(db_url, "demo")
    return db_url


@pytest.fixture
def open_window(qtbot: Any, arun: Any) -> Iterator[Any]:
    opened: list[tuple[MainWindow, Database]] = []

    def _open(
        url: str,
        *,
        settings: Settings | None = None,
        actor: Actor | None = None,
        alert_sound: Callable[[], None] | None = None,
    ) -> MainWindow:
        db = Database(url)
        window = create_window(
            db,
            settings or Settings(poll_interval=0.1),
            actor=actor,
            alert_sound=alert_sound or (lambda: None),
        )
        qtbot.addWidget(window)
        window.resize(1400, 850)
        window.show()
        window.feed.start()
        arun(wait_until_drawn(window))
        opened.append((window, db))
        return window

    yield _open
    for window, db in opened:
        if shiboken6.isValid(window):
            arun(window.feed.stop())
        arun(db.dispose())


@pytest.fixture
def board_less_window(qtbot: Any, arun: Any) -> Iterator[Callable[[str, str, str], MainWindow]]:
    """A window for a role that may not see incidents: its map is never shown, so never drawn."""
    opened: list[tuple[MainWindow, Database]] = []

    def _open(url: str, name: str, role: str) -> MainWindow:
        from tests.ui.logins import actor_for, add_users

        add_users(url, (name, role, ()))
        db = Database(url)
        window = create_window(db, Settings(poll_interval=0.1), actor=actor_for(url, name))
        qtbot.addWidget(window)
        window.resize(1400, 850)
        window.show()
        window.feed.start()
        wait_until(
            qtbot,
            lambda: window.feed.last_good is not None,
            "the feed loaded its first snapshot",
            timeout=10000,
        )
        opened.append((window, db))
        return window

    yield _open
    for window, db in opened:
        if shiboken6.isValid(window):
            arun(window.feed.stop())
        arun(db.dispose())
