"""Database and operating-system failures as sentences: what is wrong and what to do.

The one place that reads a failure the drivers raise — sqlite3's and asyncpg's
errors as SQLAlchemy wraps them, and the ``OSError`` beneath them — and names it for
a person. The command line (``controlroom.cli.main``) and the window (``ui.shell``)
both ask ``diagnose``; each shows the same problem in its own words
(``Failure.for_command_line`` / ``Failure.for_window``), so a read-only file, a full
disk, a damaged page, a lock held too long, a duplicate key or a server that went
away never reach anyone as a traceback.

Why a failure means nothing was written: every write runs in one transaction
(``Database.write``), and each of these errors aborts the statement before commit,
so the transaction rolls back whole. The sentences say so because it is true here,
not as comfort.

Recognition reads, in order along the exception's causes: the SQLSTATE asyncpg
attaches (stable across server versions and languages), the ``errno`` of an
``OSError``, then SQLite's fixed English messages (sqlite3 exposes no error code
before Python 3.11's ``sqlite_errorcode``, and SQLAlchemy's wrapper hides it).
"""

from __future__ import annotations

import enum
import errno
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Failure", "FailureKind", "diagnose"]


class FailureKind(enum.Enum):
    """What kind of trouble, independent of the driver that reported it."""

    READ_ONLY = "read-only"
    DISK_FULL = "disk full"
    CORRUPT = "damaged"
    LOCKED = "locked"
    DUPLICATE = "duplicate"
    CANNOT_OPEN = "cannot open"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Failure:
    """One diagnosed failure: the problem, and the remedy for each kind of reader."""

    kind: FailureKind
    problem: str
    remedy: str
    window_problem: str
    window_remedy: str

    def for_command_line(self) -> str:
        """One sentence for ``controlroom: error: ...`` (names the file or URL)."""
        return f"{self.problem}. {self.remedy}"

    def for_window(self) -> str:
        """The window's words: what the operator sees, and whom to ask."""
        return f"{self.window_problem}. {self.window_remedy}"


# PostgreSQL SQLSTATEs (appendix A of its manual) by what they mean here.
_SQLSTATES = {
    "23505": FailureKind.DUPLICATE,  # unique_violation
    "53100": FailureKind.DISK_FULL,  # disk_full
    "25006": FailureKind.READ_ONLY,  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "XX001": FailureKind.CORRUPT,  # data_corrupted
    "XX002": FailureKind.CORRUPT,  # index_corrupted
    "55P03": FailureKind.LOCKED,  # lock_not_available
    "57P01": FailureKind.UNREACHABLE,  # admin_shutdown
    "57P02": FailureKind.UNREACHABLE,  # crash_shutdown
    "57P03": FailureKind.UNREACHABLE,  # cannot_connect_now
}
_ERRNOS = {
    errno.EROFS: FailureKind.READ_ONLY,
    errno.EACCES: FailureKind.READ_ONLY,
    errno.EPERM: FailureKind.READ_ONLY,
    errno.ENOSPC: FailureKind.DISK_FULL,
    errno.EDQUOT: FailureKind.DISK_FULL,
    errno.ECONNREFUSED: FailureKind.UNREACHABLE,
    errno.EHOSTUNREACH: FailureKind.UNREACHABLE,
    errno.ENETUNREACH: FailureKind.UNREACHABLE,
    errno.ETIMEDOUT: FailureKind.UNREACHABLE,
    errno.ECONNRESET: FailureKind.UNREACHABLE,
}
# SQLite's own messages (sqlite3.c, sqlite3ErrStr), lower-cased.
_SQLITE_MESSAGES = (
    ("attempt to write a readonly database", FailureKind.READ_ONLY),
    ("database or disk is full", FailureKind.DISK_FULL),
    ("database disk image is malformed", FailureKind.CORRUPT),
    ("file is not a database", FailureKind.CORRUPT),
    ("file is encrypted or is not a database", FailureKind.CORRUPT),
    ("database is locked", FailureKind.LOCKED),
    ("database table is locked", FailureKind.LOCKED),
    ("unique constraint failed", FailureKind.DUPLICATE),
    ("unable to open database file", FailureKind.CANNOT_OPEN),
    ("disk i/o error", FailureKind.CANNOT_OPEN),
)
_SQLITE_COLUMNS = re.compile(r"unique constraint failed: ([\w., ]+)", re.IGNORECASE)
_WAL_INDEX_BYTES = 32 * 1024  # the first -shm region SQLite must allocate to open a WAL database
_PG_KEY = re.compile(r"Key \((.+?)\)=\((.*)\) already exists", re.DOTALL)


def diagnose(exc: BaseException, url: str | None = None) -> Failure | None:
    """The failure ``exc`` (or one of its causes) is, in words; None if not a known kind.

    ``url`` is the database the command was using: it lets the sentence name the file
    (SQLite) or the masked server address, and tells a read-only folder from a
    missing one when SQLite only says "unable to open database file".
    """
    place = _Place.of(url)
    for link in _causes(exc):
        kind = _kind(link)
        if kind is not None:
            if isinstance(link, OSError) and _other_file(link, place):
                return _file_failure(kind, link)
            return _describe(kind, exc, link, place)
    return None


def _other_file(link: OSError, place: _Place) -> bool:
    """Whether an OS error names a file that is not the database (an --out FILE, a PDF)."""
    if not link.filename:
        return False
    name = os.path.abspath(os.fsdecode(link.filename))
    return place.path is None or not name.startswith(str(place.path))


def _file_failure(kind: FailureKind, link: OSError) -> Failure:
    name = os.fsdecode(link.filename)
    reason = link.strerror or _first_line(link)
    remedy = {
        FailureKind.READ_ONLY: "choose a folder this user may write to",
        FailureKind.DISK_FULL: "free space on that disk or choose another",
    }.get(kind, "check the path and try again")
    return Failure(
        kind,
        f"cannot write {name}: {reason}",
        f"Nothing was written there; {remedy}",
        f"Cannot write {name}: {reason}",
        f"Nothing was written there; {remedy}",
    )


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what it wraps (SQLAlchemy's ``orig``), then its causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        link = pending.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        for nxt in (getattr(link, "orig", None), link.__cause__, link.__context__):
            if isinstance(nxt, BaseException):
                pending.append(nxt)


def _kind(link: BaseException) -> FailureKind | None:
    sqlstate = getattr(link, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in _SQLSTATES:
            return _SQLSTATES[sqlstate]
        if sqlstate.startswith("08"):  # connection_exception class
            return FailureKind.UNREACHABLE
    if isinstance(link, OSError) and link.errno in _ERRNOS:
        return _ERRNOS[link.errno]
    if isinstance(link, ConnectionError | TimeoutError):
        return FailureKind.UNREACHABLE
    if isinstance(getattr(link, "orig", None), BaseException) or link.__cause__ is not None:
        return None  # a wrapper (SQLAlchemy's, or ours): the error it wraps is read next
    text = str(link).lower()
    for message, kind in _SQLITE_MESSAGES:
        if message in text:
            return kind
    if "duplicate key value violates unique constraint" in text:
        return FailureKind.DUPLICATE
    if "no space left on device" in text or "could not extend file" in text:
        return FailureKind.DISK_FULL
    return None


@dataclass(frozen=True)
class _Place:
    """Where the database is, as a sentence can name it."""

    label: str  # a file path, or a server URL with the password masked
    path: Path | None  # the SQLite file, if it is one

    @classmethod
    def of(cls, url: str | None) -> _Place:
        if not url:
            return cls("the database", None)
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            return cls("the database", None)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            path = Path(os.path.abspath(Path(parsed.database).expanduser()))
            return cls(str(path), path)
        return cls(parsed.render_as_string(hide_password=True), None)

    @property
    def is_file(self) -> bool:
        return self.path is not None

    def folder_read_only(self) -> bool:
        """Whether SQLite could not create its -wal/-shm files beside the file."""
        if self.path is None or not self.path.parent.is_dir():
            return False
        try:
            read_only_mount = bool(os.statvfs(self.path.parent).f_flag & os.ST_RDONLY)
        except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
            read_only_mount = False
        return read_only_mount or not os.access(self.path.parent, os.W_OK)

    def folder_full(self) -> bool:
        """Whether the disk holding the SQLite file has less room than one WAL index (32 KiB)."""
        if self.path is None or not self.path.parent.is_dir():
            return False
        try:
            stats = os.statvfs(self.path.parent)
        except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
            return False
        return stats.f_bavail * stats.f_frsize < _WAL_INDEX_BYTES


def _describe(kind: FailureKind, exc: BaseException, link: BaseException, place: _Place) -> Failure:
    where = place.label
    # SQLite says only "unable to open" or "disk I/O error" when it cannot create or grow
    # its -wal/-shm files; the folder tells why.
    if kind is FailureKind.CANNOT_OPEN and place.folder_read_only():
        kind = FailureKind.READ_ONLY
    elif kind is FailureKind.CANNOT_OPEN and place.folder_full():
        kind = FailureKind.DISK_FULL
    if kind is FailureKind.READ_ONLY:
        if place.is_file:
            return Failure(
                kind,
                f"the database file {where} cannot be written: the file or its folder is read-only",
                "Nothing was saved. Make the file and its folder writable for this user (SQLite "
                "writes its -wal and -shm files beside it), then try again",
                "The database cannot be written (its file or folder is read-only)",
                "Nothing was saved; what you typed is still here. Ask IT to make it writable again",
            )
        return Failure(
            kind,
            f"the database at {where} refuses writes (a read-only server, such as a standby)",
            "Nothing was saved. Point --db or CONTROLROOM_DB_URL at the primary server",
            "The database refuses writes (a read-only server)",
            "Nothing was saved; what you typed is still here. Ask IT to switch to the primary server",
        )
    if kind is FailureKind.DISK_FULL:
        return Failure(
            kind,
            f"the disk holding the database {where} is full",
            "Nothing was saved. Free space on that disk (or move the database to a larger one) and try again",
            "The disk holding the database is full",
            "Nothing was saved; what you typed is still here. Ask IT to free space on it",
        )
    if kind is FailureKind.CORRUPT:
        return Failure(
            kind,
            f"the database {where} is damaged ({_first_line(link)})",
            "Nothing was changed. Keep the damaged file for inspection and restore the latest "
            "backup in its place",
            "The database file is damaged",
            "Nothing was changed. Ask IT to restore the latest backup",
        )
    if kind is FailureKind.LOCKED:
        return Failure(
            kind,
            f"the database {where} stayed locked by another program for longer than the wait allows",
            "Nothing was saved. Try again; if it keeps happening, close the program holding it "
            "(a console in the middle of a long task, or a database tool left open)",
            "The database is busy: another program holds a lock on it",
            "Nothing was saved; what you typed is still here. Try again in a moment",
        )
    if kind is FailureKind.DUPLICATE:
        what = _duplicate_of(exc)
        # The window names the field, not the table: "incidents.summary ('x')" -> "summary".
        field = ", ".join(part.strip().split(".")[-1] for part in what.split(" (")[0].split(","))
        return Failure(
            kind,
            f"the database already holds a record with the same {what}",
            "Nothing was written. Use a different value, or change the existing record instead",
            f"That {field.replace('_', ' ')} is already recorded",
            "Nothing was saved; use a different value, or change the existing record",
        )
    if kind is FailureKind.CANNOT_OPEN:
        missing = place.path is not None and not place.path.parent.is_dir()
        reason = "its folder does not exist" if missing else _first_line(link)
        return Failure(
            kind,
            f"cannot open the database file {where}: {reason}",
            "Nothing was changed. Check the path (--db or CONTROLROOM_DB_URL) and that this user "
            "may read and write the file and its folder",
            "The database file cannot be opened",
            "Ask IT to check the database file and its folder",
        )
    return Failure(
        kind,
        f"cannot reach the database at {where} ({_first_line(link)})",
        "Nothing was saved. Check the URL (--db or CONTROLROOM_DB_URL) and that the server is running",
        "The database cannot be reached",
        "Nothing was saved; what you typed is still here. Try again when the connection is back",
    )


def _duplicate_of(exc: BaseException) -> str:
    """The columns (and value, from PostgreSQL's detail) a unique key refused."""
    constraint = None
    for link in _causes(exc):
        detail = getattr(link, "detail", None)
        if isinstance(detail, str) and (found := _PG_KEY.search(detail)):
            return f"{found.group(1)} ({found.group(2)!r})"
        if found := _SQLITE_COLUMNS.search(str(link)):
            return found.group(1).strip()
        constraint = constraint or getattr(link, "constraint_name", None)
    return f"key ({constraint})" if isinstance(constraint, str) else "key"


def _first_line(link: BaseException) -> str:
    text = str(link).strip()
    return text.splitlines()[0] if text else type(link).__name__
