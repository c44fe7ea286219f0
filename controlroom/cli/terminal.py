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

import json
from typing import Any

_SPACES = frozenset("\t\n\r\x0b\x0c")


def shown(text: str) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other controls visible escapes."""
    return "".join(ch if ch.isprintable() else (" " if ch in _SPACES else _escape(ch)) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` with every character a terminal could act on written as a ``\\u`` escape.

    Other non-ASCII text (names with accents, Welsh, Polish) stays readable; the JSON
    decodes to exactly the stored values.
    """
    raw = json.dumps(value, indent=indent, ensure_ascii=False)
    return "".join(ch if ch.isprintable() or ch in "\n " else _json_escape(ch) for ch in raw)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells characters beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
