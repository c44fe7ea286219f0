"""``controlroom footage log REF --pdf FILE``: the continuity log as a real PDF, read back with pdftotext.

The PDF needs the Qt front end (``python -m ui.cli``), so the program runs as a
subprocess; logins are PostgreSQL roles shared by the whole test cluster, so like the
paperwork CLI tests this runs on SQLite (the footage itself is covered on both backends).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from controlroom.users import accounts
from tests.core.cli.test_cli_paperwork import pages, pdf_text
from tests.core.footage.support import NOW, as_role, incident_with_cameras
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


def _footage_log(url: str, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CONTROLROOM_USER": user,
        "CONTROLROOM_PASSWORD": PASSWORD,
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", url, "footage", "log", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )


async def _evidence(db: Database) -> str:
    reference, commands, supervisor = await incident_with_cameras(db)
    operator = as_role(commands, "operator", "op-jones")
    end = NOW - timedelta(minutes=25)
    door = await operator.mark_clip(
        reference, "V3", end - timedelta(minutes=15), end, "Two men <b>fighting</b>"
    )
    await operator.mark_clip(reference, "F1", end - timedelta(minutes=10), end, "Running towards the Bargate")
    await operator.view_clip(door.id, "Who struck first")
    await supervisor.lock_clip(door.id, date(2027, 6, 1), "Assault: evidence for court")
    request = await operator.record_request(reference, "PC 1234 Smith", "Assault file", door.id)
    await supervisor.release_clip(door.id, "PC 1234 Smith", "For the assault file", request.id)
    await operator.record_request(reference, "Licensing team", "Licence review")
    return reference


def test_the_log_names_every_hand_the_clips_passed_through_and_the_cameras_on_the_point(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reference = run_with_db(sqlite_url, _evidence)
    names = unique_names("administrator", "operator")
    add_users(sqlite_url, (names["operator"], "operator", ()), admin=names["administrator"])
    target = tmp_path / "log.pdf"

    done = _footage_log(
        sqlite_url,
        names["operator"],
        reference,
        "--pdf",
        str(target),
        "--reason",
        "Court bundle",
        "--recipient",
        "CPS Wessex",
    )

    assert done.returncode == 0, done.stderr
    assert pages(target) >= 1
    text = pdf_text(target)
    for expected in (
        "Footage continuity log",
        reference,
        "Clip 1: camera V3",
        "Two men <b>fighting</b>",  # typed markup printed as text
        "Marked by op-jones",
        "Locked until Tuesday 1 June 2027 by supervisor-1: Assault: evidence for court",
        "viewed op-jones",
        "PC 1234 Smith",
        "For the assault file (request 1)",
        "Clip 2: camera F1",
        "Licensing team",
        "Licence review",
        "South",  # C12's preset that covers the door
    ):
        assert expected in text, expected
    assert (
        "Velvet Fox door" in text
        and "Above Bar junction" in text
        and "Bargate " not in text.split("Clips")[0]
    )

    async def printed(db: Database) -> list[tuple[str, str, str | None, str | None]]:
        async with db.read() as conn:
            rows = await conn.execute(
                select(
                    AuditEntry.action, AuditEntry.kind, AuditEntry.justification, AuditEntry.recipient
                ).where(AuditEntry.action == "footage.print")
            )
            return [tuple(r) for r in rows.all()]  # type: ignore[misc]

    assert run_with_db(sqlite_url, printed) == [("footage.print", "disclosure", "Court bundle", "CPS Wessex")]
    refused = _footage_log(
        sqlite_url, names["operator"], reference, "--pdf", str(tmp_path / "no.pdf"), "--reason", " "
    )
    assert refused.returncode == 2 and "DPA 2018 s.62 logs the justification" in refused.stderr
    assert not (tmp_path / "no.pdf").exists()
