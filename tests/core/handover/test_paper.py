"""``controlroom handover show|draft --pdf``: the handover as a real PDF, read back with pdftotext.

The PDF needs the Qt front end (``python -m ui.cli``), so the program runs as a subprocess;
like the other paperwork tests this runs on SQLite (the handover itself is covered on both
backends). The night is built around the real clock, since the program drafts at "now".
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from controlroom.users import accounts
from tests.core.cli.test_cli_paperwork import pages, pdf_text
from tests.core.handover.support import KnownNight, known_night
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names

SECTIONS = (
    "Alerts not acknowledged",
    "Procedure steps overdue",
    "Open incidents",
    "Units on duty",
    "Flagged locations",
    "s.34 zones in force",
    "s.35 directions running",
    "Persons of concern seen tonight",
    "Safe spaces",
    "Take-home tasks outstanding",
    "Footage requests open",
    "The night so far",
)


def _controlroom(url: str, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CONTROLROOM_USER": user,
        "CONTROLROOM_PASSWORD": PASSWORD,
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", url, "handover", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )


async def _prints(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(AuditEntry.action, AuditEntry.kind, AuditEntry.recipient, AuditEntry.detail)
            .where(AuditEntry.action.in_(("handover.print", "paperwork.print")))
            .order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows.all()]


@pytest.fixture
def night(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, KnownNight, dict[str, str]]:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    now = datetime.now(UTC).replace(microsecond=0)
    made = run_with_db(sqlite_url, lambda db: known_night(db, now))
    names = unique_names("administrator", "operator")
    add_users(sqlite_url, (names["operator"], "operator", ()), admin=names["administrator"])
    return sqlite_url, made, names


def test_a_given_handover_prints_every_section_its_notes_and_not_yet_acknowledged(
    night: tuple[str, KnownNight, dict[str, str]], tmp_path: Path
) -> None:
    url, made, names = night
    given = _controlroom(
        url,
        names["operator"],
        "give",
        "--notes",
        "Door staff at <b>Velvet Fox</b> short-handed",
        "--note",
        f"flag:{made.flag_id}=Door staff know him",
        "--note",
        f"direction:{made.direction_id}=Mother on her way",
    )
    assert given.returncode == 0, given.stderr
    withheld, whole = tmp_path / "withheld.pdf", tmp_path / "whole.pdf"

    plain = _controlroom(url, names["operator"], "show", "1", "--pdf", str(withheld))
    assert plain.returncode == 0, plain.stderr
    disclosed = _controlroom(
        url,
        names["operator"],
        "show",
        "H-2026-0001",
        "--pdf",
        str(whole),
        "--recipient",
        "Insp 1234 Shaw (night duty)",
        "--justification",
        "Incoming inspector's briefing",
    )
    assert disclosed.returncode == 0, disclosed.stderr

    text = pdf_text(withheld)
    for expected in (
        "Shift handover",
        "H-2026-0001",
        f"From (outgoing) {names['operator']}",
        "To (incoming) Whoever logs in next",
        "NOT YET ACKNOWLEDGED",
        "Door staff at <b>Velvet Fox</b> short-handed",  # typed markup printed as text
        "Door staff know him",
        made.spiking_ref,
        made.g1_ref,
        "SN-21",
        "Bedford Place",
        made.direction_ref,
        "Signature of outgoing operator",
        "Signature of incoming operator",
        "Audit head: #",
        *SECTIONS,
    ):
        assert expected in text, expected
    assert "red cap" not in text and "Mother on her way" not in text and "withheld" in text
    whole_text = pdf_text(whole)
    assert "Boy, about 14, red cap" in whole_text and "Mother on her way" in whole_text
    assert "Included: a disclosure to Insp 1234 Shaw (night duty)" in whole_text
    assert pages(whole) >= 1
    prints = run_with_db(url, _prints)
    assert [(a, k, r) for a, k, r, _ in prints] == [
        ("handover.print", "operation", None),
        ("paperwork.print", "disclosure", "Insp 1234 Shaw (night duty)"),
    ]
    assert prints[1][3] == {"document": "handover", "reference": "H-2026-0001", "personal": True}


def test_a_draft_prints_as_a_draft_and_half_a_disclosure_is_refused(
    night: tuple[str, KnownNight, dict[str, str]], tmp_path: Path
) -> None:
    url, made, names = night
    target = tmp_path / "draft.pdf"
    done = _controlroom(url, names["operator"], "draft", "--pdf", str(target), "--notes", "Still writing")
    assert done.returncode == 0, done.stderr
    text = pdf_text(target)
    assert "DRAFT: not yet handed over" in text and "Still writing" in text and made.g1_ref in text
    half = _controlroom(
        url, names["operator"], "draft", "--pdf", str(tmp_path / "no.pdf"), "--recipient", "Insp Shaw"
    )
    assert half.returncode == 2 and "give --justification (why it is printed) as well" in half.stderr
    assert not (tmp_path / "no.pdf").exists()
    assert [a for a, *_ in run_with_db(url, _prints)] == ["handover.print"]
