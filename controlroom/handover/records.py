"""A given handover as the program holds it: the row, its snapshot, its frozen content.

``HandoverRecord`` is what ``show`` prints and the PDF renders: the snapshot every console
has (who, when, to whom, acknowledged or not) and the content exactly as given, each item
with the note written beside it. Content is read back tolerantly: a row whose JSON cannot
be read raises ``ValidationError`` naming the handover rather than crashing a listing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import HandoverSnapshot
from controlroom.core.validation import describe, has_visible, inert
from controlroom.handover.content import HandoverContent
from controlroom.storage.models import Handover

# Typed notes: one beside an item, and the overall notes.
ITEM_NOTE_LIMIT = 2000
NOTES_LIMIT = 4000
REFERENCE_PREFIX = "H"


class HandoverInputError(ValidationError):
    """Typed input refused; ``field`` names it for the window: ``notes``, ``to_user``, ``item:<key>``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class HandoverRefusedError(ValidationError):
    """The rules refuse this acknowledgement (the giver, already acknowledged, someone else's)."""


@dataclass(frozen=True, slots=True)
class HandoverRecord:
    """One given handover: its snapshot and its frozen content (items with their notes)."""

    snapshot: HandoverSnapshot
    content: HandoverContent
    drafted_at: datetime

    @property
    def id(self) -> int:
        return self.snapshot.id

    @property
    def reference(self) -> str:
        return self.snapshot.reference

    def to_json(self) -> dict[str, Any]:
        return {
            **self.snapshot.to_json(),
            "drafted_at": self.drafted_at.isoformat(),
            "content": self.content.to_json(),
        }


def content_of(row: Handover) -> HandoverContent:
    try:
        data = row.content if isinstance(row.content, dict) else {}
        return HandoverContent.from_json(data)
    except (KeyError, TypeError, ValueError) as why:
        raise ValidationError(
            f"handover {row.reference}: its stored content cannot be read ({why!r}); "
            "it was changed outside controlroom — restore it from a backup"
        ) from None


def snapshot_of(row: Handover) -> HandoverSnapshot:
    """The summary every console has (from the row's summary columns, not its content)."""
    return HandoverSnapshot(
        id=row.id,
        reference=row.reference,
        given_by=row.given_by,
        given_at=row.given_at,
        role=row.role,
        to_user=row.to_user,
        notes=row.notes,
        counts=tuple((str(key), int(count)) for key, count in row.counts),
        noted_items=row.noted_items,
        contains_personal=row.contains_personal,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        version=2 if row.acknowledged_at is not None else 1,
    )


def record_of(row: Handover) -> HandoverRecord:
    return HandoverRecord(snapshot_of(row), content_of(row), row.drafted_at)


def search_text(notes: str, content: HandoverContent) -> str:
    """The words the history's search looks in: notes, item notes and cells, lower case."""
    words = [notes]
    for section in content.sections:
        for item in section.items:
            words.append(item.note)
            words.extend(item.cells)
    return "\n".join(w for w in words if w).casefold()


def checked_note(text: str | None, field: str, what: str, limit: int) -> str:
    """A typed note, trimmed: empty is no note; otherwise it must show something and fit."""
    note = (text or "").strip()
    if not note:
        return ""
    if not has_visible(note):
        raise HandoverInputError(
            field,
            f"nothing can be read in the {what}: it has only invisible characters such as "
            f"{describe(note[0])}; type words that can be read, or leave it empty",
        )
    if len(note) > limit:
        raise HandoverInputError(field, f"the {what} run to {len(note):,} characters; the limit is {limit:,}")
    return note


def checked_item_notes(notes: Mapping[str, str], content: HandoverContent) -> dict[str, str]:
    """The non-empty notes, each checked, each beside an item of ``content`` (else refused)."""
    keys = set(content.keys())
    checked: dict[str, str] = {}
    for key, text in notes.items():
        if key not in keys:
            shown = ", ".join(sorted(keys)[:12]) + (" …" if len(keys) > 12 else "")
            raise HandoverInputError(
                f"item:{key}",
                f"there is no item {inert(key)!r} in this handover (it may have closed since the draft); "
                f"notes go beside these items: {shown or 'none — the handover has no items'}",
            )
        note = checked_note(text, f"item:{key}", f"note beside {key}", ITEM_NOTE_LIMIT)
        if note:
            checked[key] = note
    return checked


async def find_handover(session: AsyncSession, handover: int | str, *, for_update: bool = False) -> Handover:
    """The row by id or reference (``H-2026-0001``), or a refusal saying how to find one."""
    query = select(Handover)
    if isinstance(handover, int) or str(handover).strip().isdigit():
        query = query.where(Handover.id == int(handover))
    else:
        query = query.where(Handover.reference == str(handover).strip().upper())
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no handover {handover}; `controlroom handover list` shows each handover's number and reference"
        )
    return row


async def next_reference(session: AsyncSession, year: int) -> str:
    """``H-<year>-<n>``, one more than the year's last (callers hold the feed lock)."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = (
        await session.execute(
            select(Handover.reference)
            .where(Handover.reference.like(f"{prefix}%"))
            .order_by(Handover.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


__all__ = [
    "ITEM_NOTE_LIMIT",
    "NOTES_LIMIT",
    "HandoverInputError",
    "HandoverRecord",
    "HandoverRefusedError",
    "checked_item_notes",
    "checked_note",
    "content_of",
    "find_handover",
    "next_reference",
    "record_of",
    "search_text",
    "snapshot_of",
]
