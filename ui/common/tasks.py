"""``TaskSet``: coroutines started from Qt handlers, kept alive until they finish.

asyncio keeps only a weak reference to a running task, so a task started from a
slot and not stored anywhere may be garbage-collected half-way through a write.
Every widget that starts work from a signal holds one ``TaskSet``; a finished task
drops out of it by itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class TaskSet:
    """Strong references to the tasks a widget started, until each is done."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        """Run ``coro`` on the Qt loop; the returned task may be awaited or ignored."""
        task: asyncio.Future[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
