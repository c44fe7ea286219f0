"""``controlroom report-period`` as a user runs it: outputs, the audit entry, refusals."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.cli.test_cli import cli, counts
from tests.core.reports.test_period import _fortnight
from tests.core.support import run_with_db

FORTNIGHT = ("report-period", "--from", "2026-11-02", "--to", "2026-11-15")


@pytest.fixture
def fortnight_db(db_url: str) -> str:
    run_with_db(db_url, _fortnight)
    return db_url


def test_json_and_csv_of_a_fortnight_and_one_audit_entry(fortnight_db: str, tmp_path: Path) -> None:
    before = counts(fortnight_db)
    table = tmp_path / "fortnight.csv"
    done = cli(fortnight_db, *FORTNIGHT, "--before-after", "2026-11-09", "--json", "--csv", str(table))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout[: done.stdout.rindex("}") + 1])
    assert shown["total"] == 10 and shown["nights"] == 14
    assert shown["before_after"]["before"] == ["2026-11-02", "2026-11-08", 4]
    assert "a count, not a test of cause" in shown["before_after"]["sentence"]
    assert shown["heatmap"]["counts"][4][shown["heatmap"]["hours"].index("23")] == 8
    assert "summary never read" not in done.stdout
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert rows[0][0] == "section" and ["night", "2026-11-13", "Fri", "", "", "", "", "", "6"] in rows
    assert counts(fortnight_db) == {**before, "audit": before["audit"] + 1}


REFUSED = (
    (("--from", "2026-11-15", "--to", "2026-11-02"), "after it ends"),
    (("--from", "2026-11-02", "--to", "2026-11-31"), "is not a date"),
    (("--month", "2026-13"), "is not a month"),
    (("--month", "2099-01"), "nothing has been recorded yet"),
    (("--week", "2026-10-01"), "before any record"),
    (("--from", "2026-11-02", "--to", "2026-11-15", "--before-after", "2026-11-20"), "outside the period"),
    (("--from", "2026-11-02"), "--from needs --to"),
)


def test_bad_periods_exit_2_and_write_nothing(fortnight_db: str, tmp_path: Path) -> None:
    before = counts(fortnight_db)
    for args, words in REFUSED:
        done = cli(fortnight_db, "report-period", *args, "--csv", str(tmp_path / "refused.csv"))
        assert (done.returncode, words in done.stderr) == (2, True), (args, done.stderr)
    assert not [p for p in tmp_path.iterdir() if "refused" in p.name]
    assert counts(fortnight_db) == before


def test_the_pdf_is_written_by_the_window_program(fortnight_db: str, tmp_path: Path) -> None:
    paper = tmp_path / "fortnight.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--db", fortnight_db, *FORTNIGHT, "--pdf", str(paper)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote {paper} (" in done.stdout
    assert paper.read_bytes().startswith(b"%PDF")
