"""``controlroom incident steps|step`` as operators and supervisors run them (own logins on PostgreSQL).

Refusals exit 2 (bad input) or 4 (not permitted) and write nothing. The incident is the
shipped "Suspected spiking" procedure's, reported on 27/11 — long enough ago that every
step with a time limit is overdue now.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from controlroom.config import config_dir
from controlroom.storage.database import Database
from controlroom.users import accounts
from tests.core.cameras.support import Ran, run_cli
from tests.core.procedures.support import counts, spiking
from tests.core.support import FIXED_NOW, commands_for, run_with_db
from tests.ui.logins import PASSWORD, add_users, unique_names


@pytest.fixture
def night(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, dict[str, str]]:
    """A reported suspected spiking (shipped procedure), and a user of each role that matters."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reference = run_with_db(db_url, _report)
    names = unique_names("administrator", "supervisor", "operator", "auditor")
    add_users(
        db_url,
        *((names[role], role, ()) for role in ("supervisor", "operator", "auditor")),
        admin=names["administrator"],
    )
    monkeypatch.setenv("CONTROLROOM_PASSWORD", PASSWORD)
    return db_url, reference, names


async def _report(db: Database) -> str:
    return (await commands_for(db, "op0", FIXED_NOW).report_incident(spiking())).reference


def test_the_checklist_worked_from_the_command_line(
    night: tuple[str, str, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ref, names = night

    def run(role: str, *args: str) -> Ran:
        return run_cli(capsys, url, "incident", *args, user=names[role])

    listed = run("operator", "steps", ref)
    assert listed.code == 0, listed.err
    first, *steps = listed.out.splitlines()
    assert first.startswith(f"{ref}  Suspected spiking (procedures version 2026.1, started 27/11 23:30)")
    assert steps[0].split()[:4] == ["1", "OVERDUE", "operator", "by"]
    assert "23:35" in steps[0]  # reported 23:30 UK time, within 5 minutes
    assert [line.split()[0] for line in steps] == ["1", "2", "3", "4", "5", "6", "6a", "6b", "7"]
    assert "if answered" in steps[6] and "[if yes]" in steps[6]

    done = run("operator", "step", ref, "1", "--done")
    assert done.code == 0, done.err
    assert done.out.startswith(f"{ref}: step 1 done; next: step 2, Ask the venue to secure the drink")
    answered = run("operator", "step", ref, "6", "--done", "--answer", "no")
    assert answered.code == 0 and "step 6 done (answer: no)" in answered.out
    skipped = run("operator", "step", ref, "2", "--skip", "--reason", "glass already washed")
    assert skipped.code == 0 and "step 2 skipped" in skipped.out
    by_supervisor = run("supervisor", "step", ref, "7", "--done")
    assert by_supervisor.code == 0, by_supervisor.err

    as_json = run("operator", "steps", ref, "--json")
    assert as_json.code == 0, as_json.err
    data = json.loads(as_json.out)
    states = {s["number"]: (s["state"], s["by"], s["overdue"]) for s in data["steps"]}
    assert states["1"] == ("done", names["operator"], False)
    assert states["2"][0] == "skipped" and data["steps"][1]["reason"] == "glass already washed"
    assert states["3"] == ("pending", "", True)
    assert (states["6a"][0], states["6b"][0]) == ("not_applicable", "pending")
    assert states["7"] == ("done", names["supervisor"], False)
    assert data["reference"] == ref and data["version"] == "2026.1"

    shown = run("operator", "show", ref)
    assert (
        "Step 1 done: Urgent welfare: send St John Ambulance or request an ambulance to the person…"
        in shown.out
    )
    assert "Step 2 skipped: " in shown.out and "because: glass already washed" in shown.out


REFUSED = [
    pytest.param(
        ("operator", "step", "REF", "2", "--skip"), 2, "a skipped step needs a reason", id="no-reason"
    ),
    pytest.param(
        ("operator", "step", "REF", "2", "--skip", "--reason", "   "), 2, "needs a reason", id="blank-reason"
    ),
    pytest.param(("operator", "step", "REF", "2", "--done", "--skip"), 2, "not allowed with", id="both"),
    pytest.param(("operator", "step", "REF", "2"), 2, "one of the arguments --done --skip", id="neither"),
    pytest.param(
        ("operator", "step", "REF", "6", "--skip", "--answer", "yes", "--reason", "x"),
        2,
        "--answer goes with --done",
        id="answer-with-skip",
    ),
    pytest.param(("operator", "step", "REF", "6", "--done"), 2, "answer it: --answer yes", id="unanswered"),
    pytest.param(("operator", "step", "REF", "12", "--done"), 2, "has no step '12'", id="unknown-step"),
    pytest.param(
        ("operator", "step", "REF", "6a", "--done"), 2, "depends on the answer to step 6", id="branch"
    ),
    pytest.param(
        ("operator", "step", "REF", "7", "--done"), 4, "is a supervisor's step", id="supervisor-step"
    ),
    pytest.param(("auditor", "steps", "REF"), 4, "may not", id="auditor-reads"),
    pytest.param(("auditor", "step", "REF", "1", "--done"), 4, "may not", id="auditor-marks"),
]


@pytest.mark.parametrize(("words", "code", "message"), REFUSED)
def test_refusals_exit_with_the_reason_and_write_nothing(
    night: tuple[str, str, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    words: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    url, ref, names = night
    before = run_with_db(url, counts)
    role, *args = words
    refused = run_cli(capsys, url, "incident", *(ref if a == "REF" else a for a in args), user=names[role])
    assert (refused.code, message in refused.err) == (code, True), refused.err
    if code == 2 and "--" not in message[:2]:
        assert refused.err.count("controlroom: error:") <= 1
    assert run_with_db(url, counts) == before


BAD_FILE = """\
force = "Test Constabulary"
version = "T1"
guidance = ["a test"]

[[procedure]]
key = "spiking"
title = "Spiking"
categories = ["suspected_spiking"]

[[procedure.step]]
text = "Send St John"
who = "sergeant"
"""


def test_a_bad_procedures_file_is_named_on_stderr_and_the_shipped_steps_are_used(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_dir() / "procedures.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BAD_FILE, encoding="utf-8")

    checked = run_cli(capsys, sqlite_url, "config", "check")
    assert checked.code == 2
    assert f"controlroom: error: {path}:12: who = 'sergeant' is not a role" in checked.err

    reported = run_cli(
        capsys,
        sqlite_url,
        "report",
        "--at",
        "50.9027,-1.4043",
        "--place",
        "Bargate",
        "--category",
        "suspected_spiking",
        "--source",
        "cctv",
        "--summary",
        "Drink tasted odd",
    )
    assert reported.code == 0, reported.err
    assert reported.err.count("warning: ") == 1
    assert f"{path}:12: who = 'sergeant'" in reported.err and "shipped procedures are in use" in reported.err
    steps = run_cli(capsys, sqlite_url, "incident", "steps", reported.out.strip())
    assert steps.code == 0, steps.err
    assert "(procedures version 2026.1," in steps.out  # the shipped file's, not "T1"


def test_config_check_names_the_procedures_in_use(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    checked = run_cli(capsys, sqlite_url, "config", "check")
    assert checked.code == 0, checked.err
    shipped = Path(__file__).resolve().parents[3] / "controlroom" / "procedures" / "default_procedures.toml"
    assert (
        f"procedures: {shipped} (none at {config_dir() / 'procedures.toml'}: the shipped defaults)"
        in checked.out
    )
    assert "version 2026.1, 6 procedures" in checked.out
