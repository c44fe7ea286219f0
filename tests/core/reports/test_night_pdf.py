"""``controlroom report-night`` as a supervisor runs it: a real PDF read back, CSV and GeoJSON, refusals.

The PDF goes through the window's PDF writer (``ui.cli``), as every paperwork PDF does;
it is read back with pdftotext and each page is rendered with pdftoppm.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from controlroom.users import accounts
from tests.core.reports.support import PERSONAL, known_night
from tests.core.support import run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names
from ui.cli import main

NIGHT = "2026-11-27"
SECTIONS = (
    "Night pack: Friday 27 November 2026",
    "The night at a glance",
    "Hour by hour",
    "Where: incidents and hotspots",
    "Response times against the grade targets",
    "Incidents by category, source and grade",
    "Incidents by venue",
    "Ask for Angela",
    "Safe spaces",
)


def _known_night(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str], dict[str, str]]:
    """The known night, a supervisor and a partner (password from the environment)."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    refs = run_with_db(url, known_night)
    names = unique_names("administrator", "supervisor", "partner")
    add_users(
        url,
        (names["supervisor"], "supervisor", ()),
        (names["partner"], "partner", ("Velvet Fox",)),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return url, refs, names


@pytest.fixture
def night(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, str], dict[str, str]]:
    """The known night on each backend: the logins' grants matter for what is read and logged."""
    return _known_night(db_url, monkeypatch)


@pytest.fixture
def sqlite_night(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, dict[str, str], dict[str, str]]:
    """The known night on SQLite: refusals happen before the database is read or written."""
    return _known_night(sqlite_url, monkeypatch)


def _run(capsys: pytest.CaptureFixture[str], url: str, user: str, *args: str) -> tuple[int, str]:
    try:
        code = main(["--db", url, "--user", user, "report-night", *args])
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def _audit(url: str) -> list[tuple[str, str | None]]:
    async def read(db: Database) -> list[tuple[str, str | None]]:
        async with db.read() as conn:
            rows = await conn.execute(
                select(AuditEntry.action, AuditEntry.recipient)
                .where(AuditEntry.action.in_(("report.night", "paperwork.export")))
                .order_by(AuditEntry.id)
            )
            return [(str(a), r) for a, r in rows.all()]

    return run_with_db(url, read)


def test_the_pack_as_pdf_csv_and_geojson_without_personal_data(
    qapp: QApplication,
    night: tuple[str, dict[str, str], dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, refs, names = night
    pdf, table, points = tmp_path / "night.pdf", tmp_path / "night.csv", tmp_path / "night.geojson"
    code, out = _run(
        capsys, url, names["supervisor"], "--night", NIGHT, "--pdf", str(pdf), "--csv", str(table),
        "--geojson", str(points),
    )  # fmt: skip
    assert code == 0, out
    assert "4 incidents, 2 target breaches (1 callers told), 1 directions" in out
    text = _text(pdf)
    for section in SECTIONS:
        assert section in text
    for ref in refs.values():
        assert (ref in text) == (ref in (refs["B"], refs["C"]))  # the breaches are listed
    assert "Bedford Place (LOG-20261127-0427)" in text and "Velvet Fox" in text
    for secret in PERSONAL:
        assert secret not in text
    assert "No personal data" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page*.png"))
    assert table.read_text(encoding="utf-8").splitlines()[0].startswith("night,reference,reported_at_local")
    assert len(json.loads(points.read_text(encoding="utf-8"))["features"]) == 4
    assert not list(tmp_path.glob(".*.part"))
    assert _audit(url) == [("report.night", None)]


def test_summaries_only_as_a_logged_disclosure(
    qapp: QApplication,
    night: tuple[str, dict[str, str], dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, _, names = night
    pdf = tmp_path / "personal.pdf"
    refused, out = _run(
        capsys, url, names["supervisor"], "--night", NIGHT, "--pdf", str(pdf), "--include-personal"
    )
    assert refused == 2 and "say --justification and --recipient" in out
    code, out = _run(
        capsys, url, names["supervisor"], "--night", NIGHT, "--pdf", str(pdf), "--include-personal",
        "--justification", "Licensing review of the Velvet Fox", "--recipient", "Licensing authority",
    )  # fmt: skip
    assert code == 0, out
    text = _text(pdf)
    assert PERSONAL[0] in text and "Incident summaries (personal data)" in text
    # The disclosure notice lengthens the heading; the map and its key still fit on page 1.
    first = _text(pdf, 1)
    assert "Outlined: 150 m squares" in first and "Streets" in first
    assert _text(pdf, 2).startswith("Response times")
    assert PERSONAL[1] not in text and PERSONAL[2] not in text
    assert _audit(url) == [("paperwork.export", "Licensing authority")]


@pytest.mark.parametrize(
    ("words", "code", "message"),
    [
        (("--night", "2030-01-04"), 2, "is still to come"),
        (("--night", "2026-11-01"), 2, "before the first record"),
        (("--csv", "{tmp}/missing/night.csv"), 2, "does not exist; create it first"),
        (("--geojson", "{tmp}"), 2, "is a folder"),
        (("--csv", "{tmp}/night.pdf"), 2, "must name different files"),
        (("--justification", "x"), 2, "go with --include-personal"),
        (("--user-partner",), 4, "may not"),
    ],
)
def test_refusals_exit_with_the_reason_and_write_nothing(
    sqlite_night: tuple[str, dict[str, str], dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    words: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    url, _, names = sqlite_night
    folder = tmp_path / "out"
    folder.mkdir()
    user = names["partner"] if words == ("--user-partner",) else names["supervisor"]
    args = [w.format(tmp=folder) for w in words if w != "--user-partner"]
    if "--night" not in args:
        args += ["--night", NIGHT]
    refused, out = _run(capsys, url, user, "--pdf", str(folder / "night.pdf"), *args)
    assert (refused, message in out) == (code, True), out
    assert list(folder.iterdir()) == []
    assert _audit(url) == []
