"""The DPA 2018 s.62 audit trail: one hash-chained entry per processing operation.

Every entry records who, when, what record and what kind of operation it was
(s.62(1): collection, alteration, consultation, disclosure, combination, erasure;
plus ``access`` for logins and ``operation`` for work that touches no personal
data). A consultation carries its justification (s.62(2)); a disclosure carries the
justification and the recipient (s.62(3)).

Each entry's ``entry_hash`` is SHA-256 over its own fields and the previous entry's
hash, and ``audit_head`` holds the newest id, hash and the number of entries. An
edited entry breaks its own hash, a deleted one breaks the next entry's link (or
the head), a reordered pair breaks both — ``verify`` names the first broken entry.
Entries are appended under the feed lock, so the chain has one writer at a time.
Application roles may only append (on PostgreSQL the grants say so, see
``storage.pg_security``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.anchor import EMPTY_HASH, ChainHead, ExpectedHead
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, AuditHead

# s.62(1) kinds, and the two that are not personal-data processing.
KINDS = (
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
    "access",
    "operation",
)


_KIND_OF_ACTION = {
    "incident.report": "collection",
    "subject.add": "collection",
    "subject.warn": "collection",
    "direction.give": "collection",
    "flag.add": "collection",
    "user.add": "collection",
    "incident.update": "alteration",
    "incident.caller_updated": "alteration",
    "direction.vary": "alteration",
    "direction.withdraw": "alteration",
    "subject.review": "alteration",
    "flag.convert": "alteration",
    "user.disable": "alteration",
    "user.enable": "alteration",
    "user.passwd": "alteration",
    "direction.take_home": "alteration",
    "direction.combine": "combination",
    "subject.consult": "consultation",
    "direction.consult": "consultation",
    "dispersal.read": "consultation",
    "audit.view": "consultation",
    "paperwork.print": "disclosure",
    "paperwork.export": "disclosure",
    "audit.export": "disclosure",
    "footage.release": "disclosure",
    "footage.print": "disclosure",
    "footage.view": "consultation",
    "footage.mark": "collection",
    "footage.request": "collection",
    "footage.lock": "alteration",
    "footage.unlock": "alteration",
    "incident.link": "combination",
    "subject.seen": "combination",
    "subject.erase": "erasure",
    # The decision log's free text may name people (the information a decision rests on).
    "decision.record": "collection",
    "decision.print": "disclosure",
    # Reading another user's activity log (issue #17).
    "activity.read": "consultation",
    "user.login": "access",
    "user.login_failed": "access",
    "user.locked_out": "access",
    "user.login_burst": "access",
    "console.lock": "access",
    "console.unlock": "access",
}


GENESIS = EMPTY_HASH  # the "previous hash" of the first entry


def kind_of(action: str) -> str:
    """The s.62 kind of an action name (``operation`` when no personal data is involved)."""
    return _KIND_OF_ACTION.get(action, "operation")


def iso_utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_digest(
    *,
    id: int,
    at: datetime,
    actor: str,
    action: str,
    kind: str,
    entity: str,
    entity_id: int | None,
    detail: Any,
    justification: str | None,
    recipient: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over one entry's canonical JSON form, chained to ``prev_hash``."""
    canonical = json.dumps(
        [
            id,
            iso_utc(at),
            actor,
            action,
            kind,
            entity,
            entity_id,
            detail,
            justification,
            recipient,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def digest_of(row: AuditEntry | Any, prev_hash: str) -> str:
    detail = row.detail
    if isinstance(detail, str):  # a raw connection hands JSON back as text
        detail = json.loads(detail)
    at = row.at
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return entry_digest(
        id=row.id,
        at=at,
        actor=row.actor,
        action=row.action,
        kind=row.kind,
        entity=row.entity,
        entity_id=row.entity_id,
        detail=detail,
        justification=row.justification,
        recipient=row.recipient,
        prev_hash=prev_hash,
    )


async def append_audit(
    db: Database,
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any],
    justification: str | None = None,
    recipient: str | None = None,
) -> AuditEntry:
    """Append one chained entry in the caller's transaction (takes the feed lock)."""
    await db.take_feed_lock(session)
    head = await session.get(AuditHead, 1)
    if head is None:
        last_id, last_hash, count = 0, GENESIS, 0
    else:
        last_id, last_hash, count = head.last_id, head.last_hash, head.count
    entry = AuditEntry(
        id=last_id + 1,
        at=at,
        actor=actor,
        action=action,
        kind=kind_of(action),
        entity=entity,
        entity_id=entity_id,
        detail=detail,
        justification=justification,
        recipient=recipient,
        prev_hash=last_hash,
    )
    entry.entry_hash = digest_of(entry, last_hash)
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=1, last_id=entry.id, last_hash=entry.entry_hash, count=count + 1))
    else:
        head.last_id, head.last_hash, head.count = entry.id, entry.entry_hash, count + 1
    await session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of ``verify``: intact, or the first entry whose chain is broken.

    ``broken_id`` is None when the break has no entry to point at (a noted hash that
    no entry has any more).
    """

    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS
    head_id: int = 0
    anchored: ExpectedHead | None = None

    @property
    def head(self) -> ChainHead:
        """The newest entry the walk reached (the trail's head when ``ok``)."""
        return ChainHead(self.head_id, self.checked, self.head_hash)

    def describe(self) -> str:
        if self.ok:
            # Someone able to rewrite the whole table could recompute every hash; the newest
            # hash, noted outside the system (the DPO's records), pins the trail up to here.
            text = (
                f"audit trail intact: {self.checked} entries, every hash and link checks; "
                f"newest entry {self.head_id} has hash {self.head_hash}"
            )
            if self.anchored is not None:
                text += f"; it still holds the head noted earlier ({self.anchored.describe()})"
            return text
        if self.broken_id is None:
            return f"audit trail BROKEN: {self.reason}"
        return f"audit trail BROKEN at entry {self.broken_id}: {self.reason}"


async def verify(db: Database, *, batch: int = 5000, expect: ExpectedHead | None = None) -> VerifyResult:
    """Walk the chain in id order; the first entry that does not check, and why.

    With ``expect`` (a head noted earlier, see ``audit.anchor``) the trail must also
    still hold that entry with that hash: a trimmed or rebuilt chain is consistent in
    itself, and only a head kept outside the database shows it.
    """
    prev_hash = GENESIS
    prev_id = 0
    checked = 0
    found = expect is not None and expect.last_id == 0 and expect.matches(GENESIS)
    async with db.read(consistent=True) as conn:
        head = (await conn.execute(select(AuditHead.last_id, AuditHead.last_hash, AuditHead.count))).first()
        while True:
            rows = (
                await conn.execute(
                    select(AuditEntry.__table__)
                    .where(AuditEntry.id > prev_id)
                    .order_by(AuditEntry.id)
                    .limit(batch)
                )
            ).all()
            if not rows:
                break
            for row in rows:
                problem = _check(row, prev_id, prev_hash) or _check_expected(row, expect)
                if problem:
                    return VerifyResult(False, checked, row.id, problem)
                if expect is not None and not found and _is_expected(row, expect):
                    found, expect = True, ExpectedHead(expect.hash_prefix, row.id)
                prev_id, prev_hash = row.id, row.entry_hash
                checked += 1
    done = VerifyResult(True, checked, head_hash=prev_hash, head_id=prev_id, anchored=expect)
    return _check_head(head, done) or _missing_expected(expect, found, done) or done


def _check_head(head: Any, walked: VerifyResult) -> VerifyResult | None:
    checked, prev_id, prev_hash = walked.checked, walked.head_id, walked.head_hash
    if head is None:
        if checked:
            return VerifyResult(False, checked, prev_id, "the chain head (audit_head) is missing")
        return None
    if head[0] != prev_id or head[1] != prev_hash or head[2] != checked:
        missing = max(head[0], prev_id)
        return VerifyResult(
            False,
            checked,
            missing,
            f"the chain ends at entry {prev_id} ({checked} entries) but its head records "
            f"entry {head[0]} ({head[2]} entries): entries were deleted from the end "
            "or the head was altered",
        )
    return None


def _is_expected(row: Any, expect: ExpectedHead) -> bool:
    if expect.last_id is not None:
        return bool(row.id == expect.last_id)
    return expect.matches(row.entry_hash)


def _check_expected(row: Any, expect: ExpectedHead | None) -> str:
    if expect is None or expect.last_id != row.id or expect.matches(row.entry_hash):
        return ""
    return (
        f"its hash is {row.entry_hash[:16]}… but the head noted earlier is {expect.describe()}: "
        f"the trail up to entry {row.id} was changed after that head was noted (entries rewritten "
        "and re-hashed, or deleted from the end and written again)"
    )


def _missing_expected(expect: ExpectedHead | None, found: bool, walked: VerifyResult) -> VerifyResult | None:
    if expect is None or found:
        return None
    if expect.last_id is None:
        return VerifyResult(
            False,
            walked.checked,
            None,
            f"no entry has the hash {expect.describe().removeprefix('an entry with hash ')} noted earlier: "
            "the trail was trimmed below it or rewritten and re-hashed after it was noted",
        )
    return VerifyResult(
        False,
        walked.checked,
        walked.head_id + 1,
        f"it is missing, yet the head noted earlier is {expect.describe()}: the trail now ends at "
        f"entry {walked.head_id}, so entries were deleted from its end (trimmed) after that head was noted",
    )


def _check(row: Any, prev_id: int, prev_hash: str) -> str:
    if row.prev_hash != prev_hash:
        if row.id != prev_id + 1:
            return f"entries {prev_id + 1}–{row.id - 1} are missing (deleted) before it"
        return "its link to the previous entry does not match (an entry was deleted or reordered)"
    if digest_of(row, prev_hash) != row.entry_hash:
        return "its content does not match its hash (the entry was edited or moved)"
    if row.id != prev_id + 1:
        return f"entries {prev_id + 1}–{row.id - 1} are missing before it"
    return ""


def seal_existing_entries(connection: Connection) -> None:
    """Chain entries written before the chain existed (migration 0006), in id order."""
    prev_hash = GENESIS
    count = 0
    rows = connection.execute(
        text("SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id")
    ).all()
    for count, row in enumerate(rows, start=1):
        values = {
            "id": count,
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "kind": kind_of(row.action),
            "entity": row.entity,
            "entity_id": row.entity_id,
            "detail": row.detail,
            "justification": None,
            "recipient": None,
        }
        digest = digest_of(SimpleNamespace(**values), prev_hash)
        connection.execute(
            text(
                "UPDATE audit_log SET id = :new_id, kind = :kind, prev_hash = :prev, "
                "entry_hash = :hash WHERE id = :old_id"
            ),
            {"new_id": count, "kind": values["kind"], "prev": prev_hash, "hash": digest, "old_id": row.id},
        )
        prev_hash = digest
    if count:
        connection.execute(
            text("INSERT INTO audit_head (id, last_id, last_hash, count) VALUES (1, :id, :hash, :count)"),
            {"id": count, "hash": prev_hash, "count": count},
        )
