"""Recording a decision in the log: checked whole, then written in one transaction.

What was typed is checked before the transaction opens (``records.checked_text``: the
required NDM parts, lengths, the nights linked); inside it, the decision it revises and the
records it links to are found, and then, all or nothing: the decision row, its links, a
line on the timeline of each linked incident ("Decision D-2026-0003 recorded: …", so the
operators working it see it through the incident's change), the audit entry, and the
decision's change for every console — plus, for a revision, the revised decision's change
carrying its new "revised by", so each console marks it without asking the database.

Append-only: nothing here updates or deletes a decision (triggers on both backends would
refuse it). The reference is numbered under the feed lock, taken first, so two consoles
recording at once never draw the same number.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.domain import operational_night
from controlroom.core.errors import NotPermittedError, ValidationError
from controlroom.core.roles import ROLE_TITLES
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.decisions.queries import find_decision, links_of, references_of
from controlroom.decisions.records import (
    NIGHTS_BACK,
    DecisionInputError,
    NewDecision,
    checked_text,
    decision_reference,
    snapshot_of,
)
from controlroom.incidents.records import find_incident, incident_snapshot, touch
from controlroom.storage.models import (
    Decision,
    DecisionTarget,
    Direction,
    DispersalZone,
    Incident,
    IncidentEvent,
)
from controlroom.writes import CommandBase, requires

# (kind, target id, night, label) of one link, resolved against the database.
Resolved = tuple[str, int | None, date | None, str]


class DecisionCommands(CommandBase):
    """The decision log's one write: record a decision (perhaps revising an earlier one)."""

    @requires("decision.record")
    async def record_decision(self, new: NewDecision) -> DecisionSnapshot:
        """Record ``new``; refusals are ``DecisionInputError`` (with ``field``) or ``NotPermittedError``."""
        text = checked_text(new)
        now = self.clock()
        tonight = operational_night(now)
        for night in new.nights:
            _check_night(night, tonight)
        async with self.db.write() as session:
            self.actor.require("decision.record")
            await self.db.take_feed_lock(session)  # first: numbers the reference without a race
            revised = await self._revisable(session, new.revises) if new.revises else None
            links = await _resolve_links(session, new)
            if not links and revised is not None:
                links = [(t.kind, t.target_id, t.night, t.label) for t in await links_of(session, revised.id)]
            if not links:
                links = [("night", None, tonight, tonight.isoformat())]
            row = Decision(
                reference=await _next_reference(session, tonight.year),
                night=tonight,
                recorded_at=now,
                recorded_by=self.actor.name,
                role=self.actor.role or "",
                revises_id=revised.id if revised is not None else None,
                **text,
            )
            session.add(row)
            await session.flush()
            targets = [
                DecisionTarget(decision_id=row.id, kind=kind, target_id=target, night=night, label=label)
                for kind, target, night, label in links
            ]
            session.add_all(targets)
            await session.flush()
            return await self._tail(session, row, targets, revised, now)

    async def _revisable(self, session: AsyncSession, reference: str) -> Decision:
        """The decision to revise: it exists, is the latest of its chain, and is this user's to revise."""
        try:
            revised = await find_decision(session, reference)
        except ValidationError as error:
            raise DecisionInputError("revises", str(error)) from None
        # "Supervisors (and operators, for their own decisions)": an operator revises only their own.
        if self.actor.role not in (None, "supervisor") and revised.recorded_by != self.actor.name:
            role = ROLE_TITLES.get(self.actor.role or "", self.actor.role or "")
            raise NotPermittedError(
                f"{self.actor.name} ({role}) may revise only their own decisions; {revised.reference} "
                f"was recorded by {revised.recorded_by}: ask a supervisor to revise it, "
                "or record a new decision"
            )
        later = await _revised_by(session, revised.id)
        if later is not None:
            latest = later
            while (after := await _revised_by(session, latest.id)) is not None:
                latest = after
            raise DecisionInputError(
                "revises",
                f"{revised.reference} was already revised by {later.reference}; revise {latest.reference} "
                "(the latest of the chain) instead",
            )
        return revised

    async def _tail(
        self,
        session: AsyncSession,
        row: Decision,
        targets: list[DecisionTarget],
        revised: Decision | None,
        now: datetime,
    ) -> DecisionSnapshot:
        """Timelines of linked incidents, the audit entry, then (last) the changes."""
        revises = f" (revises {revised.reference})" if revised is not None else ""
        said = f"Decision {row.reference} recorded{revises}: {row.subject}"
        incidents: list[Incident] = []
        for target in targets:
            if target.kind != "incident" or target.target_id is None:
                continue
            incident = await session.get(Incident, target.target_id)
            assert incident is not None  # noqa: S101 - resolved in this transaction
            session.add(
                IncidentEvent(
                    incident_id=incident.id,
                    at=now,
                    actor=self.actor.name,
                    kind="decision",
                    detail={"text": said, "decision": row.reference},
                )
            )
            touch(incident, self.actor.name, now)
            incidents.append(incident)
        await session.flush()
        detail: dict[str, Any] = {
            "reference": row.reference,
            "subject": row.subject,
            "links": [[t.kind, t.label] for t in targets],
            "revises": revised.reference if revised is not None else None,
            "text": said,
        }
        await self._audit(session, "decision.record", "decision", row.id, detail, now)
        for incident in incidents:
            await self._append_change(
                session, "incident", incident.id, incident_snapshot(incident).to_json(), now
            )
        references = {revised.id: revised.reference} if revised is not None else {}
        snapshot = snapshot_of(row, targets, references)
        await self._append_change(session, "decision", row.id, snapshot.to_json(), now)
        if revised is not None:
            earlier = await references_of(session, [revised.revises_id] if revised.revises_id else [])
            before = snapshot_of(
                revised, await links_of(session, revised.id), earlier, revised_by=(row.reference,), version=2
            )
            await self._append_change(session, "decision", revised.id, before.to_json(), now)
        return snapshot


async def _revised_by(session: AsyncSession, decision_id: int) -> Decision | None:
    found = await session.execute(select(Decision).where(Decision.revises_id == decision_id))
    return found.scalar_one_or_none()


async def _next_reference(session: AsyncSession, year: int) -> str:
    prefix = f"D-{year}-"
    count = (
        await session.execute(select(func.count()).where(Decision.reference.like(f"{prefix}%")))
    ).scalar_one()
    return decision_reference(year, int(count) + 1)


def _check_night(night: date, tonight: date) -> None:
    if night > tonight:
        raise DecisionInputError(
            "nights",
            f"the night of {night.isoformat()} is still to come (tonight is the night of "
            f"{tonight.isoformat()}); link tonight or an earlier night",
        )
    earliest = tonight - timedelta(days=NIGHTS_BACK)
    if night < earliest:
        raise DecisionInputError(
            "nights",
            f"the night of {night.isoformat()} is more than {NIGHTS_BACK} days ago; a decision log is "
            f"written at the time: give a night from {earliest.isoformat()} on",
        )


async def _resolve_links(session: AsyncSession, new: NewDecision) -> list[Resolved]:
    """Each link found (refusing an unknown one), in the order typed, without repeats."""
    links: list[Resolved] = []
    for reference in new.incidents:
        try:
            incident = await find_incident(session, reference)
        except ValidationError as error:
            raise DecisionInputError("incidents", str(error)) from None
        links.append(("incident", incident.id, None, incident.reference))
    for zone_id in new.zones:
        zone = await session.get(DispersalZone, zone_id)
        if zone is None:
            raise DecisionInputError(
                "zones", f"no dispersal zone {zone_id}; `controlroom zone list` lists the zones and their ids"
            )
        links.append(("zone", zone.id, None, zone.name))
    for direction_id in new.directions:
        direction = await session.get(Direction, direction_id)
        if direction is None:
            raise DecisionInputError(
                "directions",
                f"no direction {direction_id}; "
                "`controlroom direction list` lists the directions and their ids",
            )
        links.append(("direction", direction.id, None, direction.reference))
    for night in new.nights:
        links.append(("night", None, night, night.isoformat()))
    unique: list[Resolved] = []
    for link in links:
        if link not in unique:
            unique.append(link)
    return unique
