"""Editing incidents: status moves, regrading, THRIVE, details, notes, duplicates.

Every edit is checked against the version the operator was looking at: a save
based on a stale version is refused with what the other console changed, never
applied over it. Each aspect that changes gets its own timeline entry.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import LOCAL_TZ, Category, Source, Status, VenueLink
from controlroom.core.errors import StaleVersionError, ValidationError
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.core.validation import clean_text, parse_choice, parse_grade
from controlroom.incidents.lifecycle import check_transition
from controlroom.incidents.records import incident_snapshot
from controlroom.incidents.steps import start_checklist
from controlroom.storage.models import AppliedCommand, Incident, IncidentEvent
from controlroom.writes import CommandBase, requires

THRIVE_KEYS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
ANGELA_OUTCOMES = ("reunited_with_friends", "taxi", "security", "police")
MAX_TEXT = 2000
_TEXT_FIELDS = {
    "summary": MAX_TEXT,
    "place": 300,
    "vulnerable_person": MAX_TEXT,
    "person_of_concern": MAX_TEXT,
    "reporter_contact": 200,
}


@dataclass(frozen=True, slots=True)
class IncidentEdit:
    """What an operator changed in the edit form; ``None`` means untouched."""

    status: str | None = None
    grade: int | None = None
    category: str | None = None
    source: str | None = None
    summary: str | None = None
    place: str | None = None
    thrive: dict[str, str] | None = None
    vulnerable_person: str | None = None
    person_of_concern: str | None = None
    reporter_contact: str | None = None
    angela_outcome: str | None = None
    venue_link: str | None = None
    note: str | None = None


def validated_edit(edit: IncidentEdit) -> dict[str, Any]:
    """The edit's values, parsed and cleaned; raises before anything is written."""
    values: dict[str, Any] = {}
    if edit.status is not None:
        values["status"] = parse_choice(Status, edit.status, "status").value
    if edit.grade is not None:
        values["grade"] = parse_grade(edit.grade)
    if edit.category is not None:
        values["category"] = parse_choice(Category, edit.category, "category").value
    if edit.source is not None:
        values["source"] = parse_choice(Source, edit.source, "source").value
    for name, limit in _TEXT_FIELDS.items():
        value = getattr(edit, name)
        if value is None:
            continue
        if name in ("summary", "place"):
            values[name] = clean_text(value, name, limit)
        elif len(value) > limit:
            raise ValidationError(
                f"the {name.replace('_', ' ')} is {len(value)} characters; the limit is {limit}"
            )
        else:
            values[name] = value.strip()
    if edit.thrive is not None:
        values["thrive"] = validate_thrive(edit.thrive)
    if edit.angela_outcome is not None:
        outcome = edit.angela_outcome.strip().lower().replace(" ", "_")
        if outcome and outcome not in ANGELA_OUTCOMES:
            raise ValidationError(
                f"unknown Ask for Angela outcome {edit.angela_outcome!r}; "
                f"valid outcomes are: {', '.join(ANGELA_OUTCOMES)}"
            )
        values["angela_outcome"] = outcome or None
    if edit.venue_link is not None:
        values["venue_link"] = parse_venue_link(edit.venue_link)
    return values


def parse_venue_link(text: str) -> str:
    """A ``VenueLink`` value from its slug or its words, or an error naming the five."""
    return str(parse_choice(VenueLink, text, "link to the venue").value)


def refuse_link_without_venue(reference: str | None = None) -> ValidationError:
    """The refusal for a link to a venue on an incident that is not at one."""
    subject = f"{reference} is not at a venue" if reference else "no venue was given"
    return ValidationError(
        f"{subject}, so it has no link to one; give the link (inside, door_queue, nearby, "
        "venue_reported or at_venue) only for an incident at a venue"
    )


def validate_thrive(thrive: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(thrive) - set(THRIVE_KEYS))
    if unknown:
        raise ValidationError(f"unknown THRIVE field(s) {', '.join(unknown)}; use: {', '.join(THRIVE_KEYS)}")
    return {key: str(thrive.get(key, "")).strip()[:MAX_TEXT] for key in THRIVE_KEYS}


def stale_message(row: Incident, expected: int) -> str:
    who = row.updated_by or row.created_by
    when = row.updated_at.astimezone(LOCAL_TZ).strftime("%H:%M:%S") if row.updated_at else "earlier"
    return (
        f"{row.reference} was changed by {who} at {when}: it is now version {row.version}, "
        f"your change was based on version {expected}; nothing was saved — "
        "look at their change and try again"
    )


class IncidentEditing(CommandBase):
    """Mixed into ``Commands``: the edit commands for incidents."""

    @requires("incident.update")
    async def update_incident(
        self,
        reference: str,
        edit: IncidentEdit | None = None,
        *,
        status: str | None = None,
        grade: int | None = None,
        note: str | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> IncidentSnapshot:
        """Apply an edit (and/or the status/grade/note short-hands) in one transaction.

        With an ``idempotency_key`` (an outbox replay) an edit already applied under
        that key is not applied again: the incident is returned as it is now.
        """
        edit = edit or IncidentEdit()
        merged = IncidentEdit(
            **{f.name: getattr(edit, f.name) for f in fields(edit)}
            | {k: v for k, v in (("status", status), ("grade", grade), ("note", note)) if v is not None}
        )
        values = validated_edit(merged)
        clean_note = clean_text(merged.note, "note", MAX_TEXT) if merged.note is not None else None
        now = self.clock()
        try:
            async with self.db.write() as session:
                row = await _incident(session, reference, lock=not self.db.is_sqlite)
                # Checked under the row lock: a concurrent replay of the same key has committed.
                if idempotency_key and await session.get(AppliedCommand, idempotency_key) is not None:
                    return incident_snapshot(row)
                if expected_version is not None and row.version != expected_version:
                    raise StaleVersionError(stale_message(row, expected_version), incident_snapshot(row))
                if "venue_link" in values and row.venue_id is None:
                    raise refuse_link_without_venue(row.reference)
                if idempotency_key:
                    session.add(_applied(idempotency_key, row.id, self.actor.name, now))
                changed = _apply(row, values, now)
                if not changed and clean_note is None:
                    return incident_snapshot(row)
                events = _timeline(changed, clean_note)
                if "category" in changed or "source" in changed:
                    # Now of a kind a procedure is for: its checklist starts, unless it has one already.
                    await start_checklist(self, session, row, now)
                return await self._save(session, row, events, now, "incident.update")
        except IntegrityError:
            if not idempotency_key:
                raise
            # Another console replayed the same key between our check and our commit.
            async with self.db.write() as session:
                return incident_snapshot(await _incident(session, reference))

    @requires("incident.link")
    async def link_duplicate(
        self, reference: str, of_reference: str, expected_version: int | None = None
    ) -> IncidentSnapshot:
        """Mark ``reference`` as a duplicate report of ``of_reference`` and close it; both records stay.

        A duplicate is worked as the incident it repeats, so its own attendance clock
        stops and it no longer alerts: it is closed at once (from any status, which
        no ordinary move allows), and its timeline says why ("closed: duplicate of X").
        """
        if reference == of_reference:
            raise ValidationError("an incident cannot be a duplicate of itself")
        now = self.clock()
        async with self.db.write() as session:
            row = await self._locked_incident(session, reference, expected_version)
            target = await _incident(session, of_reference)
            if target.duplicate_of == row.id:
                raise ValidationError(f"{of_reference} is already marked as a duplicate of {reference}")
            row.duplicate_of = target.id
            events = [("linked", {"duplicate_of": target.reference, "closed_from": row.status})]
            row.status = Status.CLOSED.value
            return await self._save(session, row, events, now, "incident.link")

    @requires("incident.caller_updated")
    async def record_caller_updated(self, reference: str, note: str) -> IncidentSnapshot:
        """The operator told the reporter about the delay (asked for after a target breach)."""
        text = clean_text(note, "note", MAX_TEXT)
        now = self.clock()
        async with self.db.write() as session:
            row = await _incident(session, reference)
            row.caller_updated_at = now
            return await self._save(
                session, row, [("caller_updated", {"text": text})], now, "incident.caller_updated"
            )

    async def _locked_incident(
        self, session: AsyncSession, reference: str, expected_version: int | None
    ) -> Incident:
        row = await _incident(session, reference, lock=not self.db.is_sqlite)
        if expected_version is not None and row.version != expected_version:
            raise StaleVersionError(stale_message(row, expected_version), incident_snapshot(row))
        return row

    async def _save(
        self,
        session: AsyncSession,
        row: Incident,
        events: list[tuple[str, dict[str, Any]]],
        now: datetime,
        action: str,
    ) -> IncidentSnapshot:
        row.version += 1
        row.updated_by = self.actor.name
        row.updated_at = now
        await session.flush()
        snapshot = incident_snapshot(row)
        for kind, detail in events:
            session.add(
                IncidentEvent(incident_id=row.id, at=now, actor=self.actor.name, kind=kind, detail=detail)
            )
        audit = {"reference": row.reference, "what": [kind for kind, _ in events]}
        await self._finish(session, action, "incident", row.id, audit, snapshot.to_json(), now)
        return snapshot


async def _incident(session: AsyncSession, reference: str, *, lock: bool = False) -> Incident:
    query = select(Incident).where(Incident.reference == reference.strip().upper())
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
        )
    return row


def _applied(key: str, incident_id: int, actor: str, now: datetime) -> AppliedCommand:
    return AppliedCommand(
        key=key, action="incident.update", entity_id=incident_id, applied_at=now, actor=actor
    )


def _apply(row: Incident, values: dict[str, Any], now: datetime) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    if "status" in values and values["status"] != row.status:
        check_transition(Status.of(row.status), Status.of(values["status"]))
        if values["status"] == Status.ON_SCENE.value and row.attended_at is None:
            row.attended_at = now
    for name, value in values.items():
        if getattr(row, name) != value:
            changed[name] = [getattr(row, name), value]
            setattr(row, name, value)
    return changed


def _timeline(changed: dict[str, list[Any]], note: str | None) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    if "status" in changed:
        events.append(("status", {"from": changed["status"][0], "to": changed["status"][1]}))
    if "grade" in changed:
        events.append(("regraded", {"from": changed["grade"][0], "to": changed["grade"][1]}))
    if "thrive" in changed:
        events.append(("thrive", {"thrive": changed["thrive"][1]}))
    if "venue_link" in changed:
        events.append(("venue_link", {"from": changed["venue_link"][0], "to": changed["venue_link"][1]}))
    other = {k: v for k, v in changed.items() if k not in ("status", "grade", "thrive", "venue_link")}
    if other:
        events.append(("edited", {"fields": other}))
    if note is not None:
        events.append(("note", {"text": note}))
    return events
