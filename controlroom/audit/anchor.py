"""Anchoring the audit chain: its head noted outside the database, and checked later.

The chain (``audit.chain``) shows an edited, deleted or reordered entry, and
``audit_head`` shows entries deleted from the end. Neither stops someone who can
write the tables from deleting the last entries *and* moving ``audit_head`` back, or
from editing an entry and re-hashing every entry after it with the project's own,
public hash function: the chain they leave behind is perfectly consistent.

What they cannot change is a head noted earlier outside the database — written down,
kept in a head file (``controlroom audit head --write FILE``) or printed in the footer
of every document that leaves the room. A head is an entry's id and its hash, and each
hash covers every entry before it, so "entry N still has hash H" pins the whole trail
up to N:

* a **trimmed** chain no longer reaches entry N;
* a **rebuilt** chain has a different hash at entry N (an edit at or before N changes
  every hash from the edit on; finding another history with the same SHA-256 is not
  feasible).

``verify(db, expect=...)`` in ``audit.chain`` checks both, as well as the chain from N
onwards. Entries after the newest noted head are protected only by the chain itself,
which is why the head is noted often (every night, every printed document).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

    from controlroom.storage.database import Database

EMPTY_HASH = "0" * 64


# 16 hex digits are 64 bits: no one can make a rewritten trail match that many by trying.
SHORTEST_PREFIX = 16


# "HASH", "ID:HASH", "#ID HASH" or "#ID:HASH", as `audit head` prints and the footer shows it.
_EXPECTED = re.compile(r"(?:#?(?P<id>\d{1,18})[:\s]\s*)?(?P<hash>[0-9a-f]{16,64})…?")


HEAD_FILE_FORMAT = "controlroom audit head"


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest entry of the trail: its id, the number of entries, and its hash."""

    last_id: int
    count: int
    hash: str

    @property
    def anchor(self) -> str:
        """The form ``audit verify --expect`` takes back: ``ID:HASH``."""
        return f"{self.last_id}:{self.hash}"

    def label(self) -> str:
        """One line for people and paper: ``#1234 3f5a…`` (the whole hash)."""
        if self.count == 0:
            return "#0 (the audit trail is empty)"
        return f"#{self.last_id} {self.hash}"

    def as_json(self) -> dict[str, Any]:
        return {"last_id": self.last_id, "count": self.count, "hash": self.hash, "anchor": self.anchor}


EMPTY_HEAD = ChainHead(0, 0, EMPTY_HASH)


async def read_head(source: AsyncConnection | AsyncSession) -> ChainHead:
    """The head ``audit_head`` records, read in the caller's transaction (no check of the chain)."""
    # Imported here: the paperwork's plain data carries a ChainHead without loading storage.
    from sqlalchemy import select

    from controlroom.storage.models import AuditHead

    row = (await source.execute(select(AuditHead.last_id, AuditHead.count, AuditHead.last_hash))).first()
    if row is None:
        return EMPTY_HEAD
    return ChainHead(int(row[0]), int(row[1]), str(row[2]))


async def current_head(db: Database) -> ChainHead:
    """The head as it is now (one read; ``audit.chain.verify`` checks it against the chain)."""
    async with db.read() as conn:
        return await read_head(conn)


@dataclass(frozen=True, slots=True)
class ExpectedHead:
    """A head noted earlier: the hash (whole, or at least its first 16 hex digits) and its id if known."""

    hash_prefix: str
    last_id: int | None = None

    def describe(self) -> str:
        shown = self.hash_prefix if len(self.hash_prefix) == 64 else f"{self.hash_prefix}…"
        where = f"entry {self.last_id}" if self.last_id is not None else "an entry"
        return f"{where} with hash {shown}"

    def matches(self, entry_hash: str) -> bool:
        return entry_hash.startswith(self.hash_prefix)


def parse_expected(text: str) -> ExpectedHead:
    """``--expect``: ``HASH``, ``ID:HASH`` or ``#ID HASH``; a hash may be cut to its first 16 digits."""
    match = _EXPECTED.fullmatch(text.strip().lower())
    if match is None:
        raise ValidationError(
            f"{text!r} is not an audit head: give the hash `controlroom audit head` printed "
            f"(64 hex digits, or at least the first {SHORTEST_PREFIX}), best with its entry number "
            "in front, e.g. 1234:3f5a09c2e8d1b4a7…"
        )
    number = match.group("id")
    return ExpectedHead(match.group("hash"), int(number) if number else None)


def write_head_file(head: ChainHead, path: Path, *, database: str, at: datetime | None = None) -> None:
    """Write ``head`` as JSON to ``path`` atomically (a temporary file beside it, synced, renamed)."""
    document = {
        "format": HEAD_FILE_FORMAT,
        **head.as_json(),
        "noted_at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "database": database,
    }
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_head_file(path: Path) -> ExpectedHead:
    """The head a file written by ``audit head --write`` holds; a file that is not one is refused."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"the head file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(
            f"{path} is not a head file written by `controlroom audit head --write` ({exc})"
        ) from None
    if not isinstance(document, dict) or document.get("format") != HEAD_FILE_FORMAT:
        raise ValidationError(f"{path} is not a head file written by `controlroom audit head --write`")
    last_id, digest = document.get("last_id"), document.get("hash")
    if (
        not isinstance(last_id, int)
        or not isinstance(digest, str)
        or not re.fullmatch("[0-9a-f]{64}", digest)
    ):
        raise ValidationError(
            f"the head file {path} is damaged: it needs a whole number last_id and a 64-digit hash"
        )
    return ExpectedHead(digest, last_id)
