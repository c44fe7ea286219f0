"""Which processes have an SQLite database open, so a restore never replaces it under them.

Every ``Database`` on an SQLite file holds a shared ``flock`` on a file beside it,
``<database>-consoles.lock``, from the moment it is made until it is disposed: the
window and ``watch`` for their whole life, a command for its run. ``db restore``
turns its own hold into an exclusive lock without waiting. The kernel grants that
only while no other process holds the file, and drops every lock of a process that
ends however it ends (``kill -9`` included), so a crashed console never blocks a
restore and a running one is never missed — unlike a list of consoles written into
the database, which a crash leaves stale. A console that starts while a restore
holds the lock waits for it, then opens the restored file.

Limits, stated in the README: the lock is advisory, so programs other than
controlroom (the ``sqlite3`` shell) are not seen; it covers one host, which is all an
SQLite file may be shared by (a file on a network share is refused). Where ``flock``
does not exist (Windows) presence cannot be known and a restore is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SUFFIX = "-consoles.lock"


def presence_file(database: Path) -> Path:
    """The lock file every process using ``database`` holds a shared lock on."""
    return database.with_name(database.name + SUFFIX)


class PresenceLock:
    """This process's shared hold on a database's presence file (see the module docstring)."""

    def __init__(self, database: Path) -> None:
        self.path = presence_file(database)
        self._fd: int | None = None
        if fcntl is None:
            return
        try:
            self._fd = _open(self.path)
        except OSError:
            # A read-only folder: nothing can replace the database there either, and the
            # database itself says what is wrong when it is written to.
            return
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    @property
    def held(self) -> bool:
        """Whether this process holds the presence file (False where flock is unavailable)."""
        return self._fd is not None

    def take_exclusive(self) -> bool:
        """Hold the file alone if no other process holds it; never waits.

        On refusal this process's shared hold is taken again before returning False.
        """
        if self._fd is None or fcntl is None:
            return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            return False
        return True

    def share(self) -> None:
        """Back to a shared hold after ``take_exclusive``."""
        if self._fd is not None and fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        """Let go (closing the descriptor drops the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


def _open(path: Path) -> int:
    # Another local account's console, or a read-only mount, may only read the file made
    # earlier; flock needs no more than that.
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
