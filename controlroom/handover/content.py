"""What a handover says: sections of items, each with a stable key a note attaches to.

A draft (``handover.draft.draft_handover``) and a given handover's frozen content are the
same structure: ``HandoverContent`` — sections in a fixed order, each a small table
(``columns`` and each item's ``cells``), every item named by a key that stays the same
while the record lives (``incident:123``, ``unit:7``, ``direction:4``…). The outgoing
operator's notes are keyed the same way, so the window and the command line attach a
note to the row it was written beside, and the stored handover carries each note inside
its item.

The content is plain text already: cells are shown and printed as text (inert in the
terminal, escaped in the PDF, ``typed_text`` in the window), never interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

# Section keys in the order a handover lists them.
SECTION_ORDER = (
    "alerts",
    "overdue_steps",
    "incidents",
    "units",
    "flags",
    "zones",
    "directions",
    "persons",
    "safe_spaces",
    "take_home",
    "footage",
    "tally",
)
# The columns of a section that describe a person (DPA 2018 Part 3 data), by section key.
PERSONAL_COLUMNS = {
    "directions": ("Person",),
    "persons": ("Description", "Where"),
    "take_home": ("What",),
}
WITHHELD_CELL = "withheld"


@dataclass(frozen=True, slots=True)
class HandoverItem:
    """One row of a section: its key, its cells (one per column) and the giver's note."""

    key: str
    cells: tuple[str, ...]
    note: str = ""
    # Needs someone now (an alert, a breach, an overdue step): shown first and marked.
    urgent: bool = False

    @property
    def text(self) -> str:
        """The item on one line: its non-empty cells joined."""
        return " · ".join(c for c in self.cells if c)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "cells": list(self.cells), "note": self.note, "urgent": self.urgent}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HandoverItem:
        return cls(
            key=str(data["key"]),
            cells=tuple(str(c) for c in data.get("cells") or ()),
            note=str(data.get("note") or ""),
            urgent=bool(data.get("urgent", False)),
        )


@dataclass(frozen=True, slots=True)
class HandoverSection:
    """One part of the handover as a table; ``withheld`` says what the role may not see here."""

    key: str
    title: str
    columns: tuple[str, ...]
    items: tuple[HandoverItem, ...] = ()
    withheld: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "items": [item.to_json() for item in self.items],
            "withheld": self.withheld,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HandoverSection:
        return cls(
            key=str(data["key"]),
            title=str(data["title"]),
            columns=tuple(str(c) for c in data.get("columns") or ()),
            items=tuple(HandoverItem.from_json(i) for i in data.get("items") or ()),
            withheld=str(data.get("withheld") or ""),
        )


@dataclass(frozen=True, slots=True)
class HandoverContent:
    """A handover's sections as drafted at ``drafted_at`` for ``drafted_by`` (role ``role``).

    ``contains_personal``: it names or describes persons of concern or the subjects of
    directions (DPA 2018 Part 3 data); printing it is then a disclosure with a recipient.
    """

    drafted_at: datetime
    drafted_by: str
    role: str | None
    night: date
    sections: tuple[HandoverSection, ...]
    contains_personal: bool = False

    def section(self, key: str) -> HandoverSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def item(self, key: str) -> HandoverItem | None:
        return next((i for s in self.sections for i in s.items if i.key == key), None)

    def keys(self) -> tuple[str, ...]:
        """Every item's key, in the order shown."""
        return tuple(i.key for s in self.sections for i in s.items)

    def counts(self) -> tuple[tuple[str, int], ...]:
        """Items per section (the tally section counts its measures)."""
        return tuple((s.key, len(s.items)) for s in self.sections)

    def with_notes(self, notes: Mapping[str, str]) -> HandoverContent:
        """The same content with ``notes[key]`` beside each item (keys already checked)."""
        sections = tuple(
            replace(s, items=tuple(replace(i, note=notes.get(i.key, i.note)) for i in s.items))
            for s in self.sections
        )
        return replace(self, sections=sections)

    def without_personal(self, why: str) -> HandoverContent:
        """The same handover with every person's description, place and note left out.

        Printing a handover with personal data is a disclosure (with a recipient); without one,
        the paper keeps references, times and counts, and ``why`` says what was left out.
        """
        if not self.contains_personal:
            return self
        sections = []
        for section in self.sections:
            hidden = {i for i, c in enumerate(section.columns) if c in PERSONAL_COLUMNS.get(section.key, ())}
            if not hidden:
                sections.append(section)
                continue
            items = tuple(
                replace(
                    item,
                    cells=tuple(WITHHELD_CELL if i in hidden and c else c for i, c in enumerate(item.cells)),
                    note=WITHHELD_CELL if item.note else "",
                )
                for item in section.items
            )
            sections.append(replace(section, items=items, withheld=why))
        return replace(self, sections=tuple(sections), contains_personal=False)

    def noted_items(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.note)

    def to_json(self) -> dict[str, Any]:
        return {
            "drafted_at": self.drafted_at.isoformat(),
            "drafted_by": self.drafted_by,
            "role": self.role,
            "night": self.night.isoformat(),
            "contains_personal": self.contains_personal,
            "sections": [s.to_json() for s in self.sections],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HandoverContent:
        return cls(
            drafted_at=datetime.fromisoformat(str(data["drafted_at"])),
            drafted_by=str(data["drafted_by"]),
            role=None if data.get("role") is None else str(data["role"]),
            night=date.fromisoformat(str(data["night"])),
            sections=tuple(HandoverSection.from_json(s) for s in data.get("sections") or ()),
            contains_personal=bool(data.get("contains_personal", False)),
        )


# What the draft is called before it is given: the same structure.
HandoverDraft = HandoverContent

__all__ = [
    "PERSONAL_COLUMNS",
    "SECTION_ORDER",
    "WITHHELD_CELL",
    "HandoverContent",
    "HandoverDraft",
    "HandoverItem",
    "HandoverSection",
]
