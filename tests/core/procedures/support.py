"""Helpers for the procedures tests: a small procedures file, a report, what was written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from controlroom.commands import Commands
from controlroom.core.roles import Actor
from controlroom.core.snapshots import IncidentSnapshot
from controlroom.incidents.queries import incident_detail
from controlroom.incidents.reporting import NewIncident
from controlroom.procedures.book import ProcedureBook, read_book
from controlroom.storage.database import Database
from controlroom.storage.models import (
    AuditEntry,
    ChangeLogEntry,
    ChecklistStepOutcome,
    IncidentChecklist,
    IncidentEvent,
)

SPIKING_V1 = """\
force = "Test Constabulary"
version = "V1"
guidance = ["a test"]

[[procedure]]
key = "spiking"
title = "Suspected spiking"
categories = ["suspected_spiking"]

[[procedure.step]]
text = "Send St John to the person"
who = "operator"
within_minutes = 5

[[procedure.step]]
text = "Secure the drink and the glass"
who = "operator"
within_minutes = 10

[[procedure.step]]
text = "Establish the person's age"
who = "operator"
question = "Under 18?"
if_yes = [
  { text = "Contact a parent", who = "operator", within_minutes = 30 },
]
if_no = [
  { text = "Taxi home", who = "operator" },
]

[[procedure.step]]
text = "Supervisor reviews the response"
who = "supervisor"
within_minutes = 60
"""

# The same procedure, edited: another first step, a new version label.
SPIKING_V2 = SPIKING_V1.replace('version = "V1"', 'version = "V2"').replace(
    "Send St John to the person", "Call an ambulance"
)


def book_from(tmp_path: Path, text: str = SPIKING_V1, name: str = "procedures.toml") -> ProcedureBook:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_book(path)


def commands(
    db: Database, book: ProcedureBook, now: datetime, name: str = "op1", role: str | None = "operator"
) -> Commands:
    return Commands(db, Actor(name, role), clock=lambda: now, procedures=book)


def spiking(summary: str = "Drink tasted odd", **fields: Any) -> NewIncident:
    return NewIncident(
        category=fields.pop("category", "suspected_spiking"),
        source=fields.pop("source", "cctv"),
        summary=summary,
        lat=50.9027,
        lon=-1.4043,
        place="Bargate",
        **fields,
    )


async def timeline_texts(db: Database, incident: IncidentSnapshot) -> list[str]:
    detail = await incident_detail(db, incident.reference)
    return [entry.describe() for entry in detail.timeline]


async def counts(db: Database) -> dict[str, int]:
    """Rows of the checklist tables, the timeline, the audit trail (logins aside) and the change log."""
    found = {}
    async with db.read() as conn:
        for name, model in (
            ("checklists", IncidentChecklist),
            ("outcomes", ChecklistStepOutcome),
            ("events", IncidentEvent),
            ("changes", ChangeLogEntry),
        ):
            found[name] = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
        # Logins are audited too (a command line run logs in): every other entry is counted.
        audit = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_like("user.login%"))
        found["audit"] = (await conn.execute(audit)).scalar_one()
    return found
