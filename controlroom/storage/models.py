"""SQLAlchemy 2 typed tables. The schema itself is owned by the alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid (monotonic, indexed);
# PostgreSQL gets a real BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime: times are stored in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every table."""


class Venue(Base):
    """A licensed premises, safe space or partner base on the map."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    is_safe_space: Mapped[bool] = mapped_column(Boolean, default=False)
    safe_space_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    wave_trained: Mapped[bool] = mapped_column(Boolean, default=False)
    best_bar_none: Mapped[str] = mapped_column(String(10), default="none")
    version: Mapped[int] = mapped_column(Integer, default=1)


class Incident(Base):
    """A report on the live board."""

    __tablename__ = "incidents"
    __table_args__ = (CheckConstraint("grade BETWEEN 1 AND 4", name="ck_incidents_grade"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    night: Mapped[date] = mapped_column(Date, index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    source: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    grade: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), nullable=True)
    place: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    thrive: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    vulnerable_person: Mapped[str] = mapped_column(Text, default="")
    person_of_concern: Mapped[str] = mapped_column(Text, default="")
    reporter_contact: Mapped[str] = mapped_column(String(200), default="")
    angela_outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # A duplicate report keeps its own record and points at the one being worked.
    duplicate_of: Mapped[int | None] = mapped_column(BigId, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    caller_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Inside, at the door/queue, nearby, venue-reported; "at_venue" until someone says more.
    venue_link: Mapped[str | None] = mapped_column(String(20), nullable=True)


class IncidentEvent(Base):
    """The append-only incident timeline (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class Flag(Base):
    """A flagged location: worrying behaviour seen before any offence is reported."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), nullable=True)
    place: Mapped[str] = mapped_column(String(300))
    behaviour: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Unit(Base):
    """A patrol unit: police pairs and vehicles, plain clothes, partner teams."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    callsign: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status_since: Mapped[datetime] = mapped_column(UTCDateTime())
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Dispatch(Base):
    """One unit sent to one incident or flag; the times report response against targets."""

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True, index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"), nullable=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    diverted_from: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))


class ReferenceCounter(Base):
    """Next incident number per operational night."""

    __tablename__ = "reference_counters"

    night: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class ChangeLogEntry(Base):
    """The change feed: one row per committed change, ``seq`` in commit order.

    Writers take the feed lock before inserting here (see ``storage.database``),
    so a smaller ``seq`` is never made visible after a larger one.
    """

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What a partner console may read of this change: venues as they are, incidents
    # without persons-of-concern data, nothing else (NULL). See ``security.partner_view``.
    partner_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    venue_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AuditEntry(Base):
    """Who did what, written in the same transaction as the change itself."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # DPA 2018 s.62(1): collection, alteration, consultation, disclosure, combination,
    # erasure — or "access" (logins) and "operation" (no personal data involved).
    kind: Mapped[str] = mapped_column(String(20), default="operation")
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    recipient: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Hash chain: sha256 over this entry's fields and the previous entry's hash.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="")


class AuditHead(Base):
    """The newest audit entry's id and hash, so deleting the last entries shows too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """A person who logs in; the role decides what they may see and do."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # argon2id encoded hash (parameters and salt inside); never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # No login attempt before this time (throttling that grows with failures; not a lock).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UserVenue(Base):
    """The venues (or partner bases) a partner user speaks for."""

    __tablename__ = "user_venues"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), primary_key=True)


class Subject(Base):
    """A person of concern: starts from a description; identity is optional.

    ``review_date`` is the Management of Police Information review point: after it
    the record must be reviewed and kept only with a reason, or erased.
    """

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    clothing: Mapped[str] = mapped_column(String(300), default="")
    build: Mapped[str] = mapped_column(String(100), default="")
    distinguishing_features: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    review_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SubjectSighting(Base):
    """A subject linked to an incident, a flagged location, or seen at a point."""

    __tablename__ = "subject_sightings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True, index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"), nullable=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(300), default="")
    behaviours: Mapped[list[str]] = mapped_column(JSON)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    repeat_behaviour: Mapped[bool] = mapped_column(Boolean, default=False)
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"), nullable=True)
    breach_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)


class SubjectWarning(Base):
    """Words of advice given to a subject: who gave them, when and where."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    officer: Mapped[str] = mapped_column(String(200))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))


class DispersalZone(Base):
    """An s.34 authorisation: the locality, the period (at most 48 h) and why."""

    __tablename__ = "dispersal_zones"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    log_number: Mapped[str] = mapped_column(String(60))
    officer_rank: Mapped[str] = mapped_column(String(40))
    officer_number: Mapped[str] = mapped_column(String(20))
    officer_name: Mapped[str] = mapped_column(String(100))
    polygon: Mapped[list[list[float]]] = mapped_column(JSON)
    area_in_words: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    grounds: Mapped[str] = mapped_column(Text)
    rights_consideration: Mapped[str] = mapped_column(Text)
    authorised_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when recorded here
    authorised_by: Mapped[str] = mapped_column(String(100))
    # s.34(4): the authorisation is in writing and signed; it is in force only from signing.
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Direction(Base):
    """An s.35 direction to leave a locality (or part of it) and not return."""

    __tablename__ = "directions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("dispersal_zones.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    first_given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    officer_rank: Mapped[str] = mapped_column(String(40))
    officer_number: Mapped[str] = mapped_column(String(20))
    officer_name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    apparent_age: Mapped[int] = mapped_column(Integer)
    behaviour: Mapped[str] = mapped_column(Text)
    grounds: Mapped[str] = mapped_column(Text)
    exclusion_polygon: Mapped[list[list[float]]] = mapped_column(JSON)
    exclusion_in_words: Mapped[str] = mapped_column(Text)
    exclusion_ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    leave_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    route: Mapped[str | None] = mapped_column(Text, nullable=True)
    offence_warning_given: Mapped[bool] = mapped_column(Boolean)
    no_offence_warning_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    written_notice_given: Mapped[bool] = mapped_column(Boolean)
    no_written_notice_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    collection_station: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    # Recorded before these were asked: None ("not recorded") on older directions.
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # s.35(1), s.40: "constable", "special constable" or "PCSO" (designated), in uniform.
    officer_capacity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    in_uniform: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pcso_designation: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # s.35(3), apart from the grounds for suspicion (s.35(2)).
    necessity: Mapped[str] = mapped_column(Text, default="")
    # s.36(2)-(3) access kept to home, work, court, education, treatment; s.36(4) no picket/procession.
    access_kept: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    not_picket_or_procession: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # s.37(1)-(2): the constable's belief about the items, and whether the direction was in writing.
    surrender_belief: Mapped[str | None] = mapped_column(Text, nullable=True)
    surrender_in_writing: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    no_written_surrender_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A person whose direction was still running: the running one, and the supervisor's reason.
    running_direction_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    supervisor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    supervisor_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SurrenderedItem(Base):
    """An item surrendered under s.37, returnable after the exclusion period."""

    __tablename__ = "surrendered_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    surrendered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    collect_from: Mapped[datetime] = mapped_column(UTCDateTime())  # follows the current end (s.37)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # s.37 direction refused: an offence under s.39(3); the item stayed with the person.
    refused: Mapped[bool] = mapped_column(Boolean, default=False)


class DirectionChange(Base):
    """A variation or withdrawal of a direction (s.35(8)-(9), recorded under s.38).

    Append-only (a trigger refuses UPDATE and DELETE): the record shows every
    version of the terms the person was given.
    """

    __tablename__ = "direction_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    officer: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    notice_given: Mapped[bool] = mapped_column(Boolean)
    no_notice_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
    notice_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # s.35(9)


class Task(Base):
    """Something an officer must do because of a record, e.g. take a child home (s.35(7))."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"), nullable=True, index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # s.35(7) take-home outcome: where taken, by whom, who was told and when, any referral.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


__all__ = [
    "AuditEntry",
    "Base",
    "ChangeLogEntry",
    "Direction",
    "DirectionChange",
    "Dispatch",
    "DispersalZone",
    "Flag",
    "Incident",
    "IncidentEvent",
    "ReferenceCounter",
    "Subject",
    "SubjectSighting",
    "SubjectWarning",
    "SurrenderedItem",
    "Task",
    "UTCDateTime",
    "Unit",
    "Venue",
]


class AppliedCommand(Base):
    """An idempotency key of an edit already applied, so a replayed outbox write applies once.

    A new incident carries its key on the incident row itself; status changes and
    notes have no row of their own, so their keys are recorded here, in the same
    transaction as the edit.
    """

    __tablename__ = "applied_commands"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigId)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))


__all__ += ["AppliedCommand"]


class DatabaseFact(Base):
    """A fact about the database itself, e.g. that it ever had users or is for training.

    Facts are only ever added: a fact that made the database stricter (it had users,
    so it never returns to set-up mode) must not be undone by the program.
    """

    __tablename__ = "database_facts"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    set_by: Mapped[str] = mapped_column(String(100))


class ConsoleThrottle(Base):
    """Failed logins from one console (host and OS account), and when it may try again."""

    __tablename__ = "console_throttles"

    console: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


__all__ += ["ConsoleThrottle", "DatabaseFact"]


class Camera(Base):
    """A CCTV camera of the register: who owns it, where it is and what it looks at."""

    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(20))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), nullable=True)
    sharing_agreement: Mapped[str] = mapped_column(Text, default="", server_default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(10))
    heading: Mapped[float | None] = mapped_column(Float, nullable=True)
    angle: Mapped[float | None] = mapped_column(Float, nullable=True)
    range_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    stream_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    retention_days: Mapped[int] = mapped_column(Integer, default=31, server_default="31")
    version: Mapped[int] = mapped_column(Integer, default=1)


class CameraPreset(Base):
    """A named position of a PTZ or dome camera: where it points and what it then sees."""

    __tablename__ = "camera_presets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    heading: Mapped[float] = mapped_column(Float)
    angle: Mapped[float] = mapped_column(Float)
    range_m: Mapped[float] = mapped_column(Float)


class CameraFault(Base):
    """One reported fault of a camera, open until someone clears it."""

    __tablename__ = "camera_faults"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cleared_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


__all__ += ["Camera", "CameraFault", "CameraPreset"]


class CameraTask(Base):
    """A camera tasked to an incident (preset, who, when) until another task or release ends it."""

    __tablename__ = "camera_tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    preset: Mapped[str | None] = mapped_column(String(60), nullable=True)
    tasked_by: Mapped[str] = mapped_column(String(100))
    tasked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class CameraCallup(Base):
    """One call-up of a camera, with or without a stream: the record of who asked to see what."""

    __tablename__ = "camera_callups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    preset: Mapped[str | None] = mapped_column(String(60), nullable=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    with_stream: Mapped[bool] = mapped_column(Boolean)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FootageClip(Base):
    """A stretch of one camera's footage marked for an incident; locked as evidence until released."""

    __tablename__ = "footage_clips"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text)
    marked_by: Mapped[str] = mapped_column(String(100))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    locked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lock_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    unlocked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unlock_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class FootageRequest(Base):
    """A request for footage of an incident: who asks (officer or body) and for what purpose."""

    __tablename__ = "footage_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("footage_clips.id"), nullable=True)
    requester: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class FootageRelease(Base):
    """Footage handed to someone outside the control room: a DPA 2018 s.62 disclosure."""

    __tablename__ = "footage_releases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("footage_clips.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("footage_requests.id"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text)
    released_by: Mapped[str] = mapped_column(String(100))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FootageEvent(Base):
    """One line of a clip's continuity log: marked, viewed, locked, released, unlocked."""

    __tablename__ = "footage_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("footage_clips.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")


class RoadSegment(Base):
    """One piece of an imported road network, drawn on the map and routed along."""

    __tablename__ = "road_segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    road_class: Mapped[str] = mapped_column(String(60), default="", server_default="")
    coordinates: Mapped[str] = mapped_column(Text)
    length_m: Mapped[float] = mapped_column(Float)


__all__ += [
    "CameraCallup",
    "CameraTask",
    "FootageClip",
    "FootageEvent",
    "FootageRelease",
    "FootageRequest",
    "RoadSegment",
]


class IncidentChecklist(Base):
    """The procedure an incident began with, its steps frozen as JSON (never re-read from the file)."""

    __tablename__ = "incident_checklists"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    )
    procedure_key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    version_label: Mapped[str] = mapped_column(String(60))
    content_hash: Mapped[str] = mapped_column(String(64))
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(100))


class ChecklistStepOutcome(Base):
    """A checklist step done (with its yes/no answer) or skipped (with why); never changed."""

    __tablename__ = "checklist_step_outcomes"
    __table_args__ = (UniqueConstraint("incident_id", "step_number", name="uq_checklist_step_outcome"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    step_number: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))  # "done" or "skipped"
    answer: Mapped[str | None] = mapped_column(String(3), nullable=True)  # "yes"/"no" on a question
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ += ["ChecklistStepOutcome", "IncidentChecklist"]


class Handover(Base):
    """A shift handover as given: frozen content and notes; only its acknowledgement is added.

    A trigger (migration 0016) refuses any other UPDATE, and every DELETE.
    """

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    given_by: Mapped[str] = mapped_column(String(100), index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text)
    to_user: Mapped[str | None] = mapped_column(String(100), nullable=True)
    contains_personal: Mapped[bool] = mapped_column(Boolean)
    # [[section key, items], ...] and how many items carry a note: the feed's summary.
    counts: Mapped[list[list[Any]]] = mapped_column(JSON)
    noted_items: Mapped[int] = mapped_column(Integer)
    # The notes and the content's words in lower case, for the history's search.
    search_text: Mapped[str] = mapped_column(Text)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


__all__ += ["Handover"]


class Decision(Base):
    """An entry of the decision log (National Decision Model). Append-only: a trigger refuses
    UPDATE and DELETE; a later entry ``revises_id`` an earlier one (unique: a chain never branches)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    night: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    information: Mapped[str] = mapped_column(Text)
    assessment: Mapped[str] = mapped_column(Text)
    powers_policy: Mapped[str] = mapped_column(Text)
    options: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), nullable=True, unique=True)


class DecisionTarget(Base):
    """What a decision concerns: an incident, zone or direction (``target_id``) or a whole ``night``.

    ``label`` keeps the reference or name as it was, so the log reads without the linked tables
    (an auditor reads decisions, not incidents). Append-only like the decisions.
    """

    __tablename__ = "decision_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    night: Mapped[date | None] = mapped_column(Date, nullable=True)
    label: Mapped[str] = mapped_column(String(200))


__all__ += ["Decision", "DecisionTarget"]
