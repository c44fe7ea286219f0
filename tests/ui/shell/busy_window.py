"""The real window on a busy database and a slow disk, closed once it has received some changes.

Run as ``python -m tests.ui.shell.busy_window URL CHANGES``: it opens the window
through ``ui.shell.app.run`` (what ``controlroom run`` calls), closes it as a user
would once ``CHANGES`` diffs have arrived, and writes ``closing`` on stderr just
before, so a test can read what the close itself printed.

Then the disk is made slow (SQLite's progress handler pauses every few virtual
machine steps, on the connection's own worker thread) and the window is closed
while a query is in flight, as on a loaded control-room PC: the moment the close
order matters, made certain instead of left to chance.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
import time
from typing import Any

from PySide6.QtCore import QTimer
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlalchemy.util.concurrency import await_

from controlroom.config import Settings
from ui.shell import app as shell_app
from ui.shell.main_window import MainWindow

CLOSING = "closing"
SQLITE_WORKER = "(_connection_worker_thread)"  # how aiosqlite names each connection's thread
POLL_MS = 50
SLOW_EVERY = 20  # SQLite virtual-machine steps between pauses, once the disk is slow
SLOW_PAUSE = 0.05  # seconds
DISK = {"slow": False}  # slow only once the board is up: the first snapshot loads at full speed


def _pause() -> int:
    if DISK["slow"]:
        time.sleep(SLOW_PAUSE)
    return 0  # go on with the statement


QUERIES = {"running": 0}


def _query_started(*_args: Any) -> None:
    QUERIES["running"] += 1


def _query_ended(*_args: Any) -> None:
    QUERIES["running"] -= 1


def _query_failed(*_args: Any) -> None:
    QUERIES["running"] -= 1


def _slow_disk(dbapi_connection: Any, _record: Any) -> None:
    inner = getattr(dbapi_connection, "_connection", None)  # aiosqlite's connection (SQLite only)
    if inner is not None and hasattr(inner, "_execute"):
        await_(inner._execute(inner._conn.set_progress_handler, _pause, SLOW_EVERY))


def _instrument() -> None:
    """Count queries and slow the disk, in the window's own process only.

    Never at import: ``test_close`` imports this module, and listeners on every
    ``Engine`` and ``Pool`` would then reach every other test in the session.
    """
    event.listen(Engine, "before_cursor_execute", _query_started)
    event.listen(Engine, "after_cursor_execute", _query_ended)
    event.listen(Engine, "handle_error", _query_failed)
    event.listen(Pool, "connect", _slow_disk)


def main(url: str, changes: int) -> int:
    shell_app.prepare_environment(offscreen=True)
    qapp = shell_app.application()
    received: list[object] = []
    watched: set[int] = set()

    def poll() -> None:
        for widget in qapp.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                if id(widget) not in watched:
                    watched.add(id(widget))
                    widget.feed.sig_diff_received.connect(received.append)
                DISK["slow"] = len(received) >= changes
                # Closed while a query is on the worker thread: the moment the order matters.
                if DISK["slow"] and QUERIES["running"] > 0:
                    print(CLOSING, file=sys.stderr, flush=True)
                    widget.close()
                    return
        QTimer.singleShot(POLL_MS if len(received) < changes else 1, poll)

    QTimer.singleShot(POLL_MS, poll)
    code = shell_app.run(url, Settings(poll_interval=0.1))
    # A worker still running now will hand its result to a loop that is gone (the
    # "Signal source has been deleted" traceback, printed only if it loses the race).
    left = [thread.name for thread in threading.enumerate() if thread.name.endswith(SQLITE_WORKER)]
    if left:
        print(f"database worker threads still running after the loop closed: {left}", file=sys.stderr)
    return code


if __name__ == "__main__":
    _instrument()
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
