"""``Commands``: every write one acting user may make, in one object.

Each feature keeps its own command object (``incidents``, ``venues``, ``units``,
``flags``, ``dispatching``, ``persons``, ``sightings``, ``zones``, ``directions``, ``cameras``,
``camera_tasking``), all sharing one ``CommandContext`` (database, actor, clock, operating
area, reference prefix). This façade builds them and offers their commands under one
name each, so a caller (the window, the command line, the simulator) holds a single
object and never needs to know which feature owns a command.

Every command validates its input completely before writing, then in a single
transaction: changes the record, appends to the incident timeline, writes an audit
entry stamped with the acting user, and appends the new state to the change log
that every console follows (``writes.CommandBase._finish``). Either all of it
commits or none does.
"""

from __future__ import annotations

from controlroom.cameras.commands import CameraCommands
from controlroom.cameras.tasking import CameraTasking
from controlroom.core.domain import SOUTHAMPTON_CENTRE, OperatingArea
from controlroom.core.roles import Actor
from controlroom.decisions.commands import DecisionCommands
from controlroom.dispersal.directions import DirectionCommands
from controlroom.dispersal.persons import PersonCommands
from controlroom.dispersal.sightings import SightingCommands
from controlroom.dispersal.zones import ZoneCommands
from controlroom.handover.commands import HandoverCommands
from controlroom.incidents.editing import IncidentEditing
from controlroom.incidents.reporting import IncidentReporting
from controlroom.incidents.steps import StepCommands
from controlroom.patrols.dispatch import DispatchCommands
from controlroom.patrols.flags import FlagCommands
from controlroom.patrols.units import UnitCommands
from controlroom.procedures.book import ProcedureBook
from controlroom.storage.database import Database
from controlroom.venues.commands import VenueCommands
from controlroom.writes import Clock, CommandContext, utcnow

__all__ = ["Commands"]


class Commands:
    """One acting user's commands, delegated to the feature that owns each."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        reference_prefix: str = "SOT",
        area: OperatingArea = SOUTHAMPTON_CENTRE,
        clock: Clock = utcnow,
        procedures: ProcedureBook | None = None,
    ) -> None:
        self.context = CommandContext(
            db=db,
            actor=actor,
            clock=clock,
            area=area,
            reference_prefix=reference_prefix,
            procedures=procedures,
        )
        self.incidents = IncidentReporting(self.context)
        self.editing = IncidentEditing(self.context)
        self.steps = StepCommands(self.context)
        self.venues = VenueCommands(self.context)
        self.units = UnitCommands(self.context)
        self.flags = FlagCommands(self.context)
        self.dispatching = DispatchCommands(self.context)
        self.persons = PersonCommands(self.context)
        self.sightings = SightingCommands(self.context)
        self.zones = ZoneCommands(self.context)
        self.directions = DirectionCommands(self.context)
        self.cameras = CameraCommands(self.context)
        self.camera_tasking = CameraTasking(self.context)
        self.handovers = HandoverCommands(self.context)
        self.decisions = DecisionCommands(self.context)

        # The command surface: each command once, bound to the feature object that owns it.
        self.report_incident = self.incidents.report_incident
        self.has_idempotency_key = self.incidents.has_idempotency_key
        self.update_incident = self.editing.update_incident
        self.link_duplicate = self.editing.link_duplicate
        self.record_caller_updated = self.editing.record_caller_updated
        self.mark_step = self.steps.mark_step
        self.skip_step = self.steps.skip_step
        self.upsert_venue = self.venues.upsert_venue
        self.set_safe_space_status = self.venues.set_safe_space_status
        self.add_unit = self.units.add_unit
        self.update_unit = self.units.update_unit
        self.flag_location = self.flags.flag_location
        self.clear_flag = self.flags.clear_flag
        self.convert_flag = self.flags.convert_flag
        self.dispatch = self.dispatching.dispatch
        self.dispatch_to_flag = self.dispatching.dispatch_to_flag
        self.add_subject = self.persons.add_subject
        self.warn_subject = self.persons.warn_subject
        self.record_sighting = self.sightings.record_sighting
        self.consult_subject = self.persons.consult_subject
        self.review_subject = self.persons.review_subject
        self.authorise_zone = self.zones.authorise_zone
        self.withdraw_zone = self.zones.withdraw_zone
        self.give_direction = self.directions.give_direction
        self.vary_direction = self.directions.vary_direction
        self.withdraw_direction = self.directions.withdraw_direction
        self.record_take_home = self.directions.record_take_home
        self.add_camera = self.cameras.add_camera
        self.update_camera = self.cameras.update_camera
        self.report_camera_fault = self.cameras.report_fault
        self.clear_camera_fault = self.cameras.clear_fault
        self.import_cameras = self.cameras.import_csv
        self.task_camera = self.camera_tasking.task_camera
        self.release_camera = self.camera_tasking.release_camera
        self.draft_handover = self.handovers.draft_handover
        self.give_handover = self.handovers.give_handover
        self.acknowledge_handover = self.handovers.acknowledge_handover
        self.record_decision = self.decisions.record_decision

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def actor(self) -> Actor:
        return self.context.actor

    @property
    def clock(self) -> Clock:
        return self.context.clock
