"""Running ``controlroom camera …`` in-process, and counting what the register holds."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from controlroom.cli.main import main
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry, Camera, CameraFault, CameraPreset, ChangeLogEntry
from tests.core.support import run_with_db


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], url: str, *args: str, user: str | None = None) -> Ran:
    """One command as a user runs it (``--user`` with ``CONTROLROOM_PASSWORD`` set by the test)."""
    login = ["--user", user] if user else []
    try:
        code = main(["--db", url, *login, *args])
    except SystemExit as stop:  # argparse refusing an option
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


async def _counts(db: Database) -> dict[str, int]:
    counts = {}
    async with db.read() as conn:
        for name, model in (
            ("cameras", Camera),
            ("presets", CameraPreset),
            ("faults", CameraFault),
            ("changes", ChangeLogEntry),
        ):
            counts[name] = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
        audit = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_like("user.login%"))
        counts["audit"] = (await conn.execute(audit)).scalar_one()
    return counts


def register_counts(url: str) -> dict[str, int]:
    """Rows of the register, its fault log, the change log and the audit trail (logins aside)."""
    return run_with_db(url, _counts)


async def _audit(db: Database) -> list[tuple[str, str, str]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.entity)
            .where(AuditEntry.action.like("camera.%"))
            .order_by(AuditEntry.id)
        )
        return [(str(a), str(b), str(c)) for a, b, c in rows.all()]


def camera_audit(url: str) -> list[tuple[str, str, str]]:
    """(action, actor, entity) of every camera entry of the audit trail, oldest first."""
    return run_with_db(url, _audit)
