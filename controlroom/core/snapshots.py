"""Immutable snapshots of what consoles show, and the diffs the change feed hands out.

A snapshot is the whole visible state of one record at one version; it travels
as JSON in the change log, so every change is delivered with the state it made,
even if later changes follow before a console polls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

EntityKind = Literal[
    "incident",
    "venue",
    "unit",
    "flag",
    "subject",
    "zone",
    "direction",
    "camera",
    "roads",
    "checklist",
    "decision",
    "handover",
]
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
    # A ``VenueLink`` value on an incident at a venue; None without a venue.
    venue_link: str | None = None

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


LatLonPair = tuple[float, float]


@dataclass(frozen=True, slots=True)
class SubjectSnapshot:
    """A person of concern as every console sees him.

    Name, date of birth and address are deliberately absent: the change log is
    append-only and copied to every console, so identity stays in the subjects
    table, read only through a logged consultation (DPA 2018 s.62).
    ``alert`` is set when a sighting or incident links a subject who already had a
    warning or a direction (repeat behaviour) or looks like a breach; consoles
    alert on a change whose ``alert_at`` is newer than what they last showed.
    """

    id: int
    description: str
    clothing: str
    build: str
    distinguishing_features: str
    review_date: date
    warnings: int
    active_directions: tuple[str, ...]
    sightings: int
    last_seen_at: datetime | None
    alert: str | None
    alert_at: datetime | None
    version: int

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["review_date"] = self.review_date.isoformat()
        data["active_directions"] = list(self.active_directions)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubjectSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["review_date"] = date.fromisoformat(values["review_date"])
        values["active_directions"] = tuple(values.get("active_directions") or ())
        return _times_from_json(cls, values, ("last_seen_at", "alert_at"))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class ZoneSnapshot:
    """An s.34 dispersal zone (authorisation) on the map, with its period."""

    id: int
    name: str
    log_number: str
    officer: str
    polygon: tuple[LatLonPair, ...]
    area_in_words: str
    starts_at: datetime
    ends_at: datetime
    authorised_at: datetime
    withdrawn_at: datetime | None
    version: int
    signed_at: datetime | None = None  # s.34(4): in force only from signing

    def in_force(self, now: datetime) -> bool:
        """Whether directions can be given now (s.35(1))."""
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return False
        if self.signed_at is not None and now < self.signed_at:
            return False
        return self.starts_at <= now < self.ends_at

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["polygon"] = [list(p) for p in self.polygon]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ZoneSnapshot:
        values = dict(data)
        values["polygon"] = tuple((float(a), float(b)) for a, b in data["polygon"])
        times = ("starts_at", "ends_at", "authorised_at", "withdrawn_at", "signed_at")
        return _times_from_json(cls, values, times)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class DirectionSnapshot:
    """An s.35 direction: who, where they are excluded from, and until when."""

    id: int
    reference: str
    zone_id: int
    subject_id: int
    subject_description: str
    given_at: datetime
    officer: str
    lat: float
    lon: float
    apparent_age: int
    exclusion_polygon: tuple[LatLonPair, ...]
    exclusion_in_words: str
    exclusion_ends_at: datetime
    leave_by: datetime | None
    route: str | None
    status: str
    surrendered_items: tuple[str, ...]
    take_home_task: bool
    breaches: int
    version: int
    take_home_done: bool = False  # s.35(7): the take-home task's outcome is recorded
    officer_capacity: str | None = None  # "constable", "special constable", "PCSO"

    def active(self, now: datetime) -> bool:
        return self.status == "active" and now < self.exclusion_ends_at

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["exclusion_polygon"] = [list(p) for p in self.exclusion_polygon]
        data["surrendered_items"] = list(self.surrendered_items)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DirectionSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["exclusion_polygon"] = tuple((float(a), float(b)) for a, b in data["exclusion_polygon"])
        values["surrendered_items"] = tuple(data.get("surrendered_items") or ())
        return _times_from_json(cls, values, ("given_at", "exclusion_ends_at", "leave_by"))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class PresetView:
    """A named position of a PTZ or dome camera: where it points and how far it usefully sees."""

    name: str
    heading: float
    angle: float
    range_m: float


@dataclass(frozen=True, slots=True)
class CameraSnapshot:
    """A camera as the map, the Cameras panel and "which cameras can see this" show it.

    A fixed camera has ``heading``/``angle``/``range_m``; a PTZ or dome camera has
    ``presets`` instead. ``open_faults`` are the descriptions of its uncleared faults.
    ``tasked_incident_id``/``tasked_preset`` say which incident it is tasked to now.
    Partners and auditors never receive cameras (a camera's position, view and stream
    are the control room's).
    """

    id: int
    number: str
    name: str
    owner: str
    venue_id: int | None
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
    presets: tuple[PresetView, ...] = ()
    open_faults: tuple[str, ...] = ()
    tasked_incident_id: int | None = None
    tasked_preset: str | None = None
    tasked_at: datetime | None = None
    tasked_by: str = ""
    sharing_agreement: str = ""

    @property
    def working(self) -> bool:
        return self.status == "working"

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["presets"] = [asdict(p) for p in self.presets]
        data["open_faults"] = list(self.open_faults)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CameraSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["presets"] = tuple(PresetView(**p) for p in values.get("presets") or ())
        values["open_faults"] = tuple(values.get("open_faults") or ())
        return _times_from_json(cls, values, ("tasked_at",))  # type: ignore[no-any-return]


# A checklist step's state: ``conditional`` is a branch step whose question is not answered yet.
STEP_STATES = ("pending", "done", "skipped", "not_applicable", "conditional")


@dataclass(frozen=True, slots=True)
class StepSnapshot:
    """One step of an incident's checklist, as it stands.

    ``number`` is "3" for a main step and "4a", "4b" … for the steps of step 4's
    branches (``branch_of`` = "4", ``branch`` = "yes" or "no"). ``due_at`` is the
    incident's ``reported_at`` plus ``within_minutes`` (None without a time limit).
    ``question``/``answer`` ("yes"/"no") are set on a step that asks one; ``by``/``at``
    say who marked it done or skipped and when, ``reason`` why it was skipped.
    """

    number: str
    text: str
    who: str  # "operator" or "supervisor"
    state: str  # one of STEP_STATES
    within_minutes: int | None = None
    due_at: datetime | None = None
    question: str | None = None
    answer: str | None = None
    branch_of: str | None = None
    branch: str | None = None
    by: str = ""
    at: datetime | None = None
    reason: str = ""

    @property
    def applicable(self) -> bool:
        """Part of the checklist now (not a branch not taken, nor one still waiting on its question)."""
        return self.state in ("pending", "done", "skipped")


@dataclass(frozen=True, slots=True)
class ChecklistSnapshot:
    """An incident's checklist: the procedure it began with (frozen then) and each step's state.

    ``version`` and ``content_hash`` name the procedures file's version label and the
    procedure's own content when the checklist started; the steps never change after that.
    """

    incident_id: int
    procedure_key: str
    title: str
    version: str
    content_hash: str
    started_at: datetime
    steps: tuple[StepSnapshot, ...]

    def step(self, number: str) -> StepSnapshot | None:
        return next((s for s in self.steps if s.number == number), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "procedure_key": self.procedure_key,
            "title": self.title,
            "version": self.version,
            "content_hash": self.content_hash,
            "started_at": self.started_at.isoformat(),
            "steps": [_times_to_json(s) for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChecklistSnapshot:
        steps = tuple(_times_from_json(StepSnapshot, s, ("due_at", "at")) for s in data["steps"])
        for step in steps:
            if step.state not in STEP_STATES:
                raise ValueError(f"step {step.number} state {step.state!r} is not one of {STEP_STATES}")
        return cls(
            incident_id=int(data["incident_id"]),
            procedure_key=str(data["procedure_key"]),
            title=str(data["title"]),
            version=str(data["version"]),
            content_hash=str(data["content_hash"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            steps=steps,
        )


@dataclass(frozen=True, slots=True)
class HandoverSnapshot:
    """A shift handover as every console's alert stack and history show it.

    Not the frozen content (read it with ``controlroom.handover.queries.show_handover``):
    the change log is copied to every console, and the content may carry personal data.
    ``counts`` is the number of items per section key (``"incidents"``, ``"units"`` …), in
    the content's order; ``noted_items`` how many items the giver wrote a note beside.
    """

    id: int
    reference: str
    given_by: str
    given_at: datetime
    role: str | None
    to_user: str | None
    notes: str
    counts: tuple[tuple[str, int], ...]
    noted_items: int
    contains_personal: bool
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    version: int = 1

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["counts"] = [[key, count] for key, count in self.counts]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandoverSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["counts"] = tuple((str(key), int(count)) for key, count in values.get("counts") or ())
        return _times_from_json(cls, values, ("given_at", "acknowledged_at"))  # type: ignore[no-any-return]


# What a decision may be linked to: an incident, an s.34 zone, an s.35 direction, or a whole night.
DECISION_LINK_KINDS = ("incident", "zone", "direction", "night")


@dataclass(frozen=True, slots=True)
class DecisionLink:
    """One thing a decision concerns: ``kind`` (one of ``DECISION_LINK_KINDS``), the linked
    record's id (None for a night) and its label as recorded: the incident's reference, the
    zone's name, the direction's reference, or the night's date (``2026-11-27``)."""

    kind: str
    target_id: int | None
    label: str


@dataclass(frozen=True, slots=True)
class DecisionSnapshot:
    """One entry of the decision log (National Decision Model), as every console's Decisions dock shows it.

    Append-only: a decision is never changed; ``revises_id``/``revises_reference`` name the
    earlier decision a later entry revises. ``revised_by`` (the references of later entries
    revising this one, at most one: a chain never branches) is derived: when a revision is
    recorded, the revised decision's snapshot goes out again with it filled in. ``night`` is
    the operational night it was recorded in; ``role`` the author's role at the time.
    Partners and auditors never receive decisions through the feed.
    """

    id: int
    reference: str
    night: date
    recorded_at: datetime
    recorded_by: str
    role: str
    subject: str
    information: str
    assessment: str
    powers_policy: str
    options: str
    decision: str
    rationale: str
    links: tuple[DecisionLink, ...] = ()
    revises_id: int | None = None
    revises_reference: str | None = None
    revised_by: tuple[str, ...] = ()
    version: int = 1

    def linked(self, kind: str) -> tuple[DecisionLink, ...]:
        """The links of one kind (``"incident"`` …)."""
        return tuple(link for link in self.links if link.kind == kind)

    def to_json(self) -> dict[str, Any]:
        data = _times_to_json(self)
        data["night"] = self.night.isoformat()
        data["links"] = [[link.kind, link.target_id, link.label] for link in self.links]
        data["revised_by"] = list(self.revised_by)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionSnapshot:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["night"] = date.fromisoformat(values["night"])
        links = []
        for kind, target_id, label in values.get("links") or ():
            if kind not in DECISION_LINK_KINDS:
                raise ValueError(f"link kind {kind!r} is not one of {DECISION_LINK_KINDS}")
            links.append(DecisionLink(str(kind), None if target_id is None else int(target_id), str(label)))
        values["links"] = tuple(links)
        values["revised_by"] = tuple(str(r) for r in values.get("revised_by") or ())
        return _times_from_json(cls, values, ("recorded_at",))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class RowWarning:
    """A record left out because one of its values cannot be read (``core.decoding``).

    ``table``, ``id``, ``column`` and ``value`` (as ``repr`` text, so control characters
    stay inert) name what to correct; ``seq`` is set when the value came from the
    change log rather than the table itself.
    """

    table: str
    id: int | None
    column: str
    value: str
    reason: str
    seq: int | None = None

    def describe(self) -> str:
        """One sentence for the status bar, the log and the command line."""
        change = f" (change {self.seq})" if self.seq is not None else ""
        return (
            f"{self.table} row {self.id}{change} not shown: {self.column} {self.value} {self.reason}; "
            "every other row is shown. Correct that value in the table (only controlroom should write it)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "seq": self.seq,
            "message": self.describe(),
        }


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
    subject: SubjectSnapshot | None = None
    zone: ZoneSnapshot | None = None
    direction: DirectionSnapshot | None = None
    camera: CameraSnapshot | None = None
    handover: HandoverSnapshot | None = None
    # entity "checklist": entity_id is the incident's id.
    checklist: ChecklistSnapshot | None = None
    decision: DecisionSnapshot | None = None


@dataclass(frozen=True, slots=True)
class Diff:
    """Everything committed after ``since`` up to and including ``cursor``."""

    since: int
    cursor: int
    changes: tuple[Change, ...] = ()
    # Changes whose payload could not be read: skipped, and named here.
    warnings: tuple[RowWarning, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes and not self.warnings

    def incident_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "incident")

    def venue_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "venue")

    def unit_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "unit")

    def flag_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "flag")

    def camera_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "camera")

    def handover_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.entity == "handover")

    def decision_changes(self) -> tuple[Change, ...]:
        """Decisions recorded, and decisions newly revised (``Change.decision``)."""
        return tuple(c for c in self.changes if c.entity == "decision")

    def checklist_changes(self) -> tuple[Change, ...]:
        """Incidents' checklists started or stepped (``Change.checklist``; id = incident id)."""
        return tuple(c for c in self.changes if c.entity == "checklist")

    @property
    def roads_changed(self) -> bool:
        """An imported road network replaced the streets (drawing and routing)."""
        return any(c.entity == "roads" for c in self.changes)

    def dispersal_changes(self) -> tuple[Change, ...]:
        """Subjects, zones and directions (persons of concern and dispersal powers)."""
        return tuple(c for c in self.changes if c.entity in ("subject", "zone", "direction"))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A consistent full picture and the cursor to continue from."""

    cursor: int
    incidents: tuple[IncidentSnapshot, ...] = ()
    venues: tuple[VenueSnapshot, ...] = ()
    units: tuple[UnitSnapshot, ...] = ()
    flags: tuple[FlagSnapshot, ...] = ()
    zones: tuple[ZoneSnapshot, ...] = ()
    directions: tuple[DirectionSnapshot, ...] = ()
    cameras: tuple[CameraSnapshot, ...] = ()
    # The checklists of the incidents above that have one (none for partners and auditors).
    checklists: tuple[ChecklistSnapshot, ...] = ()
    # Tonight's decisions (the current operational night), oldest first; none for partners and auditors.
    decisions: tuple[DecisionSnapshot, ...] = ()
    # Handovers not yet acknowledged, and those given this operational night (none for partners
    # and auditors).
    handovers: tuple[HandoverSnapshot, ...] = ()
    taken_at: datetime | None = field(default=None, compare=False)
    # Rows left out because a value could not be read; every other row is above.
    warnings: tuple[RowWarning, ...] = ()
