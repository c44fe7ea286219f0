"""The decision log as printable paper (HTML for Qt's PDF writer), for a night or one linked record.

Each decision is printed as a National Decision Model block under its headings, with its
author, the author's role then, the time, what it concerns and its place in a revision
chain ("revises D-…", "revised by D-…"); the footer carries the audit trail's head, as all
paperwork does. It renders through the paperwork loader (``paperwork.render``) from
``resources/paperwork/decision_log.html.j2``; every typed text passes ``paperwork.printable``
and the template's autoescape.

Printing is a DPA 2018 s.62(3) **disclosure**, logged with why and to whom (``internal
use`` unless a recipient is named): the information and intelligence a decision rests on
routinely names people (the man under a direction, the woman who was followed), and once on
paper it leaves the access controls of the screen. One entry per print, naming every
decision printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from controlroom.audit.anchor import ChainHead, read_head
from controlroom.audit.trail import log_processing
from controlroom.core.domain import operational_night
from controlroom.core.errors import ValidationError
from controlroom.core.roles import ROLE_TITLES, Actor
from controlroom.core.snapshots import DecisionSnapshot
from controlroom.core.validation import has_visible
from controlroom.decisions.queries import decision_chain, list_decisions
from controlroom.decisions.records import TEXT_LIMIT, normal_reference
from controlroom.paperwork.printable import SHORT_FIELD_LIMIT, printable
from controlroom.paperwork.render import DEFAULT_FORCE_NAME, RenderedDocument, render_template, written_date
from controlroom.storage.database import Database

TEMPLATE = "decision_log.html.j2"
INTERNAL_USE = "internal use: the control room's decision log"
# The NDM blocks as printed: (heading, field), in the model's order.
HEADINGS = (
    ("1. Information and intelligence", "information"),
    ("2. Threat and risk assessment", "assessment"),
    ("3. Powers and policy", "powers_policy"),
    ("4. Options considered (and why rejected)", "options"),
    ("5. Decision", "decision"),
    ("5. Rationale", "rationale"),
)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which decisions a log prints: exactly one of these (none: tonight)."""

    night: date | None = None
    incident: str | None = None
    zone: int | None = None
    direction: int | None = None
    reference: str | None = None

    def chosen(self) -> int:
        return sum(
            value is not None
            for value in (self.night, self.incident, self.zone, self.direction, self.reference)
        )


@dataclass(frozen=True, slots=True)
class DecisionLogPaper:
    """Everything the decision log prints, with the audit head read beside it."""

    label: str  # the reference box's label ("Night", "Incident" …)
    value: str  # and its value
    describes: str  # "the night of Friday 27 November 2026"
    decisions: tuple[DecisionSnapshot, ...]
    audit_head: ChainHead | None


async def decision_log_paper(
    db: Database, viewer: Actor, selection: Selection, now: datetime
) -> DecisionLogPaper:
    """The decisions ``selection`` names, oldest first; refused when there are none."""
    if selection.chosen() > 1:
        raise ValidationError(
            "print the decisions of one night, incident, zone or direction, or one decision: choose one"
        )
    if selection.reference is not None:
        chain = await decision_chain(db, viewer, selection.reference)
        decisions = chain.entries
        label, value = "Decision", chain.decision.reference
        describes = f"decision {chain.decision.reference} and its revisions"
    else:
        night = selection.night
        if selection.chosen() == 0:
            night = operational_night(now)
        decisions = await list_decisions(
            db,
            viewer,
            night=night,
            incident=selection.incident,
            zone=selection.zone,
            direction=selection.direction,
        )
        label, value, describes = _describe(selection, night, decisions)
    if not decisions:
        raise ValidationError(f"no decision is recorded for {describes}; nothing was printed")
    async with db.read() as conn, AsyncSession(bind=conn) as session:
        head = await read_head(session)
    return DecisionLogPaper(label, value, describes, decisions, head)


def _describe(
    selection: Selection, night: date | None, decisions: tuple[DecisionSnapshot, ...]
) -> tuple[str, str, str]:
    if selection.incident is not None:
        reference = normal_reference(selection.incident)
        return "Incident", reference, f"incident {reference}"
    for kind, wanted in (("zone", selection.zone), ("direction", selection.direction)):
        if wanted is None:
            continue
        names = [link.label for d in decisions for link in d.linked(kind) if link.target_id == wanted]
        name = names[0] if names else str(wanted)
        what = "s.34 zone" if kind == "zone" else "s.35 direction"
        return kind.capitalize(), name, f"{what} {name}"
    assert night is not None  # noqa: S101 - chosen() == 0 picks tonight
    return "Night", f"{night:%d/%m/%Y}", f"the night of {written_date(night)}"


async def print_decision_log(
    db: Database,
    actor: Actor,
    *,
    night: date | None = None,
    incident: str | None = None,
    zone: int | None = None,
    direction: int | None = None,
    reference: str | None = None,
    reason: str,
    recipient: str | None = None,
    force_name: str = DEFAULT_FORCE_NAME,
    now: datetime | None = None,
) -> RenderedDocument:
    """Read, render and log (s.62(3)) the decision log of one selection; the caller writes the PDF."""
    actor.require("decision.print")
    actor.require("decision.read")
    if not has_visible(reason or ""):
        raise ValidationError("say why the decision log is printed (--reason): DPA 2018 s.62(3) logs it")
    moment = now or datetime.now(UTC)
    selection = Selection(night, incident, zone, direction, reference)
    paper = await decision_log_paper(db, actor, selection, moment)
    document = render_decision_log(paper, force_name=force_name, printed_at=moment)
    await log_processing(
        db,
        actor,
        action="decision.print",
        entity="decision",
        entity_id=paper.decisions[0].id if reference is not None else None,
        detail={
            "document": "decision_log",
            "selection": paper.describes,
            "decisions": [d.reference for d in paper.decisions],
        },
        justification=reason,
        recipient=(recipient or "").strip() or INTERNAL_USE,
        at=moment,
    )
    return document


def render_decision_log(
    paper: DecisionLogPaper, *, force_name: str = DEFAULT_FORCE_NAME, printed_at: datetime | None = None
) -> RenderedDocument:
    """The decision log as one printable document."""
    return render_template(
        TEMPLATE,
        f"Decision log: {paper.describes}",
        paper.value,
        {},
        "decision_log",
        paper.audit_head,
        paper={"label": paper.label, "value": paper.value, "describes": printable(paper.describes)},
        decisions=[_printable(d) for d in paper.decisions],
        force_name=printable(force_name, SHORT_FIELD_LIMIT),
        printed_at=printed_at or datetime.now(UTC),
    )


_LINK_NAMES = {
    "incident": "Incident",
    "zone": "s.34 zone",
    "direction": "s.35 direction",
    "night": "The night of",
}


def _printable(decision: DecisionSnapshot) -> dict[str, Any]:
    """One decision as the template reads it, every typed text made printable."""

    def text(value: str) -> str:
        return printable(value or "", TEXT_LIMIT)

    links = []
    for link in decision.links:
        label = written_date(date.fromisoformat(link.label)) if link.kind == "night" else link.label
        links.append(f"{_LINK_NAMES.get(link.kind, link.kind)} {printable(label, SHORT_FIELD_LIMIT)}")
    return {
        "reference": decision.reference,
        "subject": text(decision.subject),
        "recorded_at": decision.recorded_at,
        "recorded_by": printable(decision.recorded_by, SHORT_FIELD_LIMIT),
        "role": ROLE_TITLES.get(decision.role, decision.role) or "no role (set-up mode)",
        "links": links,
        "revises": decision.revises_reference,
        "revised_by": list(decision.revised_by),
        "blocks": [(heading, text(getattr(decision, field))) for heading, field in HEADINGS],
    }


__all__ = [
    "HEADINGS",
    "INTERNAL_USE",
    "DecisionLogPaper",
    "Selection",
    "decision_log_paper",
    "print_decision_log",
    "render_decision_log",
]
