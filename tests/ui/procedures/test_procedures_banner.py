"""A refused procedures file is said across the top of the window — the file, the line, what is
wrong and that the shipped procedures are in use — and new incidents still get the shipped steps."""

from __future__ import annotations

from typing import Any

from controlroom.config import config_dir
from controlroom.procedures.book import procedures_path
from tests.conftest import run_isolated
from tests.ui.procedures.seeding import a_minute_ago, report_spiking
from tests.ui.waits import wait_until
from ui.procedures.book_warning import in_window_words

BAD = """force = "Test Constabulary"
version = "bad-1"
guidance = ["Force policy 12 (2026)"]

[[procedure]]
key = "suspected_spiking"
title = "Suspected spiking"
categories = ["suspected_spiking"]
guidance = ["Force policy 12 (2026)"]

[[procedure.step]]
text = "Secure the drink"
who = "the barman"
"""


def test_a_bad_procedures_file_is_named_with_its_line_across_the_window(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    procedures_path().write_text(BAD, encoding="utf-8")
    window = open_window(sqlite_url)
    banner = window.findChild(object, "proceduresBanner")
    assert banner is not None and banner.isVisible()
    text = banner.text()
    line = BAD.splitlines().index('who = "the barman"') + 1
    assert text.startswith(f"Procedures file {procedures_path()} line {line}: ")
    assert "who" in text and text.endswith(" — using the shipped procedures")
    # The shipped spiking procedure is what a new report gets meanwhile.
    reference = run_isolated(report_spiking(sqlite_url, a_minute_ago()))
    wait_until(qtbot, lambda: window.board.incident_by_reference(reference) is not None, "it is listed")
    incident_id = window.board.incident_by_reference(reference).id
    wait_until(
        qtbot, lambda: window.detail.checklist.checklist(incident_id) is not None, "its checklist came"
    )
    assert window.detail.checklist.checklist(incident_id).version != "bad-1"


def test_a_good_procedures_file_shows_no_notice(sqlite_url: str, open_window: Any) -> None:
    window = open_window(sqlite_url)
    assert window.findChild(object, "proceduresBanner") is None


def test_the_cores_warning_in_the_windows_words() -> None:
    core = "/etc/cr/procedures.toml:12: unknown key 'whoo'; keys are text, who"
    core += " — the shipped procedures are in use instead"
    assert in_window_words(core) == (
        "Procedures file /etc/cr/procedures.toml line 12: unknown key 'whoo'; keys are text, who"
        " — using the shipped procedures"
    )
