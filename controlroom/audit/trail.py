"""Reading the audit trail: the auditor's filters, the CSV export, and logging a consultation.

The chain itself (how entries are appended, hashed and verified) is ``audit.chain``.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from controlroom.audit.chain import append_audit, iso_utc, kind_of
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor, describe
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an auditor narrows the trail to; every part optional."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    kind: str | None = None
    entity: str | None = None
    entity_id: int | None = None


async def entries(db: Database, flt: AuditFilter, *, limit: int | None = None) -> AsyncIterator[Any]:
    """Entries matching ``flt`` in id order (streamed in batches)."""
    last = 0
    remaining = limit
    while remaining is None or remaining > 0:
        size = 2000 if remaining is None else min(2000, remaining)
        query = select(AuditEntry.__table__).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(size)
        if flt.since is not None:
            query = query.where(AuditEntry.at >= flt.since)
        if flt.until is not None:
            query = query.where(AuditEntry.at < flt.until)
        if flt.actor:
            query = query.where(AuditEntry.actor == flt.actor)
        if flt.kind:
            query = query.where(AuditEntry.kind == flt.kind)
        if flt.entity:
            query = query.where(AuditEntry.entity == flt.entity)
        if flt.entity_id is not None:
            query = query.where(AuditEntry.entity_id == flt.entity_id)
        async with db.read() as conn:
            rows = (await conn.execute(query)).all()
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].id
        if remaining is not None:
            remaining -= len(rows)


CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "kind",
    "entity",
    "entity_id",
    "justification",
    "recipient",
    "detail",
    "prev_hash",
    "entry_hash",
)


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet will show as text: formula-looking text gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    cell = str(value)
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def write_csv_file(rows: Iterable[Any], path: Path) -> int:
    """``write_csv`` to ``path`` atomically: a temporary file beside it, synced, then renamed."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as out:
            count = write_csv(rows, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def write_csv(rows: Iterable[Any], out: TextIO) -> int:
    """The Commissioner's export: one header line, then one line per entry."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(getattr(row, column)) for column in CSV_COLUMNS])
        count += 1
    return count


# Consultations of many records at once (a list, the dispersal board): who and when.
LIST_READS = frozenset({"dispersal.read"})


async def log_processing(
    db: Database,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any],
    justification: str | None = None,
    recipient: str | None = None,
    at: datetime | None = None,
) -> None:
    """One audit entry on its own: a consultation, print or export outside a write.

    s.62(2)/(3): a consultation needs its justification, a disclosure its
    justification and its recipient; without them nothing is logged or shown.
    """
    actor.require(action)
    kind = kind_of(action)
    why = (justification or "").strip()
    to = (recipient or "").strip()
    # A list or board read is logged with who and when (s.62(2)); a record opened
    # singly, and every disclosure, also with why.
    if kind in ("consultation", "disclosure") and not why and action not in LIST_READS:
        raise ValidationError(f"say why ({describe(action)}): DPA 2018 s.62 logs the justification")
    if kind == "disclosure" and not to:
        raise ValidationError(
            f"say who receives it ({describe(action)}): DPA 2018 s.62(3) logs the recipients"
        )
    if len(why) > 1000 or len(to) > 300:
        raise ValidationError("the justification is limited to 1,000 characters, the recipient to 300")
    async with db.write() as session:
        await append_audit(
            db,
            session,
            at=at or datetime.now(UTC),
            actor=actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            justification=why or None,
            recipient=to or None,
        )
