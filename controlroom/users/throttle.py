"""Failed logins slow further tries down — per account and per console — instead of locking.

A fixed lock-out after a few failures let anyone who knew an operator's name lock them
out for a quarter of an hour in the middle of a night. Here (OWASP Authentication
Cheat Sheet, "account lockout" with an increasing delay) the first ``FREE_FAILURES``
failures cost nothing; after that every failure doubles the wait before the next try,
starting at ``FIRST_WAIT``:

- per **account**, capped at ``ACCOUNT_CAP`` (one minute): a stranger can make a named
  operator wait a minute at most, yet can try one password a minute at best — under
  1,500 guesses a day against passwords of 12 characters or more, each checked with
  argon2id: guessing stays impractical;
- per **console** (host name and OS account, or ``CONTROLROOM_CONSOLE``), capped at
  ``CONSOLE_CAP`` (15 minutes): the console someone guesses from — many names or one —
  slows down hard, and only that console.

A try during a wait is refused without checking the password and does not count (the
wait does not grow while someone hammers the button). Failures older than
``FORGET_AFTER`` are forgotten; a successful login clears its account and console.
Every ``BURST`` failures in a row on one account or console the trail gets a
``user.login_burst`` entry (kind ``access``) for the supervisor and the auditor.
"""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.storage.models import ConsoleThrottle, User

FREE_FAILURES = 3
FIRST_WAIT = timedelta(seconds=2)
ACCOUNT_CAP = timedelta(minutes=1)
CONSOLE_CAP = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=12)
BURST = 10
# Failed-login names are typed by anyone: only this much of one is stored, with its length.
NAME_KEPT = 64
CONSOLE_KEPT = 200


def wait_after(failures: int, cap: timedelta) -> timedelta:
    """How long the next try must wait after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 20)  # 2 s * 2**20 is far past any cap
    wait: timedelta = FIRST_WAIT * (1 << doublings)
    return min(wait, cap)


def console_identity() -> str:
    """Where logins come from: ``CONTROLROOM_CONSOLE``, else host name and OS account."""
    configured = os.environ.get("CONTROLROOM_CONSOLE")
    if configured:
        return configured[:CONSOLE_KEPT]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"{socket.gethostname()}/{user}"[:CONSOLE_KEPT]


def shown_name(name: str) -> tuple[str, dict[str, object]]:
    """A typed login name as stored: at most ``NAME_KEPT`` characters, with the full length
    in the detail when it was cut (a 100 KB name must not fill the trail)."""
    if len(name) <= NAME_KEPT:
        return name, {}
    return name[:NAME_KEPT], {"name_length": len(name)}


@dataclass(slots=True)
class Tally:
    """One failure counted: how many in a row now, and whether that makes a burst."""

    failures: int
    burst: bool


async def console_row(session: AsyncSession, console: str, now: datetime) -> ConsoleThrottle:
    """The console's row, locked for this transaction, created if new, stale failures forgotten.

    Logins from one console can run at once (several commands started together): an
    insert that ignores a row another transaction made first, then a locking read,
    so neither fails on the key and no failure is lost to the other's update.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(ConsoleThrottle)
        .values(console=console, failures=0, last_failed_at=now, wait_until=None)
        .on_conflict_do_nothing()
    )
    found = select(ConsoleThrottle).where(ConsoleThrottle.console == console).with_for_update()
    row = (await session.execute(found)).scalar_one()
    if now - row.last_failed_at > FORGET_AFTER:
        row.failures, row.wait_until = 0, None
    return row


def waiting_until(user: User | None, console: ConsoleThrottle, now: datetime) -> datetime | None:
    """When the next try is allowed, if that is still to come (account or console)."""
    times = [console.wait_until]
    if user is not None and not _forgotten(user, now):
        times.append(user.locked_until)
    later = max((t for t in times if t is not None), default=None)
    return later if later is not None and later > now else None


def count_console_failure(console: ConsoleThrottle, now: datetime) -> Tally:
    console.failures += 1
    console.last_failed_at = now
    console.wait_until = now + wait_after(console.failures, CONSOLE_CAP)
    return Tally(console.failures, console.failures % BURST == 0)


def count_account_failure(user: User, now: datetime) -> Tally:
    if _forgotten(user, now):
        user.failed_attempts = 0
    user.failed_attempts += 1
    user.last_failed_at = now
    user.locked_until = now + wait_after(user.failed_attempts, ACCOUNT_CAP)
    return Tally(user.failed_attempts, user.failed_attempts % BURST == 0)


def clear(user: User, console: ConsoleThrottle) -> None:
    """A successful login: its account and console start afresh."""
    user.failed_attempts, user.locked_until = 0, None
    console.failures, console.wait_until = 0, None


def _forgotten(user: User, now: datetime) -> bool:
    return user.last_failed_at is not None and now - user.last_failed_at > FORGET_AFTER
