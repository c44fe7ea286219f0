"""Reading stored rows and change-log payloads into snapshots, one record at a time.

The program writes only values it knows, but the tables can be written around it
(an integration inserting directly, a hand edit, a restore from another version):
an unknown status, an integer where a time belongs. Such a value used to fail the
whole read, so one row could blank every board. Here each column a snapshot needs
is checked against what the program writes; a record that fails is left out and
named in a ``RowWarning`` (table, id, column, value), and every other record is
still returned. Consoles show the warnings (status bar, log, ``watch``).

Values arrive as the driver hands them back (``storage.raw.as_stored``): SQLite
gives times as ISO text and JSON as text, PostgreSQL gives datetimes and decoded
JSON; change-log payloads are JSON with ISO times. Every form is accepted here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from controlroom.core.domain import (
    Behaviour,
    BestBarNone,
    Category,
    LabelledEnum,
    SafeSpaceStatus,
    Source,
    Status,
    UnitKind,
    UnitStatus,
    VenueKind,
    VenueLink,
)
from controlroom.core.errors import ControlroomError
from controlroom.core.snapshots import (
    FlagSnapshot,
    IncidentSnapshot,
    RowWarning,
    UnitSnapshot,
    VenueSnapshot,
)

T = TypeVar("T")
Column = Callable[[Any], Any]  # the stored value → the snapshot's value, or ValueError(why not)
VALUE_SHOWN = 80  # characters of a bad value quoted in a warning


class UndecodableRowError(ControlroomError):
    """A record with at least one value the program cannot read; ``warnings`` name each.

    Board reads catch it per record; anywhere else it reaches a person as its sentence.
    """

    def __init__(self, warnings: tuple[RowWarning, ...], values: dict[str, Any]) -> None:
        super().__init__("; ".join(w.describe() for w in warnings))
        self.warnings = warnings
        # Every value as far as it could be read (the bad ones as stored).
        self.values = values


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("is not text")


def _whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("is not a whole number")


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise ValueError("is not a finite number")


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1) and isinstance(value, int):  # SQLite's booleans
        return bool(value)
    raise ValueError("is not true or false")


def _time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a date and time (ISO 8601, e.g. 2026-11-27 23:30:00)") from None
    if not isinstance(value, datetime):
        raise ValueError("is not a date and time (ISO 8601, e.g. 2026-11-27 23:30:00)")
    # Stored times are UTC; SQLite keeps them without an offset.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def decode_time(value: Any) -> datetime:
    """A stored date and time as UTC, or ``ValueError`` saying what it is not."""
    return _time(value)


# The column decoders other features' records are read with (each raises ``ValueError``).
decode_text = _text
decode_whole = _whole
decode_yes_no = _yes_no


def decode_optional(decode: Column) -> Column:
    """``decode``, letting NULL through as None."""
    return _optional(decode)


def _grade(value: Any) -> int:
    if _whole(value) in (1, 2, 3, 4):
        return int(value)
    raise ValueError("is not a grade (1 to 4)")


def _json_object_or_null(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):  # SQLite hands JSON back as text, None as 'null'
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("is not JSON") from None
    if value is None or isinstance(value, dict):
        return value
    raise ValueError("is not a JSON object")


def _one_of(kind: type[LabelledEnum], what: str) -> Column:
    allowed = kind.choices()

    def decode(value: Any) -> str:
        if isinstance(value, str) and value in allowed:
            return value
        raise ValueError(f"is not a known {what} (one of {', '.join(allowed)})")

    return decode


def _optional(decode: Column) -> Column:
    return lambda value: None if value is None else decode(value)


INCIDENT_COLUMNS: dict[str, Column] = {
    "id": _whole,
    "reference": _text,
    "reported_at": _time,
    "source": _one_of(Source, "source"),
    "category": _one_of(Category, "category"),
    "grade": _optional(_grade),
    "status": _one_of(Status, "status"),
    "venue_id": _optional(_whole),
    "place": _text,
    "lat": _number,
    "lon": _number,
    "summary": _text,
    "version": _whole,
    "thrive": _json_object_or_null,
    "vulnerable_person": _text,
    "person_of_concern": _text,
    "reporter_contact": _text,
    "angela_outcome": _optional(_text),
    "duplicate_of": _optional(_whole),
    "updated_by": _text,
    "updated_at": _optional(_time),
    "attended_at": _optional(_time),
    "caller_updated_at": _optional(_time),
    "venue_link": _optional(_one_of(VenueLink, "link to a venue")),
}

VENUE_COLUMNS: dict[str, Column] = {
    "id": _whole,
    "name": _text,
    "kind": _one_of(VenueKind, "venue kind"),
    "address": _text,
    "lat": _number,
    "lon": _number,
    "opening_hours": _text,
    "is_safe_space": _yes_no,
    "safe_space_status": _optional(_one_of(SafeSpaceStatus, "safe-space status")),
    "wave_trained": _yes_no,
    "best_bar_none": _one_of(BestBarNone, "Best Bar None level"),
    "version": _whole,
}

UNIT_COLUMNS: dict[str, Column] = {
    "id": _whole,
    "callsign": _text,
    "kind": _one_of(UnitKind, "unit kind"),
    "agency": _text,
    "status": _one_of(UnitStatus, "unit status"),
    "lat": _optional(_number),
    "lon": _optional(_number),
    "position_at": _optional(_time),
    "status_since": _time,
    "incident_id": _optional(_whole),
    "flag_id": _optional(_whole),
    "version": _whole,
}

FLAG_COLUMNS: dict[str, Column] = {
    "id": _whole,
    "lat": _number,
    "lon": _number,
    "venue_id": _optional(_whole),
    "place": _text,
    "behaviour": _one_of(Behaviour, "behaviour"),
    "reason": _text,
    "flagged_at": _time,
    "expires_at": _time,
    "cleared_at": _optional(_time),
    "incident_id": _optional(_whole),
    "created_by": _text,
    "version": _whole,
}


def decode_record(
    kind: type[T],
    columns: Mapping[str, Column],
    table: str,
    values: Mapping[str, Any],
    *,
    record_id: Any = None,
    seq: int | None = None,
) -> T:
    """The snapshot ``kind`` from one row or payload, or ``UndecodableRowError`` naming each bad value.

    A column absent from ``values`` takes the snapshot's default (older payloads, a
    partner's redacted read); without a default it is reported missing. This runs for
    every row of a board, so the readable path is one lookup and one check per column.
    """
    decoded: dict[str, Any] = {}
    bad: list[tuple[str, str, str]] = []
    for name, decode in columns.items():
        try:
            value = values[name]
        except KeyError:
            if name not in _defaults(kind):
                bad.append((name, "(missing)", "is required"))
            continue
        try:
            decoded[name] = decode(value)
        except ValueError as why:
            decoded[name] = value
            bad.append((name, shown_value(value), str(why)))
    if bad:
        ident = values.get("id") if record_id is None else record_id
        ident = ident if isinstance(ident, int) and not isinstance(ident, bool) else None
        warnings = tuple(RowWarning(table, ident, name, shown, why, seq) for name, shown, why in bad)
        raise UndecodableRowError(warnings, decoded)
    return kind(**decoded)


_DEFAULTS: dict[type[Any], frozenset[str]] = {}


def _defaults(kind: type[Any]) -> frozenset[str]:
    """The snapshot fields that have a default (computed once per snapshot class)."""
    found = _DEFAULTS.get(kind)
    if found is None:
        found = _DEFAULTS[kind] = frozenset(f.name for f in fields(kind) if f.default is not MISSING)
    return found


def shown_value(value: Any) -> str:
    """A stored value as a warning quotes it: ``repr`` (control characters stay inert), shortened."""
    text = repr(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def decode_incident(values: Mapping[str, Any], *, seq: int | None = None) -> IncidentSnapshot:
    """An incident row (or change payload) as a snapshot."""
    return decode_record(IncidentSnapshot, INCIDENT_COLUMNS, "incidents", values, seq=seq)


def decode_venue(values: Mapping[str, Any], *, seq: int | None = None) -> VenueSnapshot:
    """A venue row (or change payload) as a snapshot."""
    return decode_record(VenueSnapshot, VENUE_COLUMNS, "venues", values, seq=seq)


def decode_unit(values: Mapping[str, Any], *, seq: int | None = None) -> UnitSnapshot:
    """A unit row (or change payload) as a snapshot."""
    return decode_record(UnitSnapshot, UNIT_COLUMNS, "units", values, seq=seq)


def decode_flag(values: Mapping[str, Any], *, seq: int | None = None) -> FlagSnapshot:
    """A flag row (or change payload) as a snapshot."""
    return decode_record(FlagSnapshot, FLAG_COLUMNS, "flags", values, seq=seq)


def decode_each(rows: Iterable[Any], decode: Callable[..., T]) -> tuple[list[T], list[RowWarning]]:
    """Every row that can be read, and a warning for each value of those that cannot."""
    decoded: list[T] = []
    warnings: list[RowWarning] = []
    for row in rows:
        try:
            decoded.append(decode(row))
        except UndecodableRowError as bad:
            warnings.extend(bad.warnings)
    return decoded, warnings
