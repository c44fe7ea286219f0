"""What a search is narrowed by, as people type it, and its check against the database.

Every filter that names something must name something that exists: an unknown venue is
refused with the close names, an unknown category, source or status with the choices, a
date range that is backwards, in the future or before the first record with the dates that
would do. The same sentences go to the command line (exit 2) and beside the window's field
(``SearchFilterError.field`` says which).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select

from controlroom.core.domain import Category, LabelledEnum, Source, Status
from controlroom.core.errors import ValidationError
from controlroom.storage.database import Database
from controlroom.storage.models import Incident, Venue

E = TypeVar("E", bound=LabelledEnum)


class SearchFilterError(ValidationError):
    """A filter that names nothing; ``field`` is the filter's name (``venue``, ``night_from``…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Filters as typed: operational nights from/to (inclusive), names or slugs, a grade."""

    night_from: date | None = None
    night_to: date | None = None
    category: str | None = None
    grade: int | None = None
    venue: str | None = None
    source: str | None = None
    status: str | None = None

    def to_json(self) -> dict[str, str | int]:
        """The filters that were set, for the audit entry of an export."""
        out: dict[str, str | int] = {}
        for name in ("night_from", "night_to", "category", "grade", "venue", "source", "status"):
            value = getattr(self, name)
            if value is not None and value != "":
                out[name] = value.isoformat() if isinstance(value, date) else value
        return out


@dataclass(frozen=True, slots=True)
class ResolvedFilters:
    """The filters as stored values (a venue by id)."""

    night_from: date | None
    night_to: date | None
    category: str | None
    grade: int | None
    venue_id: int | None
    source: str | None
    status: str | None


async def resolve_filters(db: Database, f: SearchFilters, *, today: date) -> ResolvedFilters:
    """The stored values the filters name, or a ``SearchFilterError`` saying what would be right."""
    category = _member(Category, f.category, "category")
    source = _member(Source, f.source, "source")
    status = _member(Status, f.status, "status")
    if f.grade is not None and f.grade not in (1, 2, 3, 4):
        raise SearchFilterError(
            "grade", f"grade {f.grade} does not exist: grades are 1 to 4 (G1 Emergency … G4)"
        )
    async with db.read() as conn:
        first = (await conn.execute(select(func.min(Incident.night)))).scalar_one_or_none()
        venue_id = await _venue_id(conn, f.venue)
    _check_dates(f.night_from, f.night_to, today=today, first=first)
    return ResolvedFilters(f.night_from, f.night_to, category, f.grade, venue_id, source, status)


def _member(kind: type[E], typed: str | None, field: str) -> str | None:
    if typed is None or not typed.strip():
        return None
    try:
        return str(kind.parse(typed).value)
    except ValueError:
        raise SearchFilterError(
            field, f"no {field} {typed.strip()!r}; choose one of: {', '.join(kind.choices())}"
        ) from None


async def _venue_id(conn: object, typed: str | None) -> int | None:
    from sqlalchemy.ext.asyncio import AsyncConnection

    assert isinstance(conn, AsyncConnection)  # noqa: S101 - typed loosely to keep the import lazy
    if typed is None or not typed.strip():
        return None
    wanted = " ".join(typed.split())
    rows = (await conn.execute(select(Venue.id, Venue.name))).all()
    for venue_id, name in rows:
        if name.casefold() == wanted.casefold():
            return int(venue_id)
    names = [str(name) for _, name in rows]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5) or difflib.get_close_matches(
        wanted.casefold(), [n.casefold() for n in names], n=3, cutoff=0.5
    )
    hint = (
        f"; did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else "; `controlroom venues` lists them"
    )
    raise SearchFilterError("venue", f"no venue named {wanted!r}{hint}")


def _check_dates(start: date | None, end: date | None, *, today: date, first: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise SearchFilterError(
            "night_from", f"the start {start:%d %b %Y} is after the end {end:%d %b %Y}: swap them"
        )
    for field, value in (("night_from", start), ("night_to", end)):
        if value is None:
            continue
        if value > today:
            raise SearchFilterError(
                field, f"{value:%d %b %Y} is in the future: the latest night is tonight, {today:%d %b %Y}"
            )
        if first is not None and value < first and (field == "night_to" or end is None or end < first):
            raise SearchFilterError(
                field,
                f"{value:%d %b %Y} is before the first record (the night of {first:%d %b %Y}): "
                f"choose a night from {first:%d %b %Y} to {today:%d %b %Y}",
            )
