"""``controlroom decision list|show --pdf FILE``: the decision log as a real PDF, read back with pdftotext.

The PDF needs the Qt front end (``python -m ui.cli``), so the program runs as a subprocess;
like the other paperwork CLI tests this runs on SQLite (the log itself is covered on both).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from controlroom.users import accounts
from tests.core.cli.test_cli_paperwork import pages, pdf_text
from tests.core.decisions.support import a_night, as_user, ndm
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


def _decision(url: str, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CONTROLROOM_USER": user,
        "CONTROLROOM_PASSWORD": PASSWORD,
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", url, "decision", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )


async def _log(db: Database) -> str:
    night = await a_night(db)
    first = await night.supervisor.record_decision(
        ndm(
            subject="Close the <b>door</b> \u202eexe.txt",
            information="Three fights at the door\nsince 22:40 (CCTV V3)\x07",
            incidents=(night.reference,),
            zones=(night.zone_id,),
        )
    )
    operator = as_user(night, "op_jones", "operator")
    await night.supervisor.record_decision(
        ndm(subject="Door reopened", powers_policy="", options="", revises=first.reference)
    )
    await operator.record_decision(ndm(subject="Unrelated: taxi marshals", nights=()))
    return night.reference


async def _prints(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(
                AuditEntry.action,
                AuditEntry.kind,
                AuditEntry.justification,
                AuditEntry.recipient,
                AuditEntry.detail,
            ).where(AuditEntry.action == "decision.print")
        )
        return [tuple(r) for r in rows.all()]


def test_the_decision_log_prints_each_ndm_block_with_its_chain_and_logs_the_disclosure(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reference = run_with_db(sqlite_url, _log)
    names = unique_names("administrator", "auditor")
    add_users(sqlite_url, (names["auditor"], "auditor", ()), admin=names["administrator"])
    night_pdf, incident_pdf = tmp_path / "night.pdf", tmp_path / "incident.pdf"

    done = _decision(
        sqlite_url,
        names["auditor"],
        "list",
        "--night",
        "2026-11-27",
        "--pdf",
        str(night_pdf),
        "--reason",
        "Review of the night",
        "--recipient",
        "Professional Standards",
    )
    assert done.returncode == 0, done.stderr
    assert pages(night_pdf) >= 1
    text = pdf_text(night_pdf)
    for expected in (
        "Decision log",
        "the night of Friday 27 November 2026",
        "National Decision Model",
        "D-2026-0001: Close the <b>door</b> [U+202E]exe.txt",  # markup printed as text, bidi made visible
        "1. Information and intelligence Three fights at the door since 22:40 (CCTV V3)",
        "2. Threat and risk assessment High risk of further assault at the door",
        "3. Powers and policy Licensing Act 2003",
        "4. Options considered (and why rejected) Disperse the queue under s.35",
        "5. Decision Ask the DPS to stop entry",
        "5. Rationale Least intrusive option",
        "by sup_one, supervisor (inspector)",
        f"Concerns Incident {reference}; s.34 zone Bedford Place",
        "Revised by D-2026-0002",
        "Revises D-2026-0001",
        "3. Powers and policy Not recorded",
        "D-2026-0003: Unrelated: taxi marshals",
        "by op_jones, operator",
        "Audit head: #",
    ):
        assert expected in text, expected
    assert "\u202e" not in text and "\x07" not in text

    done = _decision(
        sqlite_url,
        names["auditor"],
        "list",
        "--incident",
        reference,
        "--pdf",
        str(incident_pdf),
        "--reason",
        "File",
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(incident_pdf)
    assert f"Incident {reference}" in text and "D-2026-0002" in text and "taxi marshals" not in text

    chain_pdf = tmp_path / "chain.pdf"
    done = _decision(
        sqlite_url, names["auditor"], "show", "d-2026-0002", "--pdf", str(chain_pdf), "--reason", "x"
    )
    assert done.returncode == 0, done.stderr
    assert "decision D-2026-0002 and its revisions" in pdf_text(chain_pdf)

    printed = run_with_db(sqlite_url, _prints)
    assert [p[:4] for p in printed] == [
        ("decision.print", "disclosure", "Review of the night", "Professional Standards"),
        ("decision.print", "disclosure", "File", "internal use: the control room's decision log"),
        ("decision.print", "disclosure", "x", "internal use: the control room's decision log"),
    ]
    assert printed[0][4]["decisions"] == ["D-2026-0001", "D-2026-0002", "D-2026-0003"]

    refused = _decision(
        sqlite_url, names["auditor"], "list", "--night", "2026-11-27", "--pdf", str(tmp_path / "no.pdf")
    )
    assert refused.returncode == 2 and "--reason" in refused.stderr
    empty = _decision(
        sqlite_url,
        names["auditor"],
        "list",
        "--night",
        "2026-11-20",
        "--pdf",
        str(tmp_path / "no.pdf"),
        "--reason",
        "x",
    )
    assert (
        empty.returncode == 2
        and "no decision is recorded for the night of Friday 20 November 2026" in empty.stderr
    )
    assert not (tmp_path / "no.pdf").exists()
    assert len(run_with_db(sqlite_url, _prints)) == 3
