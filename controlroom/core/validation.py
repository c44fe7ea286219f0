"""Checking what people typed: each refusal says what is wrong and what would be right.

Input hygiene lives here, in one place, so the command line and the window refuse the
same things in the same words and show typed text the same way:

- identifiers (user names, unit callsigns) are ASCII only, matched whole: a Cyrillic
  "SN-40" that looks identical to the Latin one is refused, naming the character;
- required free text must contain a character someone can see (not only spaces or
  zero-width characters);
- numbers of hours and dates are bounded, so ``inf``, ``nan``, ``1e10`` or the year 9999
  are refused with a sentence instead of overflowing a date calculation;
- ``inert`` is the one way typed text is made safe to show: the terminal, the window
  and the paperwork all pass it through, each choosing only how a neutralised
  character is spelled.
"""

from __future__ import annotations

import functools
import math
import re
import string
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, overload

from controlroom.core.errors import ValidationError

# Dates a control room records: operational nights, authorisations, review dates. Outside
# this, a typed date is a slip (year 1, 9999-12-31) that would also overflow "+ 48 hours".
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# A date of birth can be much earlier than any event the room records.
EARLIEST_BIRTH = date(1900, 1, 1)
# A number of hours anywhere the law sets no shorter bound (history windows, expiries).
WEEK_HOURS = 7 * 24

_Day = TypeVar("_Day", date, datetime)


class DateOutOfRangeError(ValidationError):
    """A whole date outside 2000-2100 (or 1900-2100 for a birth): wrong however it is finished."""


# Characters that occupy no space: text made only of them (and spaces) says nothing.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Bidirectional controls: embeddings, overrides and isolates reorder the words around them
# (U+202E shows "abc\u202eevil" as "abclive"); the marks move punctuation.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Joiners shape emoji and Indic or Persian script; they reorder and hide nothing.
_JOINERS = frozenset("\u200c\u200d")


def parse_choice(enum_type: Any, text: str, what: str) -> Any:
    """Parse an enum value or raise an error listing the valid ones."""
    try:
        return enum_type.parse(text)
    except ValueError:
        valid = ", ".join(enum_type.choices())
        raise ValidationError(f"unknown {what} {text!r}; choose one of: {valid}") from None


def parse_grade(grade: int | None) -> int | None:
    if grade is not None and grade not in (1, 2, 3, 4):
        raise ValidationError(f"grade {grade!r} is not valid; use 1, 2, 3 or 4")
    return grade


def clean_text(value: str | None, what: str, limit: int) -> str:
    """Required free text, trimmed: refused when it shows nothing or is over ``limit``."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"the {what} is empty; say briefly what happened or where")
    if not has_visible(text):
        raise ValidationError(
            f"the {what} shows nothing: it has only invisible characters such as {describe(text[0])}; "
            "type words that can be read"
        )
    if len(text) > limit:
        raise ValidationError(f"the {what} is {len(text)} characters long; the limit is {limit}")
    return text


def has_visible(text: str) -> bool:
    """True when ``text`` has a character that draws something (not a space, control or zero-width)."""
    return any(not (ch.isspace() or ch in ZERO_WIDTH or unicodedata.category(ch)[0] in "CZ") for ch in text)


def describe(ch: str) -> str:
    """``'С' (U+0421 CYRILLIC CAPITAL LETTER ES)``: a character named so a person can find it."""
    name = unicodedata.name(ch, "") or "a control character"
    visible = repr(ch) if ch.isprintable() else inert(ch)
    return f"{visible} (U+{ord(ch):04X} {name})"


def ascii_identifier(text: str, what: str, pattern: re.Pattern[str], allowed: str, rule: str) -> str:
    """``text`` when ``pattern`` matches it whole; otherwise a refusal naming the first
    character outside ``allowed`` (a look-alike from another script) or restating ``rule``."""
    if pattern.fullmatch(text):
        return text
    for position, ch in enumerate(text, start=1):
        if ch not in allowed:
            raise ValidationError(
                f"'{inert(text)}' is not a usable {what}: it has {describe(ch)} "
                f"at position {position}; {rule}"
            )
    raise ValidationError(f"'{inert(text)}' is not a usable {what}: {rule}")


def bounded_hours(value: float, what: str, limit: float = WEEK_HOURS, *, law: str = "") -> float:
    """A number of hours above 0 and at most ``limit`` (``law`` cites the section setting it)."""
    if not math.isfinite(value) or value <= 0:
        raise ValidationError(
            f"the {what} {value!r} is not a number of hours; give one above 0, e.g. 24 or 1.5"
        )
    if value > limit:
        because = f"{law} allows no more than" if law else "the most is"
        raise ValidationError(f"the {what} is {value:g} hours; {because} {limit:g} hours")
    return value


@overload
def bounded_date(value: None, what: str, *, earliest: date = ...) -> None: ...
@overload
def bounded_date(value: _Day, what: str, *, earliest: date = ...) -> _Day: ...
def bounded_date(value: _Day | None, what: str, *, earliest: date = EARLIEST_DATE) -> _Day | None:
    """``value`` when it falls between ``earliest`` and 2100-12-31 (a datetime by its own date)."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if not earliest <= day <= LATEST_DATE:
        raise DateOutOfRangeError(
            f"the {what} ({value.isoformat()}) is outside {earliest.isoformat()} to "
            f"{LATEST_DATE.isoformat()}; check the year"
        )
    return value


# Controls, format characters, surrogates, private use, unassigned, line and paragraph separators.
_ACTING_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def needs_neutralising(ch: str) -> bool:
    """True for a character a terminal or a text layout would obey rather than show: C0 and C1
    controls, bidirectional controls, line and paragraph separators, other format characters
    (zero-width space, tag characters), surrogates and unassigned code points."""
    if ch in _JOINERS or ch == " ":
        return False
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in _ACTING_CATEGORIES


def escape(ch: str) -> str:
    """``\\x1b``, ``\\u202e``, ``\\U000e0041``: a character spelled as Python would write it."""
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


@functools.cache
def _suspects() -> re.Pattern[str]:
    """One character class: every BMP character ``needs_neutralising`` is true for, and all of
    the astral planes (emoji are text, tag characters are not: those few are asked one by one)."""
    category, acting = unicodedata.category, _ACTING_CATEGORIES
    hits = [code for code in range(0x10000) if category(chr(code)) in acting]
    hits = sorted({*hits, *map(ord, BIDI_CONTROLS)} - {*map(ord, _JOINERS)})
    runs: list[str] = []
    start = previous = hits[0]
    for code in [*hits[1:], -1]:
        if code != previous + 1:
            runs.append(f"\\u{start:04x}-\\u{previous:04x}")
            start = code
        previous = code
    return re.compile("[" + "".join(runs) + "\\U00010000-\\U0010ffff]")


def inert(text: str, *, keep: str = "", spell: Callable[[str], str] = escape) -> str:
    """``text`` made safe to show: every character that would act instead of show (see
    ``needs_neutralising``) is spelled out (by default as ``\\u202e``), except those in ``keep``
    (a multi-line field keeps ``"\\n"``). The words stay in the order they were typed."""
    # A board's data() shows typed text on every repaint: plain ASCII is answered at once, and
    # other text by one regular expression in C (built on first use, ~50 ms), where a walk in
    # Python cost 0.4 ms a 300-character cell.
    if text.isascii() and text.isprintable():
        return text
    suspect = _suspects()
    if suspect.search(text) is None:
        return text

    def neutralised(found: re.Match[str]) -> str:
        ch = found.group()
        return spell(ch) if ch not in keep and needs_neutralising(ch) else ch

    return suspect.sub(neutralised, text)


# The database's login roles and every console see one spelling: lower-case ASCII.
USER_NAME = re.compile(r"[a-z][a-z0-9_]{1,39}")
_USER_NAME_CHARACTERS = string.ascii_lowercase + string.digits + "_"
# Radio callsigns: Latin letters and digits as the radio log writes them ("SN-40", "PC 31/2").
CALLSIGN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/ -]{0,39}")
_CALLSIGN_CHARACTERS = string.ascii_letters + string.digits + "/ -"


def user_name_characters(name: str) -> str:
    """``name`` when it is 2-40 of a-z, 0-9 and _, starting with a letter; else a refusal naming
    the first other character."""
    return ascii_identifier(
        name,
        "user name",
        USER_NAME,
        _USER_NAME_CHARACTERS,
        "use 2-40 lower-case Latin letters a-z, digits 0-9 or _, starting with a letter "
        "(e.g. 'jsmith' or 'pastors_team2')",
    )


def callsign(text: str) -> str:
    """A unit's callsign, trimmed and in capitals; refused unless it is Latin letters, digits,
    '-', '/' and spaces (so a Cyrillic "SN-40" cannot stand beside the Latin one)."""
    sign = ascii_identifier(
        text.strip(),
        "callsign",
        CALLSIGN,
        _CALLSIGN_CHARACTERS,
        "use up to 40 Latin letters A-Z, digits 0-9, '-', '/' or spaces, starting with a letter "
        "or digit, e.g. SN-21",
    )
    return sign.upper()
