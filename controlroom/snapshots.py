"""Immutable snapshots of what consoles show, and the diffs the change feed hands out.

A snapshot is the whole visible state of one record at one version; it travels
as JSON in the change log, so every change is delivered with the state it made,
even if later changes follow before a console polls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

EntityKind = Literal["incident", "venue", "unit", "flag"]
Op = Literal["upsert", "delete"]


@dataclass(frozen=True, slots=True)
class IncidentSnapshot:
    """One incident as a console shows it."""

    id: int
    reference: str
    reported_at: datetime
    source: str
    category: str
    grade: int | None
    status: str
    venue_id: int | None
    place: str
    lat: float
    lon: float
    summary: str
    version: int
    thrive: dict[str, str] | None = None
    vulnerable_person: str = ""
    person_of_concern: str = ""
    reporter_contact: str = ""
    angela_outcome: str | None = None
    duplicate_of: int | None = None
    updated_by: str = ""
    updated_at: datetime | None = None
    attended_at: datetime | None = None
    caller_updated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in _TIMES:
            value = getattr(self, name)
            data[name] = value.isoformat() if value is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IncidentSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in _TIMES:
            if values.get(name) is not None:
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


_TIMES = ("reported_at", "updated_at", "attended_at", "caller_updated_at")


@dataclass(frozen=True, slots=True)
class VenueSnapshot:
    """One venue or safe space as the map shows it."""

    id: int
    name: str
    kind: str
    address: str
    lat: float
    lon: float
    opening_hours: str
    is_safe_space: bool
    safe_space_status: str | None
    wave_trained: bool
    best_bar_none: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VenueSnapshot:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class UnitSnapshot:
    """A patrol unit as the unit board and the map show it."""

    id: int
    callsign: str
    kind: str
    agency: str
    status: str
    lat: float | None
    lon: float | None
    position_at: datetime | None
    status_since: datetime
    incident_id: int | None
    flag_id: int | None
    version: int


@dataclass(frozen=True, slots=True)
class FlagSnapshot:
    """A flagged location on the map and in the flag list."""

    id: int
    lat: float
    lon: float
    venue_id: int | None
    place: str
    behaviour: str
    reason: str
    flagged_at: datetime
    expires_at: datetime
    cleared_at: datetime | None
    incident_id: int | None
    created_by: str
    version: int

    def active(self, now: datetime) -> bool:
        return self.cleared_at is None and self.incident_id is None and self.expires_at > now


def _times_to_json(obj: Any) -> dict[str, Any]:
    data = asdict(obj)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
    return data


def _times_from_json(cls: Any, data: dict[str, Any], times: tuple[str, ...]) -> Any:
    values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
    for name in times:
        if values.get(name) is not None:
            values[name] = datetime.fromisoformat(values[name])
    return cls(**values)


def unit_to_json(unit: UnitSnapshot) -> dict[str, Any]:
    return _times_to_json(unit)


def unit_from_json(data: dict[str, Any]) -> UnitSnapshot:
    return _times_from_json(UnitSnapshot, data, ("position_at", "status_since"))  # type: ignore[no-any-return]


def flag_to_json(flag: FlagSnapshot) -> dict[str, Any]:
    return _times_to_json(flag)


def flag_from_json(data: dict[str, Any]) -> FlagSnapshot:
    return _times_from_json(FlagSnapshot, data, ("flagged_at", "expires_at", "cleared_at"))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change, in commit order; ``seq`` is the feed cursor."""

    seq: int
    entity: EntityKind
    op: Op
    entity_id: int
    incident: IncidentSnapshot | None = None
    venue: VenueSnapshot | None = None
    unit: UnitSnapshot | None = None
    flag: FlagSnapshot | None = None


@dataclass(frozen=True, slots=True)
class Diff:
    """Everything committed after ``since`` up to and including ``cursor``."""

    since: int
    cursor: int
    changes: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    def incident_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "incident")

    def venue_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "venue")

    def unit_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "unit")

    def flag_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "flag")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A consistent full picture and the cursor to continue from."""

    cursor: int
    incidents: tuple[IncidentSnapshot, ...] = ()
    venues: tuple[VenueSnapshot, ...] = ()
    units: tuple[UnitSnapshot, ...] = ()
    flags: tuple[FlagSnapshot, ...] = ()
    taken_at: datetime | None = field(default=None, compare=False)
