"""Typed text on a terminal: shown as it was typed, never obeyed.

Summaries, names, reasons and places come from people and partners' systems. A
terminal acts on some characters instead of showing them: ESC and the 8-bit CSI
start sequences that clear the screen, recolour it or set the window title, and the
bidirectional controls (U+202E right-to-left override and friends) reverse the words
printed after them. Human-readable output shows such characters as escapes
(``\\x1b``, ``\\u202e``); JSON output escapes them the JSON way, so the values read
back unchanged.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, TextIO

from controlroom.core.validation import escape, inert

_SPACES = frozenset("\t\n\r\x0b\x0c")


def _space_for_a_break(ch: str) -> str:
    return " " if ch in _SPACES else escape(ch)


def shown(text: str) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other controls visible escapes."""
    return inert(text, spell=_space_for_a_break)


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` with every character a terminal could act on written as a ``\\u`` escape.

    Other non-ASCII text (names with accents, Welsh, Polish) stays readable; the JSON
    decodes to exactly the stored values.
    """
    return inert(json.dumps(value, indent=indent, ensure_ascii=False), keep="\n", spell=_json_escape)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells characters beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def lines_shown(text: str) -> str:
    """Several lines for a terminal: line breaks and tabs kept, every other control an escape
    (a carriage return alone would let a line be overwritten by the text after it)."""
    return inert(text.replace("\r\n", "\n"), keep="\n\t")


def write_inert_on_terminal(write: Callable[[TextIO], object], out: TextIO) -> None:
    """``write(out)``, except that on a terminal the text is shown through ``lines_shown``.

    A file or a pipe gets the data exactly (a CSV for the Commissioner must hold what was
    recorded); a person at a terminal sees ESC, BEL and U+202E spelled out, so a typed reason
    or a failed-login name cannot clear the auditor's screen or reverse the lines after it.
    """
    if not out.isatty():
        write(out)
        return
    buffer = io.StringIO(newline="")
    write(buffer)
    out.write(lines_shown(buffer.getvalue()))
