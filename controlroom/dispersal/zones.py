"""s.34 dispersal zones: authorised by an inspector, for at most 48 hours, then withdrawn or ended.

The rules live in ``dispersal.rules`` (pure, property-tested); these commands parse
what people typed, apply the rules, and record the authorisation with its audit
entry and change-log row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from controlroom.core.domain import OperatingArea
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import ZoneSnapshot
from controlroom.core.validation import clean_text
from controlroom.dispersal.records import find_zone, zone_snapshot
from controlroom.dispersal.rules import (
    AuthorisationTerms,
    check_authorisation,
    parse_officer,
    utc,
)
from controlroom.paperwork.data import LatLon
from controlroom.storage.models import (
    DispersalZone,
)
from controlroom.writes import CommandBase, requires


@dataclass(frozen=True, slots=True)
class ZoneSpec:
    """An s.34 authorisation as the inspector gives it."""

    name: str
    polygon: Sequence[LatLon]
    starts_at: datetime
    ends_at: datetime
    officer: str
    grounds: str
    rights_consideration: str
    log_number: str = ""
    area_in_words: str = ""
    # s.34(4): when the inspector signed it (default: now); it may not start before then.
    signed_at: datetime | None = None


class ZoneCommands(CommandBase):
    """Authorising and withdrawing s.34 zones (supervisors: inspector rank or above)."""

    @requires("zone.authorise")
    async def authorise_zone(self, spec: ZoneSpec) -> ZoneSnapshot:
        """Record an s.34 authorisation; refused with the section if the Act would not allow it."""
        officer = parse_officer(spec.officer)
        name = spec.name.strip()
        now = self.clock()
        signed_at = utc(spec.signed_at, "signing time") if spec.signed_at else now
        terms = AuthorisationTerms(
            name=name,
            log_number=spec.log_number.strip(),
            officer=officer,
            polygon=tuple(spec.polygon),
            # No words: the locality is the area shaded on the plan (the paperwork says so).
            area_in_words=(spec.area_in_words or "").strip(),
            starts_at=utc(spec.starts_at, "start"),
            ends_at=utc(spec.ends_at, "end"),
            grounds=spec.grounds.strip(),
            rights_consideration=spec.rights_consideration.strip(),
            signed_at=signed_at,
            recorded_at=now,
        )
        check_authorisation(terms)
        require_in_area(self.area, terms.polygon, "locality")
        for text, what in ((name, "zone name"), (terms.log_number, "log number")):
            clean_text(text, what, 200 if what == "zone name" else 60)
        async with self.db.write() as session:
            row = DispersalZone(
                name=name,
                log_number=terms.log_number,
                officer_rank=officer.rank,
                officer_number=officer.number,
                officer_name=officer.name,
                polygon=[list(p) for p in terms.polygon],
                area_in_words=terms.area_in_words,
                starts_at=terms.starts_at,
                ends_at=terms.ends_at,
                grounds=terms.grounds,
                rights_consideration=terms.rights_consideration,
                authorised_at=now,
                authorised_by=self.actor.name,
                signed_at=signed_at,
                version=1,
            )
            session.add(row)
            await session.flush()
            snapshot = zone_snapshot(row)
            detail = {"name": name, "log_number": row.log_number, "officer": officer.describe()}
            await self._finish(session, "zone.authorise", "zone", row.id, detail, snapshot.to_json(), now)
            return snapshot

    @requires("zone.withdraw")
    async def withdraw_zone(self, zone: str | int, reason: str) -> ZoneSnapshot:
        """End an authorisation early; no new directions can be given under it."""
        why = clean_text(reason, "reason", 1000)
        now = self.clock()
        async with self.db.write() as session:
            row = await find_zone(session, zone, now)
            if row.withdrawn_at is not None:
                raise ValidationError(f"zone {row.id} ({row.name}) is already withdrawn")
            row.withdrawn_at, row.withdrawn_reason = now, why
            row.version += 1
            await session.flush()
            snapshot = zone_snapshot(row)
            await self._finish(
                session, "zone.withdraw", "zone", row.id, {"reason": why}, snapshot.to_json(), now
            )
            return snapshot


def area_words_warnings(words: str, polygon: Sequence[LatLon]) -> tuple[str, ...]:
    """Streets the words name that the plan shows wholly outside the area (a warning, not a refusal)."""
    if not words.strip():
        return ()
    from controlroom.paperwork.plan import words_naming_outside_streets

    outside = words_naming_outside_streets(words, tuple(polygon))
    return tuple(
        f"the words name {street}, which the plan shows outside the shaded area; where they differ, "
        "the words prevail, so check them against the plan"
        for street in outside
    )


def require_in_area(area: OperatingArea, points: Sequence[LatLon], what: str) -> None:
    """Every point of a drawn or typed area inside the operating area, or the first that is not."""
    for lat, lon in points:
        area.require(lat, lon, f"a point of the {what}")
