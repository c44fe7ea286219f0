"""``IncidentService``: how widgets reach the core — commands out, questions answered.

Widgets never touch the database: they call this object, whose methods are thin
coroutines over ``controlroom.commands`` and ``controlroom.queries``. What a
command changes comes back to every console (this one included) through the feed.
"""

from __future__ import annotations

from controlroom.commands import Commands, NewIncident
from controlroom.dispersal import DirectionResult, DirectionSpec, ZoneSpec
from controlroom.dispersal_queries import (
    NightTally,
    authorisation_paper,
    direction_paper,
    list_subjects,
    list_zones,
    night_tally,
)
from controlroom.incident_edits import IncidentEdit
from controlroom.paperwork import RenderedDocument, render_authorisation, render_direction_set
from controlroom.persons import NewSubject, SightingResult
from controlroom.queries import IncidentDetail, incident_detail
from controlroom.snapshots import (
    FlagSnapshot,
    IncidentSnapshot,
    SubjectSnapshot,
    UnitSnapshot,
    VenueSnapshot,
    ZoneSnapshot,
)


class IncidentService:
    """The front end's single door to incident and safe-space commands."""

    def __init__(self, commands: Commands) -> None:
        self.commands = commands

    @property
    def actor_name(self) -> str:
        return str(self.commands.actor.name)

    async def report(self, new: NewIncident) -> IncidentSnapshot:
        return await self.commands.report_incident(new)

    async def edit(self, reference: str, edit: IncidentEdit, expected_version: int) -> IncidentSnapshot:
        return await self.commands.update_incident(reference, edit, expected_version=expected_version)

    async def set_status(self, reference: str, status: str, expected_version: int) -> IncidentSnapshot:
        return await self.commands.update_incident(
            reference, status=status, expected_version=expected_version
        )

    async def link_duplicate(
        self, reference: str, of_reference: str, expected_version: int
    ) -> IncidentSnapshot:
        return await self.commands.link_duplicate(reference, of_reference, expected_version)

    async def caller_updated(self, reference: str, note: str) -> IncidentSnapshot:
        return await self.commands.record_caller_updated(reference, note)

    async def detail(self, reference: str) -> IncidentDetail:
        return await incident_detail(self.commands.db, reference)

    async def update_unit(
        self, callsign: str, *, status: str | None = None, at: tuple[float, float] | None = None
    ) -> UnitSnapshot:
        return await self.commands.update_unit(callsign, status=status, at=at)

    async def dispatch(self, reference: str, callsigns: list[str]) -> list[UnitSnapshot]:
        return await self.commands.dispatch(reference, callsigns)

    async def dispatch_to_flag(self, flag_id: int, callsigns: list[str]) -> list[UnitSnapshot]:
        return await self.commands.dispatch_to_flag(flag_id, callsigns)

    async def flag_location(
        self,
        *,
        behaviour: str,
        reason: str,
        venue: str | None = None,
        at: tuple[float, float] | None = None,
        place: str | None = None,
        expires_in_minutes: int = 120,
    ) -> FlagSnapshot:
        return await self.commands.flag_location(
            behaviour=behaviour,
            reason=reason,
            venue=venue,
            at=at,
            place=place,
            expires_in_minutes=expires_in_minutes,
        )

    async def clear_flag(self, flag_id: int) -> FlagSnapshot:
        return await self.commands.clear_flag(flag_id)

    async def convert_flag(
        self, flag_id: int, *, category: str, source: str, grade: int | None, summary: str
    ) -> IncidentSnapshot:
        return await self.commands.convert_flag(
            flag_id, category=category, source=source, grade=grade, summary=summary
        )

    async def set_safe_space_status(self, venue_name: str, status: str) -> VenueSnapshot:
        return await self.commands.set_safe_space_status(venue_name, status)

    # -- dispersal powers (s.34 zones, s.35 directions) and their paperwork --------

    async def authorise_zone(self, spec: ZoneSpec) -> ZoneSnapshot:
        return await self.commands.authorise_zone(spec)

    async def give_direction(self, spec: DirectionSpec) -> DirectionResult:
        return await self.commands.give_direction(spec)

    async def saved_zones(self) -> list[ZoneSnapshot]:
        return await list_zones(self.commands.db)

    async def night_tally(self) -> NightTally:
        return await night_tally(self.commands.db)

    async def direction_documents(self, reference: str) -> list[RenderedDocument]:
        """Notice to the person, record copy and (if items were surrendered) the receipt."""
        return render_direction_set(await direction_paper(self.commands.db, reference))

    async def zone_documents(self, zone_id: int) -> list[RenderedDocument]:
        return [render_authorisation(await authorisation_paper(self.commands.db, zone_id))]

    # -- persons of concern (descriptions only; identity needs a logged consultation) --

    async def subjects(self) -> list[SubjectSnapshot]:
        return await list_subjects(self.commands.db)

    async def add_subject(self, new: NewSubject) -> SubjectSnapshot:
        return await self.commands.add_subject(new)

    async def warn_subject(self, subject_id: int, *, officer: str, place: str, note: str) -> SubjectSnapshot:
        return await self.commands.warn_subject(subject_id, officer=officer, place=place, note=note)

    async def record_sighting(
        self,
        subject_id: int,
        *,
        incident: str | None = None,
        flag: int | None = None,
        at: tuple[float, float] | None = None,
        behaviours: list[str] | None = None,
        source: str = "cctv",
    ) -> SightingResult:
        return await self.commands.record_sighting(
            subject_id, incident=incident, flag=flag, at=at, behaviours=behaviours or (), source=source
        )
