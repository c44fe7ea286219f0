"""Reading the decision log: by night, by linked record, by author, by words; one with its chain.

Every read needs ``decision.read`` (operators, supervisors, auditors). Links carry the
label they were recorded with (incident reference, zone name, direction reference), so
the log reads from its own two tables: an auditor, who may not read incidents, reads it
whole. ``revised_by`` is derived here from the later entries' ``revises_id`` (unique, so
at most one), which is how an append-only log says "this was revised".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.core.decoding import shown_value
from controlroom.core.domain import operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.core.snapshots import DECISION_LINK_KINDS, DecisionSnapshot, RowWarning
from controlroom.decisions.records import normal_reference, snapshot_of
from controlroom.storage.database import Database
from controlroom.storage.models import Decision, DecisionTarget

LIST_LIMIT = 1000
_TEXT_COLUMNS = (
    Decision.reference,
    Decision.subject,
    Decision.information,
    Decision.assessment,
    Decision.powers_policy,
    Decision.options,
    Decision.decision,
    Decision.rationale,
)


@dataclass(frozen=True, slots=True)
class DecisionChain:
    """One decision with what it revises (``earlier``) and what revised it (``later``), oldest first."""

    decision: DecisionSnapshot
    earlier: tuple[DecisionSnapshot, ...]
    later: tuple[DecisionSnapshot, ...]

    @property
    def entries(self) -> tuple[DecisionSnapshot, ...]:
        return (*self.earlier, self.decision, *self.later)


async def find_decision(session: AsyncSession, reference: str) -> Decision:
    """The decision with this reference (any case), or a refusal saying what references look like."""
    wanted = normal_reference(reference)
    row = (await session.execute(select(Decision).where(Decision.reference == wanted))).scalar_one_or_none()
    if row is None:
        raise ValidationError(
            f"no decision {reference.strip()!r}; references look like D-2026-0001 "
            "(`controlroom decision list` lists tonight's)"
        )
    return row


async def links_of(session: AsyncSession, decision_id: int) -> list[DecisionTarget]:
    rows = await session.execute(
        select(DecisionTarget).where(DecisionTarget.decision_id == decision_id).order_by(DecisionTarget.id)
    )
    return list(rows.scalars().all())


async def references_of(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Decision.id, Decision.reference).where(Decision.id.in_(wanted)))
    return {int(i): str(r) for i, r in rows.all()}


async def list_decisions(
    db: Database,
    viewer: Actor,
    *,
    night: date | None = None,
    incident: str | None = None,
    zone: int | None = None,
    direction: int | None = None,
    author: str | None = None,
    text: str | None = None,
    limit: int = LIST_LIMIT,
) -> tuple[DecisionSnapshot, ...]:
    """Decisions matching every filter given (none: all), oldest first, ``revised_by`` filled in.

    ``night``: recorded in that operational night or linked to it as a whole.
    ``incident``: linked to that incident reference. ``text``: in any NDM part or the reference.
    """
    viewer.require("decision.read")
    query = select(Decision).order_by(Decision.recorded_at, Decision.id).limit(limit)
    query = _filtered(query, night, incident, zone, direction, author, text)
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        rows = list((await session.execute(query)).scalars().all())
        snapshots, _ = await _snapshots(session, rows)
    return tuple(snapshots)


def _filtered(
    query: Select[Any],
    night: date | None,
    incident: str | None,
    zone: int | None,
    direction: int | None,
    author: str | None,
    text: str | None,
) -> Select[Any]:
    def linked(kind: str, *where: Any) -> Any:
        return Decision.id.in_(select(DecisionTarget.decision_id).where(DecisionTarget.kind == kind, *where))

    if night is not None:
        query = query.where(or_(Decision.night == night, linked("night", DecisionTarget.night == night)))
    if incident:
        query = query.where(linked("incident", DecisionTarget.label == normal_reference(incident)))
    if zone is not None:
        query = query.where(linked("zone", DecisionTarget.target_id == zone))
    if direction is not None:
        query = query.where(linked("direction", DecisionTarget.target_id == direction))
    if author:
        query = query.where(Decision.recorded_by == author.strip())
    if text and text.strip():
        words = text.strip().lower()
        query = query.where(
            or_(*(func.lower(column).contains(words, autoescape=True) for column in _TEXT_COLUMNS))
        )
    return query


async def decision_chain(db: Database, viewer: Actor, reference: str) -> DecisionChain:
    """The decision ``reference`` with every entry it revises and every entry revising it."""
    viewer.require("decision.read")
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        row = await find_decision(session, reference)
        earlier: list[Decision] = []
        back = row
        while back.revises_id is not None:
            found = await session.get(Decision, back.revises_id)
            if found is None:
                break
            earlier.insert(0, found)
            back = found
        later: list[Decision] = []
        forward = row
        while True:
            after = (
                await session.execute(select(Decision).where(Decision.revises_id == forward.id))
            ).scalar_one_or_none()
            if after is None:
                break
            later.append(after)
            forward = after
        snapshots, _ = await _snapshots(session, [*earlier, row, *later])
    by_id = {s.id: s for s in snapshots}
    return DecisionChain(
        decision=by_id[row.id],
        earlier=tuple(by_id[d.id] for d in earlier),
        later=tuple(by_id[d.id] for d in later),
    )


async def tonight_decisions(conn: Any, now: datetime) -> tuple[list[DecisionSnapshot], list[RowWarning]]:
    """The board's decisions: those recorded in the current operational night (one indexed read)."""
    async with AsyncSession(bind=conn) as session:
        query = select(Decision).where(Decision.night == operational_night(now))
        rows = list(
            (await session.execute(query.order_by(Decision.recorded_at, Decision.id))).scalars().all()
        )
        return await _snapshots(session, rows)


async def _snapshots(
    session: AsyncSession, rows: Sequence[Decision]
) -> tuple[list[DecisionSnapshot], list[RowWarning]]:
    """Snapshots of ``rows`` with links, what each revises and what revised it: three reads however many.

    A decision whose link has a kind the program never writes is left out and named.
    """
    ids = [row.id for row in rows]
    links: dict[int, list[DecisionTarget]] = defaultdict(list)
    revisers: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = await session.execute(select(DecisionTarget).where(DecisionTarget.decision_id.in_(chunk)))
        for link in found.scalars().all():
            links[link.decision_id].append(link)
        later = await session.execute(
            select(Decision.revises_id, Decision.reference).where(Decision.revises_id.in_(chunk))
        )
        for revised_id, reference in later.all():
            if revised_id is not None:
                revisers[int(revised_id)].append(str(reference))
    references = await references_of(session, [row.revises_id for row in rows if row.revises_id is not None])
    snapshots: list[DecisionSnapshot] = []
    warnings: list[RowWarning] = []
    for row in rows:
        bad = next((link for link in links[row.id] if link.kind not in DECISION_LINK_KINDS), None)
        if bad is not None:
            warnings.append(
                RowWarning(
                    "decision_links",
                    bad.id,
                    "kind",
                    shown_value(bad.kind),
                    f"is not a link kind ({', '.join(DECISION_LINK_KINDS)})",
                )
            )
            continue
        later_refs = sorted(revisers[row.id])
        snapshots.append(
            snapshot_of(row, links[row.id], references, revised_by=later_refs, version=1 + len(later_refs))
        )
    return snapshots, warnings


__all__ = [
    "DecisionChain",
    "decision_chain",
    "find_decision",
    "links_of",
    "list_decisions",
    "references_of",
    "tonight_decisions",
]
