"""Typed text as the window shows it: in the order it was typed, obeying nothing.

Summaries, places, names and reasons come from people and partners' systems. Qt and
Chromium lay text out by the Unicode bidirectional algorithm, so a typed U+202E (right-to-
left override) would show "abc\u202eevil\u202c after" as "abclive after"; other controls
(ESC, BEL, a lone carriage return, zero-width format characters) draw nothing or draw a
box. Every place the window shows typed text passes it through here, so it is spelled
out (``\\u202e``) exactly as the command line prints it (``controlroom.core.validation.inert``).
The data itself is never changed: an edit form is filled from the snapshot, not from
what a label shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from controlroom.core.validation import escape, inert

# A label that wraps keeps the typed line breaks and tabs; a table cell is one line.
_LINE_BREAKS = "\n\t"
_BREAKS = frozenset("\t\n\r\x0b\x0c")


def _space_for_a_break(ch: str) -> str:
    return " " if ch in _BREAKS else escape(ch)


def shown_line(text: str | None) -> str:
    """``text`` on one line (a table cell, a title): breaks as spaces, controls spelled out."""
    return inert(text or "", spell=_space_for_a_break)


def shown_lines(text: str | None) -> str:
    """``text`` for a wrapping label or a popup: its line breaks kept, other controls spelled out."""
    text = text or ""
    return inert(text.replace("\r\n", "\n") if "\r" in text else text, keep=_LINE_BREAKS)


def typed_label(text: str | None) -> QLabel:
    """A label for typed text: plain text (never rich text), wrapping, selectable, shown through
    ``shown_lines``. Set later text with ``label.setText(shown_lines(value))``."""
    label = QLabel(shown_lines(text))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
