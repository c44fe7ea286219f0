"""s.35 directions: given, varied and withdrawn inside a zone in force, each one transaction.

A direction is recorded with everything s.38 asks for: the individual, the date and
time, the terms (area and exclusion period), any variation or withdrawal, and any
item surrendered under s.37.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import DirectionStatus, operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import DirectionSnapshot, SubjectSnapshot
from controlroom.core.validation import bounded_hours, clean_text
from controlroom.dispersal.persons import NewSubject, new_subject_row
from controlroom.dispersal.records import (
    active_directions,
    direction_snapshot,
    find_direction,
    find_subject,
    find_zone,
    polygon_of,
    subject_snapshot,
)
from controlroom.dispersal.rules import (
    CLOCK_SKEW,
    MAX_PERIOD,
    DirectionTerms,
    GiverTerms,
    SurrenderTerms,
    ZoneTerms,
    check_direction,
    check_exclusion_area,
    check_giver,
    check_notice,
    check_running_directions,
    check_surrender,
    check_variation,
    parse_officer,
    utc,
)
from controlroom.dispersal.zones import require_in_area
from controlroom.paperwork.data import LatLon
from controlroom.storage.models import (
    Direction,
    DirectionChange,
    DispersalZone,
    Subject,
    SurrenderedItem,
    Task,
)
from controlroom.writes import CommandBase, requires

# Where surrendered items are collected unless the officer names another station (s.37).
DEFAULT_COLLECTION_STATION = "Southampton Central Police Station"

# s.35(4) and s.35(8), as the number of hours typed; checked before any date arithmetic.
MAX_EXCLUSION_HOURS = MAX_PERIOD / timedelta(hours=1)


MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class DirectionSpec:
    """An s.35 direction as the constable gives it (and the operator records it)."""

    zone: str | int
    at: LatLon
    apparent_age: int
    officer: str
    grounds: str
    exclusion_hours: float
    behaviour: str = ""
    description: str | None = None  # a new person of concern from this description …
    subject_id: int | None = None  # … or one already on record
    given_at: datetime | None = None
    exclusion_polygon: Sequence[LatLon] | None = None  # None: the whole zone
    exclusion_in_words: str | None = None
    leave_by: datetime | None = None
    route: str | None = None
    offence_warning_given: bool = True
    no_offence_warning_reason: str | None = None
    written_notice_given: bool = True
    no_written_notice_reason: str | None = None
    surrendered_items: Sequence[str] = field(default=())
    collection_station: str | None = None
    # s.35(3): why the direction is necessary, apart from the grounds for suspicion (s.35(2)).
    necessity: str = ""
    # s.35(1): a constable in uniform; s.40: a PCSO only with the chief officer's designation.
    in_uniform: bool | None = None
    special_constable: bool = False
    pcso_designation: str | None = None
    # s.36(2)-(3): the direction keeps access to home, required work or contract of services,
    # a court or tribunal or enactment, education or training, medical treatment.
    access_kept: bool | None = None
    # s.36(4): one of a group peacefully picketing, or in a notified public procession (refused).
    picket_or_procession: bool | None = None
    # s.37(1)-(2): the constable's belief about the items, and whether it was given in writing.
    surrender_belief: str | None = None
    surrender_in_writing: bool | None = None
    no_written_surrender_reason: str | None = None
    refused_items: Sequence[str] = field(default=())  # s.39(3): refusing to surrender is an offence
    # A person whose direction is still running: a fresh one needs a supervisor's reason.
    supervisor: str | None = None
    supervisor_reason: str | None = None


@dataclass(frozen=True, slots=True)
class TakeHomeOutcome:
    """What happened on an s.35(7) take-home task for a person who appears under 16."""

    taken_to: str  # home (address not needed here) or the place of safety
    taken_by: str  # officer(s)
    told: str  # the parent, carer or agency told
    told_at: datetime | None = None  # default: now
    referral: str | None = None  # a safeguarding referral, if one was made


@dataclass(frozen=True, slots=True)
class DirectionVariation:
    """New terms for a direction (s.35(8)); fields left as None stay as they were."""

    officer: str
    reason: str
    exclusion_ends_at: datetime | None = None
    hours_from_first_given: float | None = None  # instead of exclusion_ends_at
    exclusion_polygon: Sequence[LatLon] | None = None
    exclusion_in_words: str | None = None
    leave_by: datetime | None = None
    route: str | None = None
    notice_given: bool = True
    no_notice_reason: str | None = None
    notice_given_at: datetime | None = None  # s.35(9): when the person was told; default now


@dataclass(frozen=True, slots=True)
class DirectionResult:
    """A direction as recorded, the person it was given to, and any take-home task."""

    direction: DirectionSnapshot
    subject: SubjectSnapshot
    take_home_task_id: int | None


class DirectionCommands(CommandBase):
    """Giving, varying and withdrawing s.35 directions; a person under 16 gets a take-home task."""

    @requires("direction.give")
    async def give_direction(self, spec: DirectionSpec) -> DirectionResult:
        """Record an s.35 direction, its surrendered items and any take-home task."""
        officer = parse_officer(spec.officer)
        now = self.clock()
        given_at = utc(spec.given_at, "time given") if spec.given_at else now
        bounded_hours(spec.exclusion_hours, "exclusion period", MAX_EXCLUSION_HOURS, law="s.35(4)")
        capacity = check_giver(
            GiverTerms(officer, spec.in_uniform, spec.special_constable, spec.pcso_designation)
        )
        items = [clean_text(i, "surrendered item", 300) for i in spec.surrendered_items]
        refused = [clean_text(i, "refused item", 300) for i in spec.refused_items]
        surrender = SurrenderTerms(
            items=tuple(items),
            refused_items=tuple(refused),
            belief=spec.surrender_belief,
            in_writing=spec.surrender_in_writing,
            no_writing_reason=spec.no_written_surrender_reason,
        )
        if (spec.subject_id is None) == (spec.description is None):
            raise ValidationError("say who: a description of the person (--description) or --subject ID")
        supervisor = parse_officer(spec.supervisor or "") if (spec.supervisor or "").strip() else None
        async with self.db.write() as session:
            zone = await find_zone(session, spec.zone, given_at)
            terms = _direction_terms(spec, zone, given_at, now)
            outcome = check_direction(terms, _zone_terms(zone))
            check_surrender(surrender)
            require_in_area(self.area, [terms.at], "place given")
            running = (
                await active_directions(session, spec.subject_id, given_at)
                if spec.subject_id is not None
                else []
            )
            check_running_directions(
                [(d.reference, d.exclusion_ends_at) for d in running], supervisor, spec.supervisor_reason
            )
            subject = await self._subject_for(session, spec, now)
            row = Direction(
                reference=await _next_reference(self, session, given_at),
                zone_id=zone.id,
                subject_id=subject.id,
                given_at=given_at,
                first_given_at=given_at,
                officer_rank=officer.rank,
                officer_number=officer.number,
                officer_name=officer.name,
                lat=terms.at[0],
                lon=terms.at[1],
                apparent_age=spec.apparent_age,
                behaviour=spec.behaviour.strip(),
                grounds=terms.grounds.strip(),
                exclusion_polygon=[list(p) for p in terms.exclusion_polygon],
                exclusion_in_words=terms.exclusion_in_words.strip(),
                exclusion_ends_at=terms.exclusion_ends_at,
                leave_by=terms.leave_by,
                route=(spec.route or "").strip() or None,
                offence_warning_given=spec.offence_warning_given,
                no_offence_warning_reason=_reason(spec.offence_warning_given, spec.no_offence_warning_reason),
                written_notice_given=spec.written_notice_given,
                no_written_notice_reason=_reason(spec.written_notice_given, spec.no_written_notice_reason),
                collection_station=(spec.collection_station or DEFAULT_COLLECTION_STATION) if items else None,
                status=DirectionStatus.ACTIVE.value,
                recorded_by=self.actor.name,
                recorded_at=now,
                officer_capacity=capacity,
                in_uniform=True,
                pcso_designation=(spec.pcso_designation or "").strip() or None
                if capacity == "PCSO"
                else None,
                necessity=spec.necessity.strip(),
                access_kept=True,
                not_picket_or_procession=True,
                surrender_belief=(spec.surrender_belief or "").strip() or None if items or refused else None,
                surrender_in_writing=spec.surrender_in_writing if items or refused else None,
                no_written_surrender_reason=(
                    _reason(bool(spec.surrender_in_writing), spec.no_written_surrender_reason)
                    if items or refused
                    else None
                ),
                running_direction_id=running[0].id if running else None,
                supervisor=supervisor.describe() if running and supervisor else None,
                supervisor_reason=clean_text(spec.supervisor_reason or "", "supervisor's reason", 1000)
                if running
                else None,
                version=1,
            )
            session.add(row)
            await session.flush()
            for item, was_refused in [(i, False) for i in items] + [(i, True) for i in refused]:
                # s.37: not returned before the exclusion period ends (moved by a variation).
                session.add(
                    SurrenderedItem(
                        direction_id=row.id,
                        description=item,
                        surrendered_at=given_at,
                        collect_from=row.exclusion_ends_at,
                        refused=was_refused,
                    )
                )
            task_id = await self._take_home_task(session, row, subject, now) if outcome.take_home else None
            subject.version += 1
            await session.flush()
            snapshot = await direction_snapshot(session, row)
            detail = {
                "reference": row.reference,
                "zone": zone.id,
                "subject": subject.id,
                "officer": officer.describe(),
                "capacity": capacity,
                "exclusion_ends_at": row.exclusion_ends_at.isoformat(),
                "items": len(items),
                "refused_items": len(refused),
            }
            if running:
                detail["running"] = [d.reference for d in running]
            await self._finish(
                session, "direction.give", "direction", row.id, detail, snapshot.to_json(), now
            )
            if spec.subject_id is not None:
                # DPA 2018 s.62(1)(e): a direction joined to a person already on record is a combination.
                await self._audit(
                    session,
                    "direction.combine",
                    "direction",
                    row.id,
                    {"reference": row.reference, "subject": subject.id},
                    now,
                )
            person = await subject_snapshot(session, subject, now)
            await self._append_change(session, "subject", subject.id, person.to_json(), now)
            return DirectionResult(direction=snapshot, subject=person, take_home_task_id=task_id)

    @requires("direction.take_home")
    async def record_take_home(self, reference: str, outcome: TakeHomeOutcome) -> DirectionSnapshot:
        """Close the s.35(7) take-home task with where the person was taken, by whom, and who was told."""
        taken_to = clean_text(outcome.taken_to, "where the person was taken", 500)
        taken_by = clean_text(outcome.taken_by, "who took them", 300)
        told = clean_text(outcome.told, "who was told", 500)
        referral = (outcome.referral or "").strip()
        if referral:
            clean_text(referral, "safeguarding referral", 1000)
        now = self.clock()
        told_at = utc(outcome.told_at, "time told") if outcome.told_at else now
        if told_at > now + CLOCK_SKEW:
            raise ValidationError("the time the parent or carer was told is in the future")
        async with self.db.write() as session:
            row = await find_direction(session, reference)
            task = (
                await session.execute(
                    select(Task).where(Task.direction_id == row.id, Task.kind == "take_home")
                )
            ).scalar_one_or_none()
            if task is None:
                raise ValidationError(
                    f"{row.reference} has no take-home task: the person did not appear to be "
                    "under 16 (s.35(7))"
                )
            if task.status == "done":
                raise ValidationError(f"the take-home outcome of {row.reference} is already recorded")
            if told_at < row.given_at:
                raise ValidationError("the time told is before the direction was given")
            task.status, task.done_at, task.done_by = "done", now, self.actor.name
            task.outcome = {
                "taken_to": taken_to,
                "taken_by": taken_by,
                "told": told,
                "told_at": told_at.isoformat(),
                "referral": referral or None,
                "recorded_by": self.actor.name,
                "recorded_at": now.isoformat(),
            }
            row.version += 1
            await session.flush()
            snapshot = await direction_snapshot(session, row)
            detail = {"reference": row.reference, "task": task.id, "referral": bool(referral)}
            await self._finish(
                session, "direction.take_home", "direction", row.id, detail, snapshot.to_json(), now
            )
            return snapshot

    async def _subject_for(self, session: AsyncSession, spec: DirectionSpec, now: datetime) -> Subject:
        if spec.subject_id is not None:
            return await find_subject(session, spec.subject_id)
        assert spec.description is not None  # noqa: S101 - checked by the caller
        clean_text(spec.description, "description", 2000)
        return await new_subject_row(session, NewSubject(description=spec.description), now, self.actor.name)

    async def _take_home_task(
        self, session: AsyncSession, direction: Direction, subject: Subject, now: datetime
    ) -> int:
        # s.35(7): a person who appears under 16 may be removed to where he lives or a place of safety.
        task = Task(
            kind="take_home",
            summary=(
                f"{direction.reference}: person appears to be {direction.apparent_age} (under 16) — "
                "consider taking home or to a place of safety (s.35(7))"
            ),
            direction_id=direction.id,
            subject_id=subject.id,
            status="open",
            created_at=now,
            created_by=self.actor.name,
        )
        session.add(task)
        await session.flush()
        return task.id

    @requires("direction.vary")
    async def vary_direction(self, reference: str, variation: DirectionVariation) -> DirectionSnapshot:
        """Vary a direction in force: never beyond 48 h from first given (s.35(8)), notice s.35(9)."""
        officer = parse_officer(variation.officer).describe()
        reason = clean_text(variation.reason, "reason for the variation", 1000)
        check_notice(variation.notice_given, variation.no_notice_reason, "variation")
        now = self.clock()
        async with self.db.write() as session:
            row = await find_direction(session, reference)
            check_still_in_force(row, now, "vary")
            zone = await session.get(DispersalZone, row.zone_id)
            assert zone is not None  # noqa: S101 - foreign key
            terms = _variation_terms(row, variation, zone)
            if not terms:
                raise ValidationError(
                    "nothing to vary: give a new end (--hours/--ends), area, leave-by time or route"
                )
            for key, value in terms.items():
                setattr(row, key, value)
            if "exclusion_ends_at" in terms:
                await _move_collection(session, row, row.exclusion_ends_at)
            row.version += 1
            session.add(
                _change_record(row, "variation", now, officer, reason, terms, variation, self.actor.name)
            )
            await session.flush()
            snapshot = await direction_snapshot(session, row)
            detail = {"reference": row.reference, "changed": sorted(terms)}
            await self._finish(
                session, "direction.vary", "direction", row.id, detail, snapshot.to_json(), now
            )
            return snapshot

    @requires("direction.withdraw")
    async def withdraw_direction(
        self,
        reference: str,
        *,
        officer: str,
        reason: str,
        notice_given: bool = True,
        no_notice_reason: str | None = None,
        notice_given_at: datetime | None = None,
    ) -> DirectionSnapshot:
        """Withdraw a direction (any constable may, s.35(8)); recorded under s.38."""
        who = parse_officer(officer).describe()
        why = clean_text(reason, "reason for the withdrawal", 1000)
        check_notice(notice_given, no_notice_reason, "withdrawal")
        now = self.clock()
        async with self.db.write() as session:
            row = await find_direction(session, reference)
            check_still_in_force(row, now, "withdraw")
            row.status, row.withdrawn_at = DirectionStatus.WITHDRAWN.value, now
            # s.37: the exclusion period ended with the withdrawal; items can be collected from now.
            await _move_collection(session, row, now)
            row.version += 1
            notice = DirectionVariation(
                officer=officer,
                reason=why,
                notice_given=notice_given,
                no_notice_reason=no_notice_reason,
                notice_given_at=notice_given_at,
            )
            session.add(_change_record(row, "withdrawal", now, who, why, {}, notice, self.actor.name))
            await session.flush()
            snapshot = await direction_snapshot(session, row)
            await self._finish(
                session, "direction.withdraw", "direction", row.id, {"reason": why}, snapshot.to_json(), now
            )
            subject = await session.get(Subject, row.subject_id)
            if subject is not None:
                subject.version += 1
                await session.flush()
                person = await subject_snapshot(session, subject, now)
                await self._append_change(session, "subject", subject.id, person.to_json(), now)
            return snapshot


def _zone_terms(zone: DispersalZone) -> ZoneTerms:
    return ZoneTerms(
        zone.name, polygon_of(zone.polygon), zone.starts_at, zone.ends_at, zone.withdrawn_at, zone.signed_at
    )


def _direction_terms(
    spec: DirectionSpec, zone: DispersalZone, given_at: datetime, now: datetime
) -> DirectionTerms:
    texts = (
        (spec.grounds, "grounds"),
        (spec.behaviour, "behaviour"),
        (spec.route, "route"),
        (spec.necessity, "necessity"),
        (spec.surrender_belief, "belief about the items"),
    )
    for text, what in texts:
        if text and len(text) > MAX_TEXT:
            raise ValidationError(f"the {what} is {len(text)} characters long; the limit is {MAX_TEXT}")
    whole_zone = spec.exclusion_polygon is None
    return DirectionTerms(
        given_at=given_at,
        at=spec.at,
        apparent_age=spec.apparent_age,
        grounds=spec.grounds,
        exclusion_polygon=polygon_of(zone.polygon) if whole_zone else tuple(spec.exclusion_polygon or ()),
        exclusion_in_words=spec.exclusion_in_words or (zone.area_in_words if whole_zone else ""),
        exclusion_ends_at=given_at + timedelta(hours=spec.exclusion_hours),
        leave_by=utc(spec.leave_by, "leave-by time") if spec.leave_by else None,
        written_notice_given=spec.written_notice_given,
        no_written_notice_reason=spec.no_written_notice_reason,
        offence_warning_given=spec.offence_warning_given,
        no_offence_warning_reason=spec.no_offence_warning_reason,
        necessity=spec.necessity,
        access_kept=spec.access_kept,
        picket_or_procession=spec.picket_or_procession,
        recorded_at=now,
    )


def _variation_terms(row: Direction, variation: DirectionVariation, zone: DispersalZone) -> dict[str, object]:
    terms: dict[str, object] = {}
    ends = utc(variation.exclusion_ends_at, "new exclusion end") if variation.exclusion_ends_at else None
    if variation.hours_from_first_given is not None:
        if ends is not None:
            raise ValidationError("give either a new end time or a number of hours, not both")
        hours = variation.hours_from_first_given
        bounded_hours(hours, "exclusion period from when first given", MAX_EXCLUSION_HOURS, law="s.35(8)")
        ends = row.first_given_at + timedelta(hours=hours)
    if ends is not None:
        check_variation(row.first_given_at, ends)
        terms["exclusion_ends_at"] = ends
    if variation.exclusion_polygon is not None:
        polygon = check_exclusion_area(variation.exclusion_polygon, _zone_terms(zone))
        if not (variation.exclusion_in_words or "").strip():
            raise ValidationError("a new exclusion area must be described in words too (s.35(5)(b))")
        terms["exclusion_polygon"] = [list(p) for p in polygon]
    if variation.exclusion_in_words is not None and variation.exclusion_in_words.strip():
        terms["exclusion_in_words"] = variation.exclusion_in_words.strip()
    if variation.leave_by is not None:
        terms["leave_by"] = utc(variation.leave_by, "leave-by time")
    if variation.route is not None and variation.route.strip():
        terms["route"] = variation.route.strip()
    return terms


def _change_record(
    row: Direction,
    kind: str,
    now: datetime,
    officer: str,
    reason: str,
    terms: dict[str, object],
    notice: DirectionVariation,
    actor: str,
) -> DirectionChange:
    return DirectionChange(
        direction_id=row.id,
        kind=kind,
        at=now,
        officer=officer,
        reason=reason,
        terms={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in terms.items()},
        notice_given=notice.notice_given,
        no_notice_reason=_reason(notice.notice_given, notice.no_notice_reason),
        recorded_by=actor,
        notice_given_at=_notice_time(notice, row, now) if notice.notice_given else None,
    )


def _notice_time(notice: DirectionVariation, row: Direction, now: datetime) -> datetime:
    """s.35(9): when the person was told of the change; not before the direction, not in the future."""
    if notice.notice_given_at is None:
        return now
    told = utc(notice.notice_given_at, "time the notice was given")
    if told > now + CLOCK_SKEW or told < row.given_at:
        raise ValidationError(
            "the notice of the change must be given between the direction and now; check the time (s.35(9))"
        )
    return told


async def _move_collection(session: AsyncSession, row: Direction, collect_from: datetime) -> None:
    """s.37: surrendered items follow the current end of the exclusion (a variation or withdrawal)."""
    items = (
        await session.execute(select(SurrenderedItem).where(SurrenderedItem.direction_id == row.id))
    ).scalars()
    for item in items:
        if not item.refused and item.returned_at is None:
            item.collect_from = collect_from


def check_still_in_force(row: Direction, now: datetime, verb: str) -> None:
    if row.status != DirectionStatus.ACTIVE.value:
        raise ValidationError(f"{row.reference} has been withdrawn; there is nothing to {verb}")
    if row.exclusion_ends_at <= now:
        raise ValidationError(f"{row.reference} expired at {row.exclusion_ends_at:%Y-%m-%d %H:%M} UTC")


def _designation(spec: DirectionSpec, capacity: str) -> str | None:
    return (spec.pcso_designation or "").strip() or None if capacity == "PCSO" else None


def _reason(given: bool, reason: str | None) -> str | None:
    return None if given else (reason or "").strip() or None


async def _next_reference(commands: CommandBase, session: AsyncSession, given_at: datetime) -> str:
    """``S35-20261127-003``: numbered within the operational night the direction was given in.

    The feed lock is taken first, so two consoles cannot draw the same number.
    """
    await commands.db.take_feed_lock(session)
    night = operational_night(given_at)
    prefix = f"S35-{night:%Y%m%d}-"
    last = (
        await session.execute(
            select(func.max(Direction.reference)).where(Direction.reference.like(prefix + "%"))
        )
    ).scalar_one()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"
