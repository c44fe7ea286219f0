"""Keeping the camera register: add, update, import a file, report and clear faults.

Each command checks its whole input (``records.check_spec``) before it opens a write
transaction, then in that one transaction changes the rows and appends the audit entry
stamped with the acting user, so all of it commits or none does. An import is one
transaction for the whole file: one bad line refuses the file, naming the line and the
field, and no camera of it is kept.

Each command also appends the camera's new state (``snapshots.camera_snapshot``) to the
change log as its last step, so every console's camera layer and Cameras panel follow the
register through the change feed like any other record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.cameras.records import (
    CameraFieldError,
    CameraRecord,
    CameraSpec,
    PresetSpec,
    about,
    check_spec,
    find_camera,
    load_record,
    parse_preset,
)
from controlroom.cameras.snapshots import camera_snapshot
from controlroom.core.domain import OperatingArea
from controlroom.core.errors import StaleVersionError, ValidationError
from controlroom.core.validation import clean_text
from controlroom.storage.models import Camera, CameraFault, CameraPreset, Venue
from controlroom.venues.records import find_venue
from controlroom.writes import CommandBase, requires

# Columns of an import file; the first six are required.
CSV_REQUIRED = ("number", "name", "owner", "lat", "lon", "kind")
CSV_OPTIONAL = (
    "heading",
    "angle",
    "range_m",
    "stream_url",
    "venue",
    "sharing_agreement",
    "retention_days",
    "status",
    "presets",
)
# CameraSpec fields an update may change (the number names the camera and stays).
UPDATABLE = frozenset(CameraSpec.__dataclass_fields__) - {"number"}


class CameraCommands(CommandBase):
    """The camera register's writes, as one acting user."""

    @requires("camera.manage")
    async def add_camera(self, spec: CameraSpec) -> CameraRecord:
        """Add one camera; a duplicate number or any bad field is refused, nothing written."""
        checked = check_spec(spec, self.area)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.manage")
            row = await self._insert(session, checked)
            record = await load_record(session, row)
            await self._audit(session, "camera.add", "camera", row.id, record.to_json(), now)
            await self._publish(session, row.id, now)
            return record

    @requires("camera.manage")
    async def update_camera(
        self, number: str, changes: Mapping[str, Any], *, expected_version: int | None = None
    ) -> CameraRecord:
        """Change some fields of a camera; ``presets`` given replaces all of them.

        ``expected_version``: the version the change was based on; another console's
        save in between is refused (``StaleVersionError`` with the camera as it is now).
        """
        unknown = sorted(set(changes) - UPDATABLE)
        if unknown:
            raise ValidationError(
                f"cannot change {', '.join(unknown)}; a camera has: {', '.join(sorted(UPDATABLE))}"
            )
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.manage")
            row = await find_camera(session, number)
            before = await load_record(session, row)
            if expected_version is not None and expected_version != row.version:
                raise StaleVersionError(
                    f"camera {row.number} is now version {row.version}; your change was based on version "
                    f"{expected_version}; nothing was saved — look at the camera again and retry",
                    before,
                )
            venue_name = await _venue_name(session, row.venue_id)
            current = _spec_of(before, venue_name)
            if str(changes.get("owner", "venue")).strip().lower() != "venue" and "venue" not in changes:
                changes = {**changes, "venue": None}  # no longer a venue's camera
            checked = check_spec(replace(current, **changes), self.area)
            if checked == current:
                return before
            await self._write_fields(session, row, checked)
            if checked.presets != current.presets:
                await session.execute(delete(CameraPreset).where(CameraPreset.camera_id == row.id))
                _add_presets(session, row.id, checked.presets)
            row.version += 1
            await session.flush()
            after = await load_record(session, row)
            detail = {"number": row.number, "changed": _changed(before.to_json(), after.to_json())}
            await self._audit(session, "camera.update", "camera", row.id, detail, now)
            await self._publish(session, row.id, now)
            return after

    @requires("camera.fault")
    async def report_fault(self, number: str, description: str) -> CameraRecord:
        """Log a fault; a working camera becomes faulty (an offline one stays offline)."""
        text = clean_text(description, "fault description", 1000)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.fault")
            row = await find_camera(session, number)
            fault = CameraFault(
                camera_id=row.id, reported_by=self.actor.name, reported_at=now, description=text
            )
            session.add(fault)
            if row.status == "working":
                row.status = "faulty"
            row.version += 1
            await session.flush()
            detail = {"number": row.number, "fault_id": fault.id, "description": text, "status": row.status}
            await self._audit(session, "camera.fault", "camera", row.id, detail, now)
            await self._publish(session, row.id, now)
            return await load_record(session, row)

    @requires("camera.fault")
    async def clear_fault(self, number: str, fault_id: int | None = None) -> CameraRecord:
        """Clear one open fault (or all of them); with none left open a faulty camera works again."""
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.fault")
            row = await find_camera(session, number)
            query = select(CameraFault).where(
                CameraFault.camera_id == row.id, CameraFault.cleared_at.is_(None)
            )
            open_faults = list((await session.execute(query)).scalars().all())
            chosen = [f for f in open_faults if fault_id is None or f.id == fault_id]
            if not chosen:
                if not open_faults:
                    raise ValidationError(f"camera {row.number} has no open fault to clear")
                ids = ", ".join(str(f.id) for f in open_faults)
                raise ValidationError(
                    f"camera {row.number} has no open fault {fault_id}; clear one of its open faults: {ids}"
                )
            for fault in chosen:
                fault.cleared_at = now
                fault.cleared_by = self.actor.name
            if len(chosen) == len(open_faults) and row.status == "faulty":
                row.status = "working"
            row.version += 1
            await session.flush()
            detail = {"number": row.number, "cleared": [f.id for f in chosen], "status": row.status}
            await self._audit(session, "camera.fault_cleared", "camera", row.id, detail, now)
            await self._publish(session, row.id, now)
            return await load_record(session, row)

    @requires("camera.manage")
    async def import_csv(self, text: str, source: str = "the file") -> list[CameraRecord]:
        """Add every camera of a CSV file, or none: a bad line refuses the file, naming line and field."""
        specs = [(line, check_line(spec, line, self.area, source)) for line, spec in parse_csv(text, source)]
        if not specs:
            raise ValidationError(f"{source} has no cameras: after the header line, give one camera a line")
        return await self.add_cameras(specs, source)

    @requires("camera.manage")
    async def add_cameras(self, specs: list[tuple[int, CameraSpec]], source: str) -> list[CameraRecord]:
        """Add numbered cameras (line, spec) in one transaction, or none; a refusal names the line."""
        specs = [(line, check_line(spec, line, self.area, source)) for line, spec in specs]
        _refuse_repeated_numbers(specs, source)
        now = self.clock()
        async with self.db.write() as session:
            self.actor.require("camera.manage")
            records = []
            for line, spec in specs:
                try:
                    row = await self._insert(session, spec)
                except ValidationError as why:
                    raise ValidationError(f"{source}, line {line}{_field_of(why)}: {why}") from None
                record = await load_record(session, row)
                detail = {**record.to_json(), "imported_from": source, "line": line}
                await self._audit(session, "camera.add", "camera", row.id, detail, now)
                await self._publish(session, row.id, now)
                records.append(record)
            return records

    # -- steps ------------------------------------------------------------------------

    async def _publish(self, session: AsyncSession, camera_id: int, now: Any) -> None:
        """The camera's new state to the change log (last step, under the feed lock)."""
        snapshot = await camera_snapshot(session, camera_id)
        await self._append_change(session, "camera", camera_id, snapshot.to_json(), now)

    async def _insert(self, session: AsyncSession, spec: CameraSpec) -> Camera:
        taken = (
            await session.execute(
                select(Camera.number).where(func.lower(Camera.number) == spec.number.lower())
            )
        ).scalar_one_or_none()
        if taken is not None:
            raise CameraFieldError(
                "number",
                f"camera number {spec.number!r} is already taken (by {taken}); give it its own number",
            )
        row = Camera(number=spec.number, version=1)
        await self._write_fields(session, row, spec)
        session.add(row)
        await session.flush()
        _add_presets(session, row.id, spec.presets)
        await session.flush()
        return row

    async def _write_fields(self, session: AsyncSession, row: Camera, spec: CameraSpec) -> None:
        with about("venue"):
            row.venue_id = (await find_venue(session, spec.venue)).id if spec.venue else None
        row.name = spec.name
        row.owner = spec.owner
        row.sharing_agreement = spec.sharing_agreement
        row.lat, row.lon = spec.lat, spec.lon
        row.kind = spec.kind
        row.heading, row.angle, row.range_m = spec.heading, spec.angle, spec.range_m
        row.stream_url = spec.stream_url
        row.status = spec.status
        row.retention_days = spec.retention_days


def _add_presets(session: AsyncSession, camera_id: int, presets: Iterable[PresetSpec]) -> None:
    for preset in presets:
        session.add(
            CameraPreset(
                camera_id=camera_id,
                name=preset.name.strip(),
                heading=preset.heading,
                angle=preset.angle,
                range_m=preset.range_m,
            )
        )


async def _venue_name(session: AsyncSession, venue_id: int | None) -> str | None:
    if venue_id is None:
        return None
    return (await session.execute(select(Venue.name).where(Venue.id == venue_id))).scalar_one()


def _spec_of(record: CameraRecord, venue: str | None) -> CameraSpec:
    return CameraSpec(
        number=record.number,
        name=record.name,
        owner=record.owner,
        lat=record.lat,
        lon=record.lon,
        kind=record.kind,
        heading=record.heading,
        angle=record.angle,
        range_m=record.range_m,
        stream_url=record.stream_url,
        venue=venue,
        sharing_agreement=record.sharing_agreement,
        retention_days=record.retention_days,
        status=record.status,
        presets=record.presets,
    )


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    skip = {"version", "open_faults"}
    return {k: [before[k], after[k]] for k in after if k not in skip and before.get(k) != after[k]}


# -- CSV ------------------------------------------------------------------------------


def parse_csv(text: str, source: str) -> list[tuple[int, CameraSpec]]:
    """Each data line of an import file as (line number, spec); a ValidationError names line and field.

    The header names the columns (any order): ``number,name,owner,lat,lon,kind`` and any
    of ``heading,angle,range_m,stream_url,venue,sharing_agreement,retention_days,status,
    presets``; presets are ``NAME:HEADING:ANGLE:RANGE`` separated by ``;``.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), skipinitialspace=True, strict=True)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [h for h in header if h not in CSV_REQUIRED + CSV_OPTIONAL]
    if missing or unknown:
        problem = (
            f"missing column(s) {', '.join(missing)}"
            if missing
            else f"unknown column(s) {', '.join(unknown)}"
        )
        raise ValidationError(
            f"{source}, line 1: {problem}; the header names {', '.join(CSV_REQUIRED)} "
            f"and any of {', '.join(CSV_OPTIONAL)}"
        )
    reader.fieldnames = header
    specs = []
    read_to = reader.line_num  # the last line of the last record read whole
    try:
        for raw in reader:
            # A quoted field may hold line breaks: name the line the record starts on.
            breaks = sum(v.count("\n") for v in raw.values() if isinstance(v, str))
            line, read_to = reader.line_num - breaks, reader.line_num
            if None in raw:
                raise ValidationError(f"{source}, line {line}: more fields than the header names")
            values = {k: (v or "").strip() for k, v in raw.items()}
            if not any(values.values()):
                continue
            specs.append((line, _spec_from_line(values, line, source)))
    except csv.Error as why:  # an unclosed quote, a field beyond the csv module's size limit
        raise ValidationError(f"{source}, line {read_to + 1}: not readable as CSV ({why})") from None
    return specs


def _spec_from_line(values: dict[str, str], line: int, source: str) -> CameraSpec:
    def number(column: str, kind: type[float] | type[int] = float) -> Any:
        text = values.get(column, "")
        if not text:
            return None
        try:
            return kind(text)
        except ValueError:
            wanted = "a whole number" if kind is int else "a number"
            raise ValidationError(
                f"{source}, line {line}, field {column!r}: {text!r} is not {wanted}"
            ) from None

    for column in CSV_REQUIRED:
        if not values.get(column):
            raise ValidationError(f"{source}, line {line}, field {column!r} is empty")
    presets = []
    for part in filter(None, (p.strip() for p in values.get("presets", "").split(";"))):
        try:
            presets.append(parse_preset(part))
        except ValidationError as why:
            raise ValidationError(f"{source}, line {line}, field 'presets': {why}") from None
    retention = number("retention_days", int)
    return CameraSpec(
        number=values["number"],
        name=values["name"],
        owner=values["owner"],
        lat=number("lat"),
        lon=number("lon"),
        kind=values["kind"],
        heading=number("heading"),
        angle=number("angle"),
        range_m=number("range_m"),
        stream_url=values.get("stream_url") or None,
        venue=values.get("venue") or None,
        sharing_agreement=values.get("sharing_agreement", ""),
        retention_days=31 if retention is None else retention,
        status=values.get("status") or "working",
        presets=tuple(presets),
    )


def check_line(spec: CameraSpec, line: int, area: OperatingArea, source: str) -> CameraSpec:
    """``check_spec`` for one line of a file, its refusal naming the line and the field."""
    try:
        return check_spec(spec, area)
    except ValidationError as why:
        raise ValidationError(f"{source}, line {line}{_field_of(why)}: {why}") from None


def _field_of(error: ValidationError) -> str:
    return f", field {error.field!r}" if isinstance(error, CameraFieldError) else ""


def _refuse_repeated_numbers(specs: list[tuple[int, CameraSpec]], source: str) -> None:
    first: dict[str, int] = {}
    for line, spec in specs:
        key = spec.number.lower()
        if key in first:
            raise ValidationError(
                f"{source}, line {line}, field 'number': camera {spec.number} is already on line {first[key]}"
            )
        first[key] = line


__all__ = ["CSV_OPTIONAL", "CSV_REQUIRED", "CameraCommands", "parse_csv"]
