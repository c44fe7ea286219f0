"""Closing the window's process in order: tasks, then engines, then the loop.

aiosqlite runs each SQLite connection on a worker thread that hands every result
back with ``loop.call_soon_threadsafe``. qasync implements that with a Qt signal
whose source object dies with the loop, so a result arriving after the loop has
closed raises ``RuntimeError: Signal source has been deleted`` on that thread and
prints a traceback at every close of a busy window. Results still in flight come
from three places, each settled here while the loop still runs:

1. tasks still running — the feed's abandoned followers (left to cancel on their
   own so an outage never waits for a dead socket), widgets' queries, SQLAlchemy's
   graceful close of a connection invalidated by a cancellation;
2. connections the pool still holds, closed by ``Database.dispose``;
3. connections no one closed, closed by their ``__del__`` when collected — so the
   collector runs now, not after the loop is gone.

Every wait is bounded (``CLOSE_TIMEOUT``): a server that stopped answering must not
keep a closed window's process alive.
"""

from __future__ import annotations

import asyncio
import gc
import threading

from controlroom.storage.database import Database

CLOSE_TIMEOUT = 5.0
# aiosqlite names its threads after their target; nothing else here runs it.
_SQLITE_WORKER = "_connection_worker_thread"


async def close_in_order(*databases: Database, timeout: float = CLOSE_TIMEOUT) -> None:
    """Finish every other task on this loop, dispose ``databases``, and let their threads end.

    Call it last on a loop this process owns and is about to close (``app.run``,
    ``app.screenshot``): it cancels every task but the caller's.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await _finish_other_tasks(deadline)
    for db in databases:
        await db.dispose()
    gc.collect()  # unclosed connections stop their worker threads while the loop can still hear them
    await _finish_other_tasks(deadline)  # the graceful closes disposal started
    await _sqlite_workers_done(deadline)


async def _finish_other_tasks(deadline: float) -> None:
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    while (others := {task for task in asyncio.all_tasks() if task is not current}) and (
        remaining := deadline - loop.time()
    ) > 0:
        for task in others:
            task.cancel()
        await asyncio.wait(others, timeout=remaining)
        for task in others:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: a task that failed while closing has no one to tell


async def _sqlite_workers_done(deadline: float) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < deadline and any(
        thread.is_alive() and thread.name.endswith(f"({_SQLITE_WORKER})") for thread in threading.enumerate()
    ):
        await asyncio.sleep(0.01)
