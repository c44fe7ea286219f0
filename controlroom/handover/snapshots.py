"""Handovers on every console's board: the few a console starts from, and each change as it arrives.

A console's alert stack shows every handover not yet acknowledged, and its history the
ones given this operational night: ``handover_board`` reads exactly those, from the
summary columns of ``handovers`` (items per section, notes counted) — never the content,
which may carry personal data and stays with ``controlroom.handover.queries``. Values are
checked one row at a time as every board does (``core.decoding``): a row written around
the program is left out and named in a ``RowWarning``; every other handover is shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from controlroom.core.decoding import (
    decode_each,
    decode_record,
)
from controlroom.core.decoding import (
    decode_optional as _optional,
)
from controlroom.core.decoding import (
    decode_text as _text,
)
from controlroom.core.decoding import (
    decode_time as _time,
)
from controlroom.core.decoding import (
    decode_whole as _whole,
)
from controlroom.core.decoding import (
    decode_yes_no as _yes_no,
)
from controlroom.core.domain import LOCAL_TZ, NIGHT_CHANGES_AT_HOUR, operational_night
from controlroom.core.snapshots import HandoverSnapshot, RowWarning
from controlroom.storage.models import Handover
from controlroom.storage.raw import as_stored


def _counts(value: Any) -> tuple[tuple[str, int], ...]:
    try:
        if isinstance(value, str):  # SQLite hands JSON back as text
            value = json.loads(value)
        if not isinstance(value, list):
            raise TypeError
        return tuple((_text(key), _whole(count)) for key, count in value)
    except (TypeError, ValueError):
        raise ValueError("is not a JSON list of [section, count] pairs") from None


HANDOVER_COLUMNS: dict[str, Any] = {
    "id": _whole,
    "reference": _text,
    "given_by": _text,
    "given_at": _time,
    "role": _optional(_text),
    "to_user": _optional(_text),
    "notes": _text,
    "counts": _counts,
    "noted_items": _whole,
    "contains_personal": _yes_no,
    "acknowledged_by": _optional(_text),
    "acknowledged_at": _optional(_time),
    "version": _whole,
}


def decode_handover(values: Mapping[str, Any], *, seq: int | None = None) -> HandoverSnapshot:
    """A handover row or change payload as a snapshot; ``UndecodableRowError`` names a bad value."""
    if "version" not in values:  # a row: version 2 once acknowledged (set once, by the trigger's rule)
        values = {**values, "version": 1 if values.get("acknowledged_at") is None else 2}
    return decode_record(HandoverSnapshot, HANDOVER_COLUMNS, "handovers", values, seq=seq)


_BOARD_COLUMNS = [c for c in Handover.__table__.columns if c.name in HANDOVER_COLUMNS]


async def handover_board(
    conn: AsyncConnection, now: datetime
) -> tuple[list[HandoverSnapshot], list[RowWarning]]:
    """Every handover not yet acknowledged and those given since this night began, oldest first."""
    night_start = datetime.combine(operational_night(now), time(NIGHT_CHANGES_AT_HOUR), tzinfo=LOCAL_TZ)
    query = (
        select(*as_stored(_BOARD_COLUMNS))
        .where(or_(Handover.acknowledged_at.is_(None), Handover.given_at >= night_start))
        .order_by(Handover.given_at, Handover.id)
    )
    rows = [row._asdict() for row in (await conn.execute(query)).all()]
    found, warnings = decode_each(rows, decode_handover)
    return found, warnings


__all__ = ["HANDOVER_COLUMNS", "decode_handover", "handover_board"]
