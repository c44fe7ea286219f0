"""An exclusive lock on a file beside the database, waited for without a deadline.

Schema upgrades of an SQLite file take it before their write transaction: consoles
started together then queue here for as long as the first one migrates (seconds on a
loaded machine), instead of inside SQLite's busy timeout, which would turn a slow
migration into "database is locked" for everyone behind it. The kernel drops the lock
when its process ends, however it ends. Where ``flock`` does not exist (Windows) the
write transaction alone serialises upgrades, within the busy timeout.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@asynccontextmanager
async def exclusive_file_lock(path: Path) -> AsyncIterator[None]:
    """Hold ``path`` (created if missing) exclusively for the block; wait in a thread."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        # A read-only folder: nothing can be migrated there, and the migration says why.
        yield
        return
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock
