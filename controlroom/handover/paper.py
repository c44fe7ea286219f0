"""A handover on paper: the draft being written, or one given, for both to sign.

One function for the command line and the window: ``handover_paper`` renders a draft (with
the notes typed so far) or a given handover (by id or reference) through the paperwork
loader from ``resources/paperwork/handover.html.j2``, and logs the print in the audit trail.

A handover that describes people (the subject of a direction, persons of concern, what a
take-home task says) is personal data: printing it whole is a disclosure under DPA 2018
s.62(3), logged as ``paperwork.print`` with its justification and recipient, as
``report-night --include-personal`` does. Without a justification and a recipient the
paper leaves those cells and the notes beside them out ("withheld") and keeps references,
times and counts; that print is logged as ``handover.print``. Giving one of the two
without the other is refused: a disclosure needs both.

Everything typed (notes, places, reasons) passes through ``paperwork.printable`` and the
template's autoescape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.anchor import read_head
from controlroom.audit.trail import log_processing
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import HandoverSnapshot
from controlroom.handover.content import HandoverContent, HandoverSection
from controlroom.handover.queries import handover_record
from controlroom.handover.records import (
    NOTES_LIMIT,
    checked_item_notes,
    checked_note,
)
from controlroom.paperwork.printable import SHORT_FIELD_LIMIT, TEXT_FIELD_LIMIT, printable
from controlroom.paperwork.render import DEFAULT_FORCE_NAME, RenderedDocument, render_template
from controlroom.storage.database import Database

TEMPLATE = "handover.html.j2"
# Percent of the page each column takes, by section (the note beside each item takes the
# rest): Qt's table layout otherwise shares the width out evenly and squeezes the long text.
WIDTHS = {
    "alerts": (18, 20, 8, 18, 12),
    "overdue_steps": (18, 28, 10, 7, 8),
    "incidents": (18, 12, 8, 14, 10, 22),
    "units": (11, 13, 10, 26, 9),
    "flags": (20, 12, 30, 9),
    "zones": (24, 22, 11, 12),
    "directions": (17, 11, 16, 16, 13, 9),
    "persons": (9, 28, 10, 9, 20),
    "safe_spaces": (40, 20),
    "take_home": (7, 20, 8, 35),
    "footage": (10, 19, 15, 22, 9, 8),
    "tally": (60, 40),
}
# Columns whose values must not break (references and times): "SOT-20261127-0042" split over
# two lines reads as two references.
NOWRAP = frozenset(
    {
        "Incident",
        "Reference",
        "Direction",
        "Log number",
        "Due",
        "Ends",
        "Since",
        "Expires",
        "Last seen",
    }
)
WITHHELD = (
    "Descriptions of people, their places and the notes beside them are left out of this print: "
    "print it with a recipient and a justification (a disclosure, DPA 2018 s.62(3)) to include them."
)


async def handover_paper(
    db: Database,
    actor: Actor,
    source: HandoverContent | int | str,
    *,
    notes: str = "",
    item_notes: Mapping[str, str] | None = None,
    to_user: str | None = None,
    justification: str | None = None,
    recipient: str | None = None,
    force_name: str = DEFAULT_FORCE_NAME,
    now: datetime | None = None,
) -> RenderedDocument:
    """The handover as one printable document; the print is logged (a disclosure if personal)."""
    actor.require("handover.print")
    why, to = (justification or "").strip(), (recipient or "").strip()
    if bool(why) != bool(to):
        missing = "--recipient (who receives it)" if why else "--justification (why it is printed)"
        raise ValidationError(
            f"a handover printed with personal data is a disclosure: give {missing} as well "
            "(DPA 2018 s.62(3) logs both), or neither to print it without personal data"
        )
    snapshot: HandoverSnapshot | None = None
    if isinstance(source, HandoverContent):
        actor.require("handover.draft")
        overall = checked_note(notes, "notes", "overall notes", NOTES_LIMIT)
        content = source.with_notes(checked_item_notes(item_notes or {}, source))
    else:
        record = await handover_record(db, actor, source)
        snapshot, content, overall = record.snapshot, record.content, record.snapshot.notes
    disclosed = content.contains_personal and bool(why)
    if disclosed:
        actor.require("paperwork.print")
    elif content.contains_personal:
        content = content.without_personal(WITHHELD)
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        head = await read_head(session)
    printed_at = now or datetime.now(UTC)
    reference = snapshot.reference if snapshot is not None else "DRAFT"
    document = render_template(
        TEMPLATE,
        f"Shift handover {reference}" if snapshot is not None else "Shift handover (draft)",
        reference,
        {},
        "handover",
        head,
        handover=_heading(snapshot, content, overall, to_user),
        sections=[_section(s) for s in content.sections],
        disclosure={"recipient": printable(to, SHORT_FIELD_LIMIT)} if disclosed else None,
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at,
    )
    detail = {"document": "handover", "reference": reference, "personal": disclosed}
    if disclosed:
        await log_processing(
            db,
            actor,
            action="paperwork.print",
            entity="handover",
            entity_id=snapshot.id if snapshot is not None else None,
            detail=detail,
            justification=why,
            recipient=to,
        )
    else:
        entity_id = snapshot.id if snapshot is not None else None
        await log_processing(
            db, actor, action="handover.print", entity="handover", entity_id=entity_id, detail=detail
        )
    return document


def _heading(
    snapshot: HandoverSnapshot | None, content: HandoverContent, notes: str, to_user: str | None
) -> dict[str, Any]:
    def text(value: str | None) -> str:
        return printable(value or "", SHORT_FIELD_LIMIT)

    given = snapshot is not None
    return {
        "given": given,
        "reference": snapshot.reference if snapshot else "",
        "from": text(snapshot.given_by if snapshot else content.drafted_by),
        "to": text(snapshot.to_user if snapshot else to_user),
        "drafted_at": content.drafted_at,
        "given_at": snapshot.given_at if snapshot else None,
        "acknowledged_by": text(snapshot.acknowledged_by) if snapshot else "",
        "acknowledged_at": snapshot.acknowledged_at if snapshot else None,
        "night": content.night,
        "notes": printable(notes, TEXT_FIELD_LIMIT * 2),
        "items": sum(len(s.items) for s in content.sections if s.key != "tally"),
    }


def _section(section: HandoverSection) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "columns": [printable(c, SHORT_FIELD_LIMIT) for c in section.columns],
        "widths": _widths(section),
        "nowrap": [c in NOWRAP for c in section.columns],
        "note_width": 100 - sum(WIDTHS.get(section.key, ())),
        "withheld": section.withheld,
        "items": [
            {
                "cells": [printable(c, TEXT_FIELD_LIMIT) for c in item.cells],
                "note": printable(item.note, TEXT_FIELD_LIMIT),
                "urgent": item.urgent,
            }
            for item in section.items
        ],
    }


def _widths(section: HandoverSection) -> list[int | None]:
    widths = WIDTHS.get(section.key, ())
    return [widths[i] if i < len(widths) else None for i in range(len(section.columns))]


__all__ = ["WITHHELD", "handover_paper"]
