"""Typed text made safe to print: what HTML escaping cannot neutralise.

Bidirectional override characters would let typed text reverse the words printed
after it; control characters and very long unbroken strings would push the layout
off the page. Every value a person typed passes through ``printable`` before it is
rendered into the paperwork or drawn on a plan.
"""

from __future__ import annotations

import re
import unicodedata

from controlroom.core.validation import inert

# Size of the plan on paper, in CSS pixels (1/96 inch): 640 px is 169 mm, the A4 text width.
PLAN_WIDTH = 640


PLAN_HEIGHT = 280


# The notice is handed over on the street as one sheet, and the s.34 form is signed on
# one: their plans are a little shorter.
SHEET_PLAN_HEIGHT = 220


# Longest value printed from one field; the rest stays in the electronic record.
SHORT_FIELD_LIMIT = 200


TEXT_FIELD_LIMIT = 2000


SHORT_FIELDS = frozenset(
    {
        "rank",
        "number",
        "name",
        "reference",
        "log_number",
        "person_name",
        "collection_station",
        "pcso_designation",
        "place_given",
        "grid_reference",
        "running_direction",
        "supervisor",
        "recorded_by",
        "officer",
        "taken_by",
    }
)


_LONG_RUN = re.compile(r"\S{40,}")


_BREAK_EVERY = 30


def printable(text: str, limit: int = TEXT_FIELD_LIMIT) -> str:
    """``text`` made safe to lay out: controls shown as code points, long runs breakable, capped."""
    text = inert(text.replace("\r\n", "\n").replace("\r", "\n"), keep="\t\n", spell=_on_paper)
    if len(text) > limit:
        hidden = len(text) - limit
        text = f"{text[:limit]}… [{hidden:,} more characters are in the electronic record]"
    # A zero-width space is a line-break opportunity: a 100 KB word still wraps inside its cell.
    return _LONG_RUN.sub(lambda m: _breakable(m.group()), text)


def _on_paper(ch: str) -> str:
    """Bidirectional and other format characters shown by code point; controls as a space."""
    return " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else f"[U+{ord(ch):04X}]"


def _breakable(run: str) -> str:
    return "\u200b".join(run[i : i + _BREAK_EVERY] for i in range(0, len(run), _BREAK_EVERY))
