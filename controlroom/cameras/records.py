"""The camera register's vocabulary: a camera as typed (``CameraSpec``), its checks, its record.

Every way a camera comes in — the command line, a CSV import, later the window — builds
a ``CameraSpec`` and passes it through ``check_spec`` before anything is written, so the
rules live in one place: inside the operating area, a view angle of 1–360°, a range over
0 and at most ``MAX_RANGE_M``, a fixed camera with its one view and no presets, a PTZ or
dome camera's presets each with their own view, and a stream URL only of a scheme the
video dock may open (a ``javascript:`` or ``data:`` URL is never stored).
"""

from __future__ import annotations

import difflib
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import OperatingArea
from controlroom.core.errors import ValidationError
from controlroom.core.validation import clean_text
from controlroom.storage.models import Camera, CameraFault, CameraPreset

OWNERS = ("council", "venue", "transport", "police", "other")
KINDS = ("fixed", "ptz", "dome")
STATUSES = ("working", "faulty", "offline")
STREAM_SCHEMES = ("rtsp", "http", "https", "file")
# A street camera sees a face at tens of metres and a person at a few hundred; a range
# beyond a kilometre is a typo (metres typed as feet or centimetres).
MAX_RANGE_M = 1000.0
# The usual licence condition for a venue's CCTV: footage kept 31 days.
DEFAULT_RETENTION_DAYS = 31
MAX_RETENTION_DAYS = 3650
NUMBER_LIMIT = 20
PRESET_NAME_LIMIT = 60
STREAM_URL_LIMIT = 500
PRESET_HINT = "write a preset as NAME:HEADING:ANGLE:RANGE, e.g. Junction:90:60:150"


@dataclass(frozen=True, slots=True)
class PresetSpec:
    """A named position of a PTZ or dome camera: heading (° from north), view angle, range (m)."""

    name: str
    heading: float
    angle: float
    range_m: float


@dataclass(frozen=True, slots=True)
class CameraSpec:
    """A camera as a person or a file describes it (``venue``: the owning venue's name)."""

    number: str
    name: str
    owner: str
    lat: float
    lon: float
    kind: str
    heading: float | None = None
    angle: float | None = None
    range_m: float | None = None
    stream_url: str | None = None
    venue: str | None = None
    sharing_agreement: str = ""
    retention_days: int = DEFAULT_RETENTION_DAYS
    status: str = "working"
    presets: tuple[PresetSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class FaultRecord:
    """One entry of a camera's fault log."""

    id: int
    reported_by: str
    reported_at: str
    description: str
    cleared_at: str | None
    cleared_by: str | None


@dataclass(frozen=True, slots=True)
class CameraRecord:
    """A camera of the register as stored, with its presets and its open faults."""

    id: int
    number: str
    name: str
    owner: str
    venue_id: int | None
    sharing_agreement: str
    lat: float
    lon: float
    kind: str
    heading: float | None
    angle: float | None
    range_m: float | None
    stream_url: str | None
    status: str
    retention_days: int
    version: int
    presets: tuple[PresetSpec, ...] = ()
    open_faults: tuple[FaultRecord, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (``camera list --json``, the audit entry's detail)."""
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "owner": self.owner,
            "venue_id": self.venue_id,
            "sharing_agreement": self.sharing_agreement,
            "lat": self.lat,
            "lon": self.lon,
            "kind": self.kind,
            "heading": self.heading,
            "angle": self.angle,
            "range_m": self.range_m,
            "stream_url": self.stream_url,
            "status": self.status,
            "retention_days": self.retention_days,
            "version": self.version,
            "presets": [
                {"name": p.name, "heading": p.heading, "angle": p.angle, "range_m": p.range_m}
                for p in self.presets
            ],
            "open_faults": [
                {
                    "id": f.id,
                    "reported_by": f.reported_by,
                    "reported_at": f.reported_at,
                    "description": f.description,
                }
                for f in self.open_faults
            ],
        }


# -- checks ---------------------------------------------------------------------------


class CameraFieldError(ValidationError):
    """A ValidationError about one field of a camera (``field``: its CSV column name)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@contextmanager
def about(field: str) -> Iterator[None]:
    """Name ``field`` in any ValidationError raised inside (a CSV import reports it)."""
    try:
        yield
    except CameraFieldError:
        raise
    except ValidationError as why:
        raise CameraFieldError(field, str(why)) from None


def check_spec(spec: CameraSpec, area: OperatingArea) -> CameraSpec:
    """The spec with its text trimmed, or the ``CameraFieldError`` for its first fault."""
    with about("number"):
        number = clean_text(spec.number, "camera number", NUMBER_LIMIT)
    what = f"camera {number}"
    with about("name"):
        name = clean_text(spec.name, f"name of camera {number}", 200)
    with about("owner"):
        owner = _choice(spec.owner, OWNERS, f"owner of {what}")
    with about("kind"):
        kind = _choice(spec.kind, KINDS, f"kind of {what}")
    with about("status"):
        status = _choice(spec.status, STATUSES, f"status of {what}")
    with about("lat"):
        area.require(spec.lat, spec.lon, what)
    venue = (spec.venue or "").strip() or None
    agreement = (spec.sharing_agreement or "").strip()
    with about("venue"):
        _check_owner(owner, venue, agreement, what)
    with about("heading"):
        _check_views(spec, kind, what)
    with about("presets"):
        presets = _check_presets(spec.presets, what)
    with about("stream_url"):
        stream_url = check_stream_url(spec.stream_url, what)
    with about("retention_days"):
        retention_days = _check_retention(spec.retention_days, what)
    return CameraSpec(
        number=number,
        name=name,
        owner=owner,
        lat=spec.lat,
        lon=spec.lon,
        kind=kind,
        heading=spec.heading,
        angle=spec.angle,
        range_m=spec.range_m,
        stream_url=stream_url,
        venue=venue,
        sharing_agreement=agreement,
        retention_days=retention_days,
        status=status,
        presets=presets,
    )


def _check_owner(owner: str, venue: str | None, agreement: str, what: str) -> None:
    if owner == "venue" and venue is None:
        raise ValidationError(f"{what} is owned by a venue: name the venue (--venue NAME)")
    if owner != "venue" and venue is not None:
        raise ValidationError(f"{what} names venue {venue!r} but its owner is {owner!r}; use owner 'venue'")
    if owner == "other" and not agreement:
        raise CameraFieldError(
            "sharing_agreement",
            f"{what} belongs to another owner: say under which sharing agreement its pictures are used",
        )


def _check_views(spec: CameraSpec, kind: str, what: str) -> None:
    view = (spec.heading, spec.angle, spec.range_m)
    if kind == "fixed":
        if None in view:
            raise ValidationError(f"{what} is fixed: give its heading, view angle and range in metres")
        if spec.presets:
            raise CameraFieldError(
                "presets", f"{what} is fixed and cannot have presets; only PTZ and dome cameras have them"
            )
    elif any(v is not None for v in view) and None in view:
        raise ValidationError(f"{what}: give its heading, view angle and range together, or none of them")
    if None not in view:
        check_view(spec.heading, spec.angle, spec.range_m, what)


def check_view(heading: float | None, angle: float | None, range_m: float | None, what: str) -> None:
    """Heading 0–360° from north, view angle 1–360°, range over 0 and at most ``MAX_RANGE_M``."""
    # Written as "not inside" so that NaN, which compares false with everything, is refused.
    if heading is None or not (0 <= heading <= 360):
        raise CameraFieldError(
            "heading", f"{what}: heading {heading} is not a compass bearing; give 0 to 360 degrees"
        )
    if angle is None or not (1 <= angle <= 360):
        raise CameraFieldError("angle", f"{what}: view angle {angle} is outside 1 to 360 degrees")
    if range_m is None or not (0 < range_m <= MAX_RANGE_M):
        raise CameraFieldError(
            "range_m",
            f"{what}: range {range_m} m is not over 0 and at most {MAX_RANGE_M:,.0f} m; give it in metres",
        )


def check_stream_url(url: str | None, what: str) -> str | None:
    """The URL trimmed (None when blank), or refused unless rtsp, http, https or file."""
    text = (url or "").strip()
    if not text:
        return None
    if len(text) > STREAM_URL_LIMIT:
        raise ValidationError(
            f"{what}: the stream URL is {len(text)} characters long; the limit is {STREAM_URL_LIMIT}"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValidationError(f"{what}: the stream URL has spaces or control characters; give a single URL")
    parts = urllib.parse.urlsplit(text)
    allowed = ", ".join(f"{s}://" for s in STREAM_SCHEMES)
    if parts.scheme.lower() not in STREAM_SCHEMES:
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise ValidationError(f"{what}: a stream URL with {shown} cannot be opened; use {allowed}")
    names_nothing = not parts.path if parts.scheme.lower() == "file" else not parts.netloc
    if names_nothing:
        raise ValidationError(
            f"{what}: the stream URL {text!r} names no host or file; e.g. rtsp://host/stream"
        )
    return text


def parse_preset(text: str, what: str = "preset") -> PresetSpec:
    """``"Junction:90:60:150"`` → a ``PresetSpec``; a ValidationError saying how to write it."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) != 4 or not parts[0]:
        raise ValidationError(f"{what} {text.strip()!r} is not understood; {PRESET_HINT}")
    try:
        heading, angle, range_m = (float(p) for p in parts[1:])
    except ValueError:
        raise ValidationError(
            f"{what} {text.strip()!r}: heading, angle and range must be numbers; {PRESET_HINT}"
        ) from None
    return PresetSpec(parts[0], heading, angle, range_m)


def _check_presets(presets: Sequence[PresetSpec], what: str) -> tuple[PresetSpec, ...]:
    seen: set[str] = set()
    checked = []
    for preset in presets:
        name = clean_text(preset.name, f"preset name of {what}", PRESET_NAME_LIMIT)
        if name.lower() in seen:
            raise ValidationError(f"{what} has two presets called {name!r}; give each its own name")
        seen.add(name.lower())
        try:
            check_view(preset.heading, preset.angle, preset.range_m, f"{what}, preset {name!r}")
        except CameraFieldError as why:
            raise CameraFieldError("presets", str(why)) from None
        checked.append(PresetSpec(name, preset.heading, preset.angle, preset.range_m))
    return tuple(checked)


def _check_retention(days: int, what: str) -> int:
    if not (1 <= days <= MAX_RETENTION_DAYS):
        raise ValidationError(
            f"{what}: footage retention of {days} days is outside 1 to {MAX_RETENTION_DAYS} days"
        )
    return days


def _choice(text: str, allowed: Sequence[str], what: str) -> str:
    key = (text or "").strip().lower()
    if key not in allowed:
        raise ValidationError(f"unknown {what} {text!r}; choose one of: {', '.join(allowed)}")
    return key


# -- rows -----------------------------------------------------------------------------


def camera_record(
    row: Camera, presets: Sequence[CameraPreset], faults: Sequence[CameraFault]
) -> CameraRecord:
    """The record of a stored camera, its presets (in order added) and its open faults."""
    return CameraRecord(
        id=row.id,
        number=row.number,
        name=row.name,
        owner=row.owner,
        venue_id=row.venue_id,
        sharing_agreement=row.sharing_agreement,
        lat=row.lat,
        lon=row.lon,
        kind=row.kind,
        heading=row.heading,
        angle=row.angle,
        range_m=row.range_m,
        stream_url=row.stream_url,
        status=row.status,
        retention_days=row.retention_days,
        version=row.version,
        presets=tuple(
            PresetSpec(p.name, p.heading, p.angle, p.range_m) for p in sorted(presets, key=lambda p: p.id)
        ),
        open_faults=tuple(
            fault_record(f) for f in sorted(faults, key=lambda f: f.id) if f.cleared_at is None
        ),
    )


def fault_record(row: CameraFault) -> FaultRecord:
    return FaultRecord(
        id=row.id,
        reported_by=row.reported_by,
        reported_at=row.reported_at.isoformat(),
        description=row.description,
        cleared_at=row.cleared_at.isoformat() if row.cleared_at else None,
        cleared_by=row.cleared_by,
    )


async def find_camera(session: AsyncSession, number: str) -> Camera:
    """The camera with this number (any case), or an error naming close numbers."""
    wanted = number.strip()
    row = (
        await session.execute(select(Camera).where(func.lower(Camera.number) == wanted.lower()))
    ).scalar_one_or_none()
    if row is not None:
        return row
    numbers: Sequence[str] = (await session.execute(select(Camera.number))).scalars().all()
    close = difflib.get_close_matches(wanted, numbers, n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; `controlroom camera list` lists them"
    raise ValidationError(f"unknown camera {wanted!r}{hint}")


async def load_record(session: AsyncSession, row: Camera) -> CameraRecord:
    """A camera's record with its presets and open faults, read in ``session``."""
    presets = (
        (await session.execute(select(CameraPreset).where(CameraPreset.camera_id == row.id))).scalars().all()
    )
    faults = (
        (
            await session.execute(
                select(CameraFault).where(CameraFault.camera_id == row.id, CameraFault.cleared_at.is_(None))
            )
        )
        .scalars()
        .all()
    )
    return camera_record(row, presets, faults)
