"""Checklists as stored: started once per incident with its steps copied, outcomes appended.

An incident's checklist row holds the procedure's steps as they were when it started
(``Procedure.frozen_steps``), with the procedures file's version label and the
procedure's content hash, so editing the file later never changes an incident already
started. Outcomes are appended one per step (a unique key refuses a second), and both
tables refuse UPDATE and DELETE (migration 0014), so the record of who did what and
when cannot be rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.decoding import UndecodableRowError, decode_time, shown_value
from controlroom.core.errors import ValidationError
from controlroom.core.snapshots import ChecklistSnapshot, RowWarning
from controlroom.procedures.book import Procedure, ProcedureBook
from controlroom.procedures.checklist import StepOutcome, build_checklist
from controlroom.storage.database import Database
from controlroom.storage.models import ChecklistStepOutcome, Incident, IncidentChecklist
from controlroom.storage.raw import stored

# Incident ids per query when reading the board's checklists (well under SQLite's bound-variable limit).
CHUNK = 500


def new_checklist_row(
    incident: Incident, procedure: Procedure, book: ProcedureBook, actor: str, now: datetime
) -> IncidentChecklist:
    """The checklist row an incident starts with: the procedure's steps copied as they are now."""
    return IncidentChecklist(
        incident_id=incident.id,
        procedure_key=procedure.key,
        title=procedure.title,
        version_label=book.version,
        content_hash=procedure.content_hash,
        steps=procedure.frozen_steps(),
        started_at=now,
        started_by=actor,
    )


def snapshot_of(
    row: IncidentChecklist, reported_at: datetime, outcomes: Iterable[ChecklistStepOutcome | StepOutcome]
) -> ChecklistSnapshot:
    """A stored checklist and its outcomes as a snapshot; KeyError, TypeError or ValueError if damaged."""
    steps = row.steps
    if isinstance(steps, str):  # SQLite rows read through a plain connection hand JSON back as text
        steps = json.loads(steps)
    if not isinstance(steps, list):
        raise ValueError("is not a list of steps")
    return build_checklist(
        incident_id=row.incident_id,
        procedure_key=row.procedure_key,
        title=row.title,
        version=row.version_label,
        content_hash=row.content_hash,
        started_at=row.started_at,
        frozen_steps=steps,
        reported_at=reported_at,
        outcomes=[_outcome(o) for o in outcomes],
    )


def _outcome(row: ChecklistStepOutcome | StepOutcome) -> StepOutcome:
    if isinstance(row, StepOutcome):
        return row
    return StepOutcome(
        number=row.step_number,
        outcome=row.outcome,
        actor=row.actor,
        at=row.at,
        answer=row.answer,
        reason=row.reason or "",
    )


async def checklist_row(session: AsyncSession, incident_id: int) -> IncidentChecklist | None:
    return await session.get(IncidentChecklist, incident_id)


async def outcomes_of(session: AsyncSession, incident_id: int) -> Sequence[ChecklistStepOutcome]:
    query = (
        select(ChecklistStepOutcome)
        .where(ChecklistStepOutcome.incident_id == incident_id)
        .order_by(ChecklistStepOutcome.id)
    )
    return (await session.execute(query)).scalars().all()


async def checklist_of(session: AsyncSession, incident: Incident) -> ChecklistSnapshot | None:
    """The incident's checklist now (after this session's own writes), or None without one."""
    await session.flush()
    row = await checklist_row(session, incident.id)
    if row is None:
        return None
    return snapshot_of(row, incident.reported_at, await outcomes_of(session, incident.id))


async def checklist_board(
    conn: Any, incident_ids: Iterable[int]
) -> tuple[list[ChecklistSnapshot], list[RowWarning]]:
    """The checklists of these incidents (read in ``conn``), and a warning for each unreadable one.

    Two reads per 500 incidents (checklists with their incident's report time, then the
    outcomes), whatever the number of steps.
    """
    ids = sorted(set(incident_ids))
    rows: list[tuple[IncidentChecklist, datetime]] = []
    outcomes: dict[int, list[ChecklistStepOutcome]] = {}
    async with AsyncSession(bind=conn) as session:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # The report time as stored: an incident whose time cannot be read is left off
            # the board and named there, and must not take the other checklists with it.
            found = await session.execute(
                select(IncidentChecklist, stored(Incident.__table__.c.reported_at))
                .join(Incident, Incident.id == IncidentChecklist.incident_id)
                .where(IncidentChecklist.incident_id.in_(chunk))
            )
            for row, reported_at in found.all():
                try:
                    rows.append((row, decode_time(reported_at)))
                except ValueError:
                    continue  # the incident itself is named as unreadable by the board
            done = await session.execute(
                select(ChecklistStepOutcome)
                .where(ChecklistStepOutcome.incident_id.in_(chunk))
                .order_by(ChecklistStepOutcome.id)
            )
            for outcome in done.scalars().all():
                outcomes.setdefault(outcome.incident_id, []).append(outcome)
    checklists: list[ChecklistSnapshot] = []
    warnings: list[RowWarning] = []
    for row, reported_at in sorted(rows, key=lambda r: r[0].incident_id):
        try:
            checklists.append(snapshot_of(row, reported_at, outcomes.get(row.incident_id, [])))
        except (KeyError, TypeError, ValueError) as why:
            warnings.append(
                RowWarning(
                    "incident_checklists",
                    row.incident_id,
                    "steps",
                    shown_value(row.steps),
                    f"cannot be read ({why!r})",
                )
            )
    return checklists, warnings


async def checklist_for_reference(
    session: AsyncSession, reference: str
) -> tuple[Incident, ChecklistSnapshot | None]:
    """The incident with this reference and its checklist (None without one); refused if unknown."""
    incident = (
        await session.execute(select(Incident).where(Incident.reference == reference.strip().upper()))
    ).scalar_one_or_none()
    if incident is None:
        raise ValidationError(
            f"no incident with reference {reference!r}; references look like SOT-20261127-0042"
        )
    return incident, await checklist_of(session, incident)


async def checklist_by_reference(db: Database, reference: str) -> tuple[Incident, ChecklistSnapshot | None]:
    """``checklist_for_reference`` in a read transaction of its own (for ``incident steps``)."""
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        return await checklist_for_reference(session, reference)


def decode_checklist_change(values: dict[str, Any], *, seq: int) -> ChecklistSnapshot:
    """A change-log payload as a checklist, or ``UndecodableRowError`` naming what cannot be read."""
    try:
        return ChecklistSnapshot.from_json(values)
    except (KeyError, TypeError, ValueError) as why:
        warning = RowWarning(
            "incident_checklists",
            values.get("incident_id") if isinstance(values.get("incident_id"), int) else None,
            "payload",
            shown_value(values),
            f"cannot be read ({why!r})",
            seq,
        )
        raise UndecodableRowError((warning,), values) from None
